// The `ai.rebalance` signals a running keeper acts on: only its own vault's, each id once, across
// restarts. An id counts as handled only once the cycle it triggered has ended (see runLoop.ts),
// and that is recorded on disk before the bus is told, so a crash in between redelivers a signal
// the next process recognises instead of handling twice.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RebalanceSignal } from "../../bus/topics.ts";
import { InputError } from "../../errors.ts";

/** What {@link SignalInbox.verdict} made of a signal. */
export type SignalVerdict = "new" | "processed" | "other-vault";

/** How a handled signal's cycle ended, as recorded. */
export type SignalOutcome = "settled" | "already-settled" | "nothing-to-do" | "halted" | "refused" | "no-trigger";

/** How many handled signal ids an inbox remembers (the oldest are forgotten first). */
export const REMEMBERED_SIGNAL_IDS = 10_000;

/** One entry of the processed-id record. */
export interface ProcessedSignal {
  readonly id: string;
  readonly outcome: SignalOutcome;
  /** ISO-8601 time the cycle ended. */
  readonly at: string;
}

/** The processed-id record's file: `{ vault, processed: ProcessedSignal[] }`, oldest first. */
interface RecordFile {
  readonly vault: string;
  readonly processed: ProcessedSignal[];
}

/**
 * The processed-id record of a vault's keeper: `<inputsDir>/rebalance-signals-<vault lowercased>.json`.
 *
 * @example
 * ```ts
 * signalRecordPath("out/inputs", "0xAbC…"); // "out/inputs/rebalance-signals-0xabc….json"
 * ```
 */
export function signalRecordPath(inputsDir: string, vault: string): string {
  return `${inputsDir}/rebalance-signals-${vault.toLowerCase()}.json`;
}

/**
 * Filters `ai.rebalance` signals for one vault and recognises ids already handled (the sender's
 * idempotency key), in memory and, with a `path`, in a JSON record that survives restarts.
 *
 * @example
 * ```ts
 * const inbox = SignalInbox.open(vault, signalRecordPath(inputsDir, vault));
 * if (inbox.verdict(message.payload) === "new") {
 *   // … run the cycle, then:
 *   inbox.markProcessed(message.payload.id, "settled");
 * }
 * ```
 */
export class SignalInbox {
  readonly #vault: string;
  readonly #path: string | undefined;
  readonly #capacity: number;
  readonly #processed = new Map<string, ProcessedSignal>();

  constructor(vault: string, options: { path?: string; capacity?: number; processed?: ProcessedSignal[] } = {}) {
    this.#vault = vault.toLowerCase();
    this.#path = options.path;
    this.#capacity = options.capacity ?? REMEMBERED_SIGNAL_IDS;
    for (const entry of options.processed ?? []) this.#remember(entry);
  }

  /**
   * Opens the inbox of `vault` with the record at `path` (absent → empty). A record that is not
   * this vault's, or not a record at all, is an {@link InputError}: dropping it would handle
   * every remembered signal again.
   */
  static open(vault: string, path: string, capacity?: number): SignalInbox {
    let text: string | undefined;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new InputError("SIGNAL_RECORD_UNREADABLE", `cannot read ${path}`, "--inputs-dir", { cause: error });
      }
    }
    const processed = text === undefined ? [] : parseRecord(text, vault, path);
    return new SignalInbox(vault, { path, processed, ...(capacity === undefined ? {} : { capacity }) });
  }

  /**
   * `"new"` for this vault's signal with an id not handled yet, `"processed"` for an id whose
   * cycle has ended, `"other-vault"` for another vault's signal.
   */
  verdict(signal: Pick<RebalanceSignal, "portfolio" | "id">): SignalVerdict {
    if (signal.portfolio.toLowerCase() !== this.#vault) return "other-vault";
    return this.#processed.has(signal.id) ? "processed" : "new";
  }

  /** Records that the cycle `id` triggered has ended; writes the record (atomically) before returning. */
  markProcessed(id: string, outcome: SignalOutcome, at: Date = new Date()): void {
    this.#remember({ id, outcome, at: at.toISOString() });
    if (this.#path === undefined) return;
    const record: RecordFile = { vault: this.#vault, processed: [...this.#processed.values()] };
    mkdirSync(dirname(this.#path), { recursive: true });
    // Write-then-rename: a crash mid-write leaves the previous record, never half of one.
    const tmp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record, null, 1)}\n`);
    renameSync(tmp, this.#path);
  }

  #remember(entry: ProcessedSignal): void {
    this.#processed.delete(entry.id);
    this.#processed.set(entry.id, entry);
    while (this.#processed.size > this.#capacity) {
      const oldest = this.#processed.keys().next();
      if (oldest.done === true) break;
      this.#processed.delete(oldest.value);
    }
  }
}

function parseRecord(text: string, vault: string, path: string): ProcessedSignal[] {
  let record: Partial<RecordFile>;
  try {
    record = JSON.parse(text) as Partial<RecordFile>;
  } catch (cause) {
    throw new InputError("SIGNAL_RECORD_INVALID", `${path} is not JSON`, "--inputs-dir", { cause });
  }
  if (typeof record !== "object" || record === null || !Array.isArray(record.processed)) {
    throw new InputError("SIGNAL_RECORD_INVALID", `${path} is not a processed-signal record`, "--inputs-dir");
  }
  if (typeof record.vault !== "string" || record.vault.toLowerCase() !== vault.toLowerCase()) {
    throw new InputError("SIGNAL_RECORD_INVALID", `${path} belongs to vault ${String(record.vault)}`, "--inputs-dir");
  }
  return record.processed.filter((e): e is ProcessedSignal => typeof e === "object" && typeof e.id === "string");
}
