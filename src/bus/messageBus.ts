import type { Topic, Topics } from "./topics.ts";

/**
 * One message as the bus stores and delivers it. `id` is the idempotency key: the bus drops a
 * republished id within its dedup window, and handlers use it to recognise a redelivery.
 */
export interface BusMessage<T extends Topic = Topic> {
  /** Message id: the publisher's explicit id, or the sha256 content hash of topic + payload. */
  readonly id: string;
  readonly topic: T;
  /** Position in the bus's log (JetStream stream sequence), increasing with publish order. */
  readonly seq: number;
  /** ISO-8601 time the bus accepted the message. */
  readonly publishedAt: string;
  readonly payload: Topics[T];
}

/** A message handed to a handler, with how many times it has been delivered (1 on first). */
export interface Delivery<T extends Topic = Topic> extends BusMessage<T> {
  readonly deliveryCount: number;
}

/**
 * Handles one delivery. Resolving acknowledges the message; throwing (or rejecting) asks for a
 * redelivery after a backoff, up to `maxDeliver` deliveries, after which the message is
 * dead-lettered to `alerts`. A handler must be idempotent: the same `id` may arrive again.
 */
export type Handler<T extends Topic> = (message: Delivery<T>) => void | Promise<void>;

/** Options of {@link MessageBus.publish}. */
export interface PublishOptions {
  /**
   * Idempotency key. Default: `sha256(topic + canonical JSON of payload)`, so publishing the same
   * content twice within the dedup window is a no-op. Pass a uuid to publish equal content twice.
   */
  readonly id?: string;
}

/** What {@link MessageBus.publish} returns. */
export interface PublishReceipt {
  readonly id: string;
  /** Log sequence of the stored message (of the original, for a duplicate). */
  readonly seq: number;
  /** True when the id was already published within the dedup window and nothing was stored. */
  readonly duplicate: boolean;
}

/** Options of {@link MessageBus.subscribe}. */
export interface SubscribeOptions {
  /**
   * Consumer group name (`[A-Za-z0-9_-]+`). Subscribers sharing a name share the work: each message
   * is handled by one of them, once per group (at least once: see the docs). The group and its
   * position outlive its subscribers; omitted → a private subscription that sees every message.
   */
  readonly durable?: string;
  /**
   * Where a new subscription or group starts: `"all"` (the retained history) or `"new"` (messages
   * published from now on). An existing durable group resumes where it left off either way.
   * Default: `"all"` for a durable group, `"new"` otherwise.
   */
  readonly deliver?: "all" | "new";
  /**
   * Only messages with this routing key (see `routingKey`): for `ai.rebalance`, one portfolio's
   * signals (case-insensitive). Omitted → every key. Rejected on a topic without keys.
   */
  readonly key?: string;
  /** Deliveries before a failing message is dead-lettered to `alerts`. Default 5. */
  readonly maxDeliver?: number;
  /**
   * Delay before redelivering a message whose handler threw, in ms: entry k − 1 after the k-th
   * failure, the last entry repeated. Default `[250, 1000, 5000, 15000]`.
   */
  readonly backoffMs?: readonly number[];
}

/** A live subscription; `close()` stops deliveries (the durable group itself persists). */
export interface Subscription {
  readonly topic: Topic;
  readonly durable: string | undefined;
  /** Stops receiving. A message in flight is not acknowledged and will be redelivered. */
  close(): Promise<void>;
}

/** Options of {@link MessageBus.history}. */
export interface HistoryOptions {
  /** Only messages published at or after this time (Date, or ms since the Unix epoch). */
  readonly since?: Date | number;
  /** Only messages with a sequence at or after this one. */
  readonly fromSeq?: number;
  /** At most this many messages (the oldest matching ones). Default 1000. */
  readonly limit?: number;
}

/**
 * A typed publish/subscribe bus with durable history and consumer groups. At-least-once: a
 * message is redelivered until a handler acknowledges it (resolves) or it exhausts `maxDeliver`
 * deliveries; handlers therefore make their effects idempotent, keyed by `message.id`.
 *
 * Implementations: {@link InProcessBus} (embedded default, one process, memory only) and
 * {@link NatsJetStreamBus} (NATS JetStream, durable, shared by many processes). Pick one with
 * `createBus(url)`.
 *
 * @example
 * ```ts
 * const bus = await createBus(); // in-process
 * const sub = await bus.subscribe("ai.rebalance", async (m) => keeper.rebalance(m.payload), { durable: "keepers" });
 * await bus.publish("ai.rebalance", { portfolio: "0xabc…", reason: "drift", requestedAt: new Date().toISOString(), id: "r-1" });
 * await sub.close();
 * await bus.close();
 * ```
 */
export interface MessageBus {
  /** Validates the payload against the topic's schema and stores it; rejects an invalid payload with an InputError. */
  publish<T extends Topic>(topic: T, payload: Topics[T], options?: PublishOptions): Promise<PublishReceipt>;
  /** Starts delivering messages of `topic` to `handler`. */
  subscribe<T extends Topic>(topic: T, handler: Handler<T>, options?: SubscribeOptions): Promise<Subscription>;
  /** Retained messages of `topic` in publish order, without affecting any consumer. */
  history<T extends Topic>(topic: T, options?: HistoryOptions): Promise<BusMessage<T>[]>;
  /** Closes every subscription and releases resources; further calls reject. */
  close(): Promise<void>;
}
