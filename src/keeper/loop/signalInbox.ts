// The `ai.rebalance` signals a running keeper acts on: only its own vault's, each id once.
import type { RebalanceSignal } from "../../bus/topics.ts";

/** What {@link SignalInbox.accept} made of a signal. */
export type SignalVerdict = "taken" | "repeat" | "other-vault";

/** How many handled signal ids an inbox remembers (the oldest are forgotten first). */
export const REMEMBERED_SIGNAL_IDS = 10_000;

/**
 * Filters `ai.rebalance` signals for one vault and drops repeats of an id it has already taken
 * (the sender's idempotency key), so a signal published twice triggers one cycle.
 *
 * @example
 * ```ts
 * const inbox = new SignalInbox(vault);
 * if (inbox.accept(message.payload) === "taken") pending = message.payload;
 * ```
 */
export class SignalInbox {
  readonly #vault: string;
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(vault: string, capacity = REMEMBERED_SIGNAL_IDS) {
    this.#vault = vault.toLowerCase();
    this.#capacity = capacity;
  }

  /**
   * `"taken"` for this vault's signal with a new id (remembered from now on), `"repeat"` for an id
   * already taken, `"other-vault"` for another vault's signal.
   */
  accept(signal: Pick<RebalanceSignal, "portfolio" | "id">): SignalVerdict {
    if (signal.portfolio.toLowerCase() !== this.#vault) return "other-vault";
    if (this.#seen.has(signal.id)) return "repeat";
    this.#seen.add(signal.id);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.values().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    return "taken";
  }
}
