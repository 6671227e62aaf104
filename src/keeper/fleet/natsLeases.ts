// The fleet's leases in a JetStream KV bucket, shared by every fleet process on the NATS server or
// cluster. The bucket's TTL is the lease period: a key no holder renewed within a period is
// removed by the server, so a dead holder's lease frees itself even if no clock agrees.
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { InputError } from "../../errors.ts";
import type { LeaseBackend, LeaseRecord, Revisioned } from "./lease.ts";

/** Default KV bucket of the fleet's leases. */
export const DEFAULT_LEASE_BUCKET = "portfolio-keeper-leases";

const LEASE_PREFIX = "lease.";
const MEMBER_PREFIX = "member.";

/** Whether a KV write failed because another writer got there first (the compare-and-set lost). */
function lostRace(error: unknown): boolean {
  if (!(error instanceof JetStreamApiError)) return false;
  return (
    error.code === JetStreamApiCodes.StreamWrongLastSequence ||
    error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
  );
}

/** A member key: holder ids carry `/` and host names, KV keys only `[-/=.\w]`. */
function memberKey(member: string): string {
  return `${MEMBER_PREFIX}${member.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/**
 * {@link LeaseBackend} on a JetStream KV bucket (history 1, TTL = the lease period). Every fleet
 * process must use the same period: the bucket keeps the TTL it was created with, and a process
 * asking for another one is refused (`FLEET_LEASE_MISMATCH`) rather than renewing too seldom.
 *
 * @example
 * ```ts
 * const backend = await NatsKvLeaseBackend.open(bus.connection, { periodMs: 15_000 });
 * const leases = new Leases({ backend, holder, account, periodMs: 15_000 });
 * ```
 */
export class NatsKvLeaseBackend implements LeaseBackend {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Opens (creating it on first use) the lease bucket on `connection`. */
  static async open(
    connection: NatsConnection,
    { periodMs, bucket = DEFAULT_LEASE_BUCKET, replicas = 1 }: { periodMs: number; bucket?: string; replicas?: number },
  ): Promise<NatsKvLeaseBackend> {
    const kv = await new Kvm(connection).create(bucket, { history: 1, ttl: periodMs, replicas });
    const { ttl } = await kv.status();
    if (ttl !== periodMs) {
      throw new InputError(
        "FLEET_LEASE_MISMATCH",
        `the lease bucket ${bucket} has a ${ttl / 1000} s period; every fleet process must use the same --lease`,
        "--lease",
      );
    }
    return new NatsKvLeaseBackend(kv);
  }

  async get(key: string): Promise<Revisioned<LeaseRecord> | null> {
    const entry = await this.#kv.get(`${LEASE_PREFIX}${key}`);
    if (entry === null || entry.operation !== "PUT") return null;
    try {
      return { value: entry.json<LeaseRecord>(), revision: entry.revision };
    } catch {
      // Not a record this code wrote: treat as free, and let update's compare-and-set replace it.
      return { value: { holder: "", account: "", expiresAt: 0 }, revision: entry.revision };
    }
  }

  async create(key: string, value: LeaseRecord): Promise<number | null> {
    return this.#write(() => this.#kv.create(`${LEASE_PREFIX}${key}`, JSON.stringify(value)));
  }

  async update(key: string, value: LeaseRecord, revision: number): Promise<number | null> {
    return this.#write(() => this.#kv.update(`${LEASE_PREFIX}${key}`, JSON.stringify(value), revision));
  }

  async remove(key: string, revision: number): Promise<void> {
    await this.#kv.delete(`${LEASE_PREFIX}${key}`, { previousSeq: revision }).catch((error: unknown) => {
      if (!lostRace(error)) throw error;
    });
  }

  async heartbeat(member: string): Promise<void> {
    await this.#kv.put(memberKey(member), JSON.stringify({ member, at: new Date().toISOString() }));
  }

  async members(): Promise<number> {
    const keys: string[] = [];
    for await (const key of await this.#kv.keys(`${MEMBER_PREFIX}>`)) keys.push(key);
    return keys.length;
  }

  close(): Promise<void> {
    // The connection belongs to the bus, which closes it.
    return Promise.resolve();
  }

  async #write(write: () => Promise<number>): Promise<number | null> {
    try {
      return await write();
    } catch (error) {
      if (lostRace(error)) return null;
      throw error;
    }
  }
}
