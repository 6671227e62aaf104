// How long a running keeper waits after a failed cycle: a node that restarts, or is replaced,
// is rejoined quickly at first and then without hammering it, and an operator hears of it.

/** Options of {@link FailureBackoff}. */
export interface FailureBackoffOptions {
  /** Wait after the first failure, ms (default 1 000); doubles with each further one. */
  readonly baseMs?: number;
  /** Largest wait, ms: `min(5 min, --interval)` in the keeper. */
  readonly capMs: number;
  /** Consecutive failures after which to alert (default 3); alerted once per run of failures. */
  readonly alertAfter?: number;
  /** Uniform [0, 1) numbers for the jitter (default `Math.random`). */
  readonly random?: () => number;
}

/** What {@link FailureBackoff.failed} decided. */
export interface FailureDecision {
  /** Consecutive failures, this one included. */
  readonly failures: number;
  /** How long to wait before the next attempt, ms. */
  readonly delayMs: number;
  /** True exactly when `failures` reaches `alertAfter`. */
  readonly alert: boolean;
}

/** Consecutive failures before the keeper alerts. */
export const ALERT_AFTER_FAILURES = 3;

/**
 * Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff and
 * Jitter", 2015) between failed keeper cycles: after the k-th consecutive failure it waits
 * U[cap_k / 2, cap_k) with cap_k = min(capMs, baseMs · 2^(k−1)), so waits grow (unlike full
 * jitter, which may retry at once) while keepers that lost one node do not return in step.
 * A success resets it.
 *
 * @example
 * ```ts
 * const backoff = new FailureBackoff({ capMs: Math.min(300_000, intervalMs) });
 * const { delayMs, alert } = backoff.failed(); // after a failed cycle
 * backoff.succeeded(); // after one that ended
 * ```
 */
export class FailureBackoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #alertAfter: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: FailureBackoffOptions) {
    this.#baseMs = options.baseMs ?? 1_000;
    this.#capMs = options.capMs;
    this.#alertAfter = options.alertAfter ?? ALERT_AFTER_FAILURES;
    this.#random = options.random ?? Math.random;
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Counts a failure and says how long to wait and whether to alert. */
  failed(): FailureDecision {
    this.#failures += 1;
    const cap = Math.min(this.#capMs, this.#baseMs * 2 ** Math.min(this.#failures - 1, 40));
    const delayMs = Math.floor(cap / 2 + this.#random() * (cap / 2));
    return { failures: this.#failures, delayMs, alert: this.#failures === this.#alertAfter };
  }

  /** Resets the count; returns how many consecutive failures it ended. */
  succeeded(): number {
    const ended = this.#failures;
    this.#failures = 0;
    return ended;
  }
}
