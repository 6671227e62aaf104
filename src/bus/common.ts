// Pieces both bus implementations share, so their semantics cannot drift apart.
import { createHash } from "node:crypto";
import { InputError, PortfolioError } from "../errors.ts";
import type { HistoryOptions, SubscribeOptions } from "./messageBus.ts";
import { isKeyedTopic, type Alert, type Topic } from "./topics.ts";

/** Defaults of {@link SubscribeOptions}. */
export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS: readonly number[] = [250, 1000, 5000, 15000];
export const DEFAULT_HISTORY_LIMIT = 1000;
/** Window in which a republished message id is dropped, ms (JetStream's default too). */
export const DEFAULT_DEDUP_WINDOW_MS = 120_000;

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The default message id: `sha256(topic + "\n" + canonicalJson(payload))` as 64 hex digits.
 *
 * @example
 * ```ts
 * contentId("alerts", alert); // "3f1c…"
 * ```
 */
export function contentId(topic: Topic, payload: unknown): string {
  return createHash("sha256")
    .update(`${topic}\n${canonicalJson(payload)}`)
    .digest("hex");
}

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const GROUP_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks an explicit message id: 1–128 characters of `[A-Za-z0-9_.:-]`. */
export function checkMessageId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new InputError("BUS_INVALID_ID", "must be 1–128 characters of [A-Za-z0-9_.:-]", "options.id");
  }
  return id;
}

/** Subscribe options with defaults applied and checked. */
export interface ResolvedSubscribeOptions {
  readonly durable: string | undefined;
  /** Routing key filter, lowercased; undefined = every key. */
  readonly key: string | undefined;
  readonly deliver: "all" | "new";
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
}

const KEY_PATTERN = /^[a-z0-9_-]{1,64}$/;

/** Applies defaults to {@link SubscribeOptions} for `topic` and rejects bad values with an InputError. */
export function resolveSubscribeOptions(topic: Topic, options: SubscribeOptions = {}): ResolvedSubscribeOptions {
  const { durable, maxDeliver = DEFAULT_MAX_DELIVER, backoffMs = DEFAULT_BACKOFF_MS } = options;
  if (durable !== undefined && !GROUP_PATTERN.test(durable)) {
    throw new InputError("BUS_INVALID_GROUP", "must be 1–64 characters of [A-Za-z0-9_-]", "options.durable");
  }
  const deliver = options.deliver ?? (durable === undefined ? "new" : "all");
  if (deliver !== "all" && deliver !== "new") {
    throw new InputError("BUS_INVALID_DELIVER", `must be "all" or "new", got ${String(deliver)}`, "options.deliver");
  }
  if (!Number.isInteger(maxDeliver) || maxDeliver < 1) {
    throw new InputError("BUS_INVALID_MAX_DELIVER", `must be an integer ≥ 1, got ${maxDeliver}`, "options.maxDeliver");
  }
  if (backoffMs.length === 0) throw new InputError("BUS_INVALID_BACKOFF", "must not be empty", "options.backoffMs");
  backoffMs.forEach((ms, i) => {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new InputError(
        "BUS_INVALID_BACKOFF",
        `must be a finite delay ≥ 0 ms, got ${ms}`,
        `options.backoffMs[${i}]`,
      );
    }
  });
  const key = options.key?.toLowerCase();
  if (key !== undefined && !isKeyedTopic(topic)) {
    throw new InputError("BUS_INVALID_KEY", `${topic} messages carry no routing key`, "options.key");
  }
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    throw new InputError("BUS_INVALID_KEY", "must be 1–64 characters of [A-Za-z0-9_-]", "options.key");
  }
  return { durable, key, deliver, maxDeliver, backoffMs };
}

/** Redelivery delay after the `failures`-th failed delivery (1-based), ms. */
export function backoffDelay(backoffMs: readonly number[], failures: number): number {
  return backoffMs[Math.min(failures, backoffMs.length) - 1] ?? 0;
}

/** History options with defaults applied: `since` as ms since the epoch. */
export interface ResolvedHistoryOptions {
  readonly sinceMs: number | undefined;
  readonly fromSeq: number | undefined;
  readonly limit: number;
}

/** Applies defaults to {@link HistoryOptions} and rejects bad values with an InputError. */
export function resolveHistoryOptions(options: HistoryOptions = {}): ResolvedHistoryOptions {
  const { since, fromSeq, limit = DEFAULT_HISTORY_LIMIT } = options;
  const sinceMs = since instanceof Date ? since.getTime() : since;
  if (sinceMs !== undefined && !Number.isFinite(sinceMs)) {
    throw new InputError("BUS_INVALID_SINCE", "must be a valid Date or ms since the epoch", "options.since");
  }
  if (fromSeq !== undefined && (!Number.isInteger(fromSeq) || fromSeq < 1)) {
    throw new InputError("BUS_INVALID_SEQ", `must be an integer ≥ 1, got ${fromSeq}`, "options.fromSeq");
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError("BUS_INVALID_LIMIT", `must be an integer ≥ 1, got ${limit}`, "options.limit");
  }
  return { sinceMs, fromSeq, limit };
}

/** Text of a thrown value for alerts and logs. */
export function errorText(error: unknown): string {
  if (error instanceof PortfolioError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

/** The alert published when a message exhausts its deliveries or cannot be decoded. */
export function deadLetterAlert(
  topic: string,
  messageId: string,
  deliveries: number,
  error: unknown,
  group: string | undefined,
): Alert {
  const text = errorText(error).slice(0, 1000);
  return {
    kind: "dead-letter",
    severity: "critical",
    message: `${topic} message ${messageId} dead-lettered after ${deliveries} deliveries${group ? ` in group ${group}` : ""}: ${text}`,
    at: new Date().toISOString(),
    deadLetter: { topic, messageId, deliveries, error: text },
  };
}

/** Thrown by operations on a closed bus. */
export class BusClosedError extends PortfolioError {
  constructor() {
    super("internal", "BUS_CLOSED", "the message bus is closed");
  }
}
