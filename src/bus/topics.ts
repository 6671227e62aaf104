import { z } from "zod";
import { InputError } from "../errors.ts";
import { portfolioMetricsSchema, type PortfolioMetrics } from "./portfolioMetrics.ts";

export type { PortfolioMetrics } from "./portfolioMetrics.ts";

const isoTime = z.string().datetime({ offset: true });

/**
 * A signed investor view set as it travels on `ai.bl_views`. The bus does not interpret the view
 * set (the views module verifies its EIP-712 signatures); it carries the JSON object unchanged
 * together with the commitment that the keeper later records on chain.
 */
export interface InvestorViewMessage {
  /** The signed view-set JSON object, opaque to the bus. */
  readonly viewSet: Readonly<Record<string, unknown>>;
  /** Commitment to the view set: a 32-byte hash, `0x` + 64 hex digits. */
  readonly commitment: string;
}

/** A request to rebalance one portfolio now, on `ai.rebalance`. */
export interface RebalanceSignal {
  /**
   * Portfolio identifier: the PortfolioVault address (0x…) or a configured name, 1–64 characters of
   * `[A-Za-z0-9_-]`. It is also the signal's routing key (see {@link routingKey}).
   */
  readonly portfolio: string;
  /** Why the rebalance is requested, for the keeper's trigger record. */
  readonly reason: string;
  /** ISO-8601 time the signal was raised. */
  readonly requestedAt: string;
  /** Idempotency key chosen by the sender: the keeper handles one id once. */
  readonly id: string;
}

/** What an alert is about. `dead-letter`: a bus message that exhausted its deliveries. */
export type AlertKind = "drift" | "volatility" | "slippage" | "chain-break" | "optimizer" | "keeper" | "dead-letter";

/** How urgent an alert is. */
export type AlertSeverity = "info" | "warning" | "critical";

/** A threshold breach or an operational failure, on `alerts`. */
export interface Alert {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** Portfolio concerned, when there is one. */
  readonly portfolio?: string;
  /** One line for people. */
  readonly message: string;
  /** Observed value, in the unit of the metric the kind names (fraction, bps, ms …). */
  readonly value?: number;
  /** Threshold the value breached, same unit as `value`. */
  readonly threshold?: number;
  /** ISO-8601 time of the observation. */
  readonly at: string;
  /** For `dead-letter` alerts: the message that could not be handled. */
  readonly deadLetter?: {
    readonly topic: string;
    readonly messageId: string;
    readonly deliveries: number;
    readonly error: string;
  };
}

/** Topic name → payload type. Every bus operation is typed through this map. */
export interface Topics {
  "ai.bl_views": InvestorViewMessage;
  "ai.rebalance": RebalanceSignal;
  "analytics.portfolio": PortfolioMetrics;
  alerts: Alert;
}

/** A topic name of {@link Topics}. */
export type Topic = keyof Topics;

const investorViewSchema: z.ZodType<InvestorViewMessage> = z
  .object({
    viewSet: z.record(z.string(), z.unknown()),
    commitment: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits"),
  })
  .strict();

const rebalanceSignalSchema: z.ZodType<RebalanceSignal> = z
  .object({
    // A subject token: the signal is routed on `ai.rebalance.<portfolio lowercased>`.
    portfolio: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 characters of [A-Za-z0-9_-] (a vault address)"),
    reason: z.string().min(1),
    requestedAt: isoTime,
    id: z.string().min(1),
  })
  .strict();

const alertSchema: z.ZodType<Alert> = z
  .object({
    kind: z.enum(["drift", "volatility", "slippage", "chain-break", "optimizer", "keeper", "dead-letter"]),
    severity: z.enum(["info", "warning", "critical"]),
    portfolio: z.string().min(1).optional(),
    message: z.string().min(1),
    value: z.number().finite().optional(),
    threshold: z.number().finite().optional(),
    at: isoTime,
    deadLetter: z
      .object({
        topic: z.string(),
        messageId: z.string(),
        deliveries: z.number().int().nonnegative(),
        error: z.string(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Payload schemas by topic: publish validates against them, and so does every delivery. */
export const topicSchemas: { readonly [T in Topic]: z.ZodType<Topics[T]> } = {
  "ai.bl_views": investorViewSchema,
  "ai.rebalance": rebalanceSignalSchema,
  "analytics.portfolio": portfolioMetricsSchema,
  alerts: alertSchema,
};

/** Every topic, in a fixed order. */
export const TOPICS: readonly Topic[] = ["ai.bl_views", "ai.rebalance", "analytics.portfolio", "alerts"];

/**
 * The routing key of a message: the subject token after the topic under which it is published, so
 * that a subscriber can take one portfolio's messages and never see another's. `ai.rebalance`
 * is keyed by its portfolio (lowercased: an address in any checksum casing is one key); other
 * topics have none.
 *
 * @example
 * ```ts
 * routingKey("ai.rebalance", { portfolio: "0xAbC…", reason: "drift", requestedAt, id: "r-1" }); // "0xabc…"
 * routingKey("alerts", alert); // undefined
 * ```
 */
export function routingKey(topic: Topic, payload: Topics[Topic]): string | undefined {
  return topic === "ai.rebalance" ? (payload as RebalanceSignal).portfolio.toLowerCase() : undefined;
}

/** Whether messages of `topic` carry a {@link routingKey}. */
export function isKeyedTopic(topic: Topic): boolean {
  return topic === "ai.rebalance";
}

/** Whether `name` is a topic of {@link Topics}. */
export function isTopic(name: string): name is Topic {
  return (TOPICS as readonly string[]).includes(name);
}

/** Throws an {@link InputError} unless `topic` is a topic of {@link Topics}. */
export function checkTopic(topic: string): asserts topic is Topic {
  if (!isTopic(topic)) throw new InputError("BUS_UNKNOWN_TOPIC", `unknown topic ${JSON.stringify(topic)}`, "topic");
}

/**
 * Validates a payload for `topic`, throwing an {@link InputError} that names the offending field
 * (e.g. `ai.rebalance.requestedAt`).
 *
 * @example
 * ```ts
 * const signal = parsePayload("ai.rebalance", JSON.parse(text));
 * ```
 */
export function parsePayload<T extends Topic>(topic: T, payload: unknown): Topics[T] {
  checkTopic(topic);
  const result = topicSchemas[topic].safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = (issue?.path ?? []).reduce<string>(
    (path, key) => (typeof key === "number" ? `${path}[${key}]` : `${path}.${key}`),
    topic,
  );
  throw new InputError("BUS_INVALID_PAYLOAD", issue?.message ?? "invalid payload", field);
}
