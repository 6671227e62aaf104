// Leases: at most one fleet process cycles a portfolio at a time. A lease is a key in a
// compare-and-set store (JetStream KV in production, a map in one process) holding who has it and
// until when; taken with `create`, renewed with `update` at the revision last written, so a holder
// that lost it (another took it over after it expired) learns so on its next renewal.

/** What a lease key holds. */
export interface LeaseRecord {
  /** The holding fleet process (`<account>/<host>/<pid>/<random>`: unique per process). */
  readonly holder: string;
  /** The holder's keeper account, for operators. */
  readonly account: string;
  /** Wall-clock ms since the epoch after which the lease is free, whatever the record says. */
  readonly expiresAt: number;
}

/** A stored value and its revision (JetStream KV: the stream sequence of its last write). */
export interface Revisioned<T> {
  readonly value: T;
  readonly revision: number;
}

/**
 * The compare-and-set store leases live in. `create` and `update` resolve `null` when another
 * writer got there first (the key exists / the revision moved); any other failure (the store is
 * unreachable) rejects. Keys are `[A-Za-z0-9_.-]`.
 */
export interface LeaseBackend {
  get(key: string): Promise<Revisioned<LeaseRecord> | null>;
  create(key: string, value: LeaseRecord): Promise<number | null>;
  update(key: string, value: LeaseRecord, revision: number): Promise<number | null>;
  /** Deletes the key if it is still at `revision`. */
  remove(key: string, revision: number): Promise<void>;
  /** Marks `member` alive for one lease period (no compare-and-set: each member writes its own key). */
  heartbeat(member: string): Promise<void>;
  /** How many members heartbeated within the last lease period. */
  members(): Promise<number>;
  close(): Promise<void>;
}

interface Held {
  revision: number;
  /** Local ms (performance clock) until which this process may act on the lease. */
  heldUntil: number;
}

/** Parameters of {@link Leases}. */
export interface LeasesParameters {
  readonly backend: LeaseBackend;
  /** This process's holder id (unique per process, so a restarted process waits like any other). */
  readonly holder: string;
  readonly account: string;
  /** How long a lease lasts after its last renewal, ms. */
  readonly periodMs: number;
  /** Wall clock, ms: the `expiresAt` other processes compare with theirs (tests inject one). */
  readonly now?: () => number;
  /** Monotonic clock, ms, for this process's own deadline (default `performance.now`). */
  readonly monotonic?: () => number;
}

/**
 * One fleet process's view of its leases. `hold(key)` takes a free or expired lease or renews one
 * it holds; `isHeld(key)` is true only while the last successful write is less than a lease
 * period old, so a holder cut off from the store stops acting before anyone else may start.
 *
 * @example
 * ```ts
 * const leases = new Leases({ backend, holder: "0xabc…/host/42/x1", account: "0xabc…", periodMs: 15_000 });
 * if (await leases.hold("0xvault…")) startLoop();
 * if (!leases.isHeld("0xvault…")) stopLoop();
 * ```
 */
export class Leases {
  readonly #backend: LeaseBackend;
  readonly #holder: string;
  readonly #account: string;
  readonly #periodMs: number;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #held = new Map<string, Held>();

  constructor(p: LeasesParameters) {
    this.#backend = p.backend;
    this.#holder = p.holder;
    this.#account = p.account;
    this.#periodMs = p.periodMs;
    this.#now = p.now ?? Date.now;
    this.#monotonic = p.monotonic ?? (() => performance.now());
  }

  /** This process's holder id. */
  get holder(): string {
    return this.#holder;
  }

  /** The lease period, ms. */
  get periodMs(): number {
    return this.#periodMs;
  }

  /**
   * Takes or renews the lease on `key`; true when this process holds it now. Rejects when the
   * store cannot be reached (the lease then stays held locally until its period runs out).
   */
  async hold(key: string): Promise<boolean> {
    // Measured before the write: the store's own expiry counts from a later instant.
    const sentAt = this.#monotonic();
    const record: LeaseRecord = {
      holder: this.#holder,
      account: this.#account,
      expiresAt: this.#now() + this.#periodMs,
    };
    const mine = this.#held.get(key);
    if (mine !== undefined) {
      const revision = await this.#backend.update(key, record, mine.revision);
      if (revision !== null) return this.#taken(key, revision, sentAt);
      this.#held.delete(key);
    }
    const current = await this.#backend.get(key);
    let revision: number | null;
    if (current === null) revision = await this.#backend.create(key, record);
    else if (current.value.holder === this.#holder || current.value.expiresAt < this.#now()) {
      // Ours from before a store outage, or expired but not yet removed by the store's TTL.
      revision = await this.#backend.update(key, record, current.revision);
    } else return false;
    return revision === null ? false : this.#taken(key, revision, sentAt);
  }

  /** Whether this process may act on `key` now (its last renewal is less than a period old). */
  isHeld(key: string): boolean {
    const mine = this.#held.get(key);
    return mine !== undefined && this.#monotonic() < mine.heldUntil;
  }

  /** The keys this process holds right now. */
  heldKeys(): string[] {
    return [...this.#held.keys()].filter((k) => this.isHeld(k));
  }

  /** Forgets a lease whose period ran out locally (its loop has been stopped). */
  drop(key: string): void {
    this.#held.delete(key);
  }

  /** Gives the lease up at once, so another process need not wait for it to expire. */
  async release(key: string): Promise<void> {
    const mine = this.#held.get(key);
    this.#held.delete(key);
    if (mine !== undefined) await this.#backend.remove(key, mine.revision).catch(() => undefined);
  }

  /** Who holds `key` according to the store (null when free or expired). */
  async holderOf(key: string): Promise<LeaseRecord | null> {
    const current = await this.#backend.get(key);
    return current === null || current.value.expiresAt < this.#now() ? null : current.value;
  }

  /** Heartbeats this process and returns how many fleet processes are alive (at least 1). */
  async members(): Promise<number> {
    await this.#backend.heartbeat(this.#holder);
    return Math.max(1, await this.#backend.members());
  }

  #taken(key: string, revision: number, sentAt: number): true {
    this.#held.set(key, { revision, heldUntil: sentAt + this.#periodMs });
    return true;
  }
}

/**
 * Leases for one fleet process without a shared store (`--bus memory:`): a map with revisions and
 * expiry, the same compare-and-set rules as JetStream KV.
 *
 * @example
 * ```ts
 * const leases = new Leases({ backend: new InProcessLeaseBackend(15_000), holder, account, periodMs: 15_000 });
 * ```
 */
export class InProcessLeaseBackend implements LeaseBackend {
  readonly #periodMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Revisioned<LeaseRecord> & { writtenAt: number }>();
  readonly #members = new Map<string, number>();
  #revision = 0;

  constructor(periodMs: number, now: () => number = Date.now) {
    this.#periodMs = periodMs;
    this.#now = now;
  }

  get(key: string): Promise<Revisioned<LeaseRecord> | null> {
    const entry = this.#entries.get(key);
    // As the KV bucket's TTL: a key not written for a period is gone.
    if (entry !== undefined && this.#now() - entry.writtenAt >= this.#periodMs) this.#entries.delete(key);
    const live = this.#entries.get(key);
    return Promise.resolve(live === undefined ? null : { value: live.value, revision: live.revision });
  }

  async create(key: string, value: LeaseRecord): Promise<number | null> {
    if ((await this.get(key)) !== null) return null;
    return this.#write(key, value);
  }

  async update(key: string, value: LeaseRecord, revision: number): Promise<number | null> {
    const current = await this.get(key);
    if (current === null || current.revision !== revision) return null;
    return this.#write(key, value);
  }

  remove(key: string, revision: number): Promise<void> {
    if (this.#entries.get(key)?.revision === revision) this.#entries.delete(key);
    return Promise.resolve();
  }

  heartbeat(member: string): Promise<void> {
    this.#members.set(member, this.#now());
    return Promise.resolve();
  }

  members(): Promise<number> {
    const since = this.#now() - this.#periodMs;
    return Promise.resolve([...this.#members.values()].filter((at) => at > since).length);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #write(key: string, value: LeaseRecord): number {
    this.#revision += 1;
    this.#entries.set(key, { value, revision: this.#revision, writtenAt: this.#now() });
    return this.#revision;
  }
}
