// Portfolios nobody serves. The fair share alone can leave one unserved for good: its process is
// stuck stopping its loop (a hung request), or a transient failure made it give the lease back
// while every other process sat at its share. A portfolio seen without a live lease for a whole
// lease period is taken by whichever process sees it, above its share if need be; the share
// rebalancing then hands an idle one back, so the fleet converges again.

/**
 * Tracks, per portfolio, since when this process has seen it without a live lease.
 *
 * @example
 * ```ts
 * const orphans = new OrphanWatch(15_000);
 * orphans.observe("0xvault", false, performance.now());
 * orphans.isOrphan("0xvault", performance.now()); // true once 15 s have passed unheld
 * ```
 */
export class OrphanWatch {
  readonly #periodMs: number;
  readonly #unheldSince = new Map<string, number>();

  /** @param periodMs How long a portfolio must go without a live lease to count as orphaned. */
  constructor(periodMs: number) {
    this.#periodMs = periodMs;
  }

  /** Records whether `key` had a live lease (anyone's) at monotonic time `now`, ms. */
  observe(key: string, held: boolean, now: number): void {
    if (held) this.#unheldSince.delete(key);
    else if (!this.#unheldSince.has(key)) this.#unheldSince.set(key, now);
  }

  /** Whether `key` has been seen without a live lease, at every observation, for a whole period. */
  isOrphan(key: string, now: number): boolean {
    const since = this.#unheldSince.get(key);
    return since !== undefined && now - since >= this.#periodMs;
  }

  /** Forgets `key` (this process took it). */
  forget(key: string): void {
    this.#unheldSince.delete(key);
  }
}
