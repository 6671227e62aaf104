// How many portfolios cycle at once in one fleet process: the cycles share one keeper account's
// nonces, one RPC endpoint and the machine's cores, so the fleet bounds them instead of the chain.

/**
 * A counting semaphore whose waits end when their signal aborts.
 *
 * @example
 * ```ts
 * const limiter = new CycleLimiter(4);
 * const release = await limiter.acquire(ctx.signal);
 * try { await runKeeperCycle(ctx); } finally { release(); }
 * ```
 */
export class CycleLimiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Cycles running now. */
  get active(): number {
    return this.#active;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const grant = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.#active += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#active -= 1;
          this.#waiting.shift()?.();
        });
      };
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.#active < this.#limit) grant();
      else this.#waiting.push(grant);
    });
  }
}
