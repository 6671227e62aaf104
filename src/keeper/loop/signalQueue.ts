// The running keeper's `ai.rebalance` subscription. A signal is held, not acknowledged, until the
// cycle it triggers has ended: the handler's promise stays open (the bus extends the message's ack
// deadline meanwhile with in-progress acks), so a keeper that dies mid-cycle leaves the signal to
// be redelivered, and one that shuts down hands it back at once.
import type { Logger } from "pino";
import type { MessageBus, Subscription } from "../../bus/messageBus.ts";
import type { SignalInbox, SignalOutcome } from "./signalInbox.ts";

/** A signal taken from the bus whose cycle has not ended yet. */
export interface PendingSignal {
  readonly id: string;
  readonly reason: string;
}

interface Held extends PendingSignal {
  readonly release: () => void;
}

/** Parameters of {@link SignalQueue.subscribe}. */
export interface SignalQueueParameters {
  readonly bus: MessageBus;
  readonly vault: string;
  /** Durable group of this vault's keepers. */
  readonly group: string;
  readonly inbox: SignalInbox;
  readonly logger: Logger;
  /** Shutdown: every held signal goes back to the bus unacknowledged. */
  readonly signal: AbortSignal;
  /** Called when a new signal arrives (the loop cuts its wait short). */
  readonly onArrival: () => void;
}

/**
 * Holds this vault's new `ai.rebalance` signals until {@link SignalQueue.settle} says the cycle
 * they triggered ended; already-processed ids are acknowledged at once and ignored.
 *
 * @example
 * ```ts
 * const queue = await SignalQueue.subscribe({ bus, vault, group, inbox, logger, signal, onArrival: wake });
 * const taken = queue.take();
 * // … evaluate, run the cycle …
 * queue.settle(taken, "settled");
 * await queue.close();
 * ```
 */
export class SignalQueue {
  readonly #held: Held[] = [];
  readonly #inbox: SignalInbox;
  #subscription: Subscription | undefined;

  private constructor(inbox: SignalInbox) {
    this.#inbox = inbox;
  }

  /** Subscribes to the vault's own signals (routed by key, so no other vault's reach it). */
  static async subscribe(p: SignalQueueParameters): Promise<SignalQueue> {
    const queue = new SignalQueue(p.inbox);
    const log = p.logger;
    queue.#subscription = await p.bus.subscribe(
      "ai.rebalance",
      async (m) => {
        const s = m.payload;
        const verdict = p.inbox.verdict(s);
        if (verdict === "other-vault") {
          log.warn({ signalId: s.id, portfolio: s.portfolio }, "rebalance signal for another vault, ignored");
          return;
        }
        if (verdict === "processed" || queue.#held.some((h) => h.id === s.id)) {
          log.info({ signalId: s.id, deliveryCount: m.deliveryCount }, "rebalance signal already handled, ignored");
          return;
        }
        log.info({ signalId: s.id, reason: s.reason, deliveryCount: m.deliveryCount }, "rebalance signal received");
        // Resolving acknowledges; rejecting (on shutdown) hands the message back for redelivery.
        await new Promise<void>((resolve, reject) => {
          if (p.signal.aborted) {
            reject(p.signal.reason);
            return;
          }
          const onAbort = (): void => reject(p.signal.reason);
          p.signal.addEventListener("abort", onAbort, { once: true });
          const release = (): void => {
            p.signal.removeEventListener("abort", onAbort);
            resolve();
          };
          queue.#held.push({ id: s.id, reason: s.reason, release });
          p.onArrival();
        });
      },
      { durable: p.group, key: p.vault },
    );
    return queue;
  }

  /** The signals held right now, for the evaluation about to start. */
  take(): readonly PendingSignal[] {
    return this.#held.map(({ id, reason }) => ({ id, reason }));
  }

  /** Whether a signal arrived that `taken` does not include (the loop evaluates again at once). */
  hasMoreThan(taken: readonly PendingSignal[]): boolean {
    return this.#held.some((h) => !taken.some((t) => t.id === h.id));
  }

  /**
   * The cycle the `taken` signals triggered has ended: records each id as processed (on disk
   * first), then acknowledges it.
   */
  settle(taken: readonly PendingSignal[], outcome: SignalOutcome): void {
    for (const t of taken) {
      const at = this.#held.findIndex((h) => h.id === t.id);
      if (at < 0) continue;
      this.#inbox.markProcessed(t.id, outcome);
      const [held] = this.#held.splice(at, 1);
      held?.release();
    }
  }

  /** Stops the subscription; held signals (rejected by the shutdown signal) are redelivered. */
  async close(): Promise<void> {
    await this.#subscription?.close();
  }
}
