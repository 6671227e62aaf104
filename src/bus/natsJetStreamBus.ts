import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { connect, nanos, type NatsConnection, type Subscription as NatsSubscription } from "@nats-io/transport-node";
import { InputError } from "../errors.ts";
import type {
  BusMessage,
  Delivery,
  Handler,
  HistoryOptions,
  MessageBus,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
} from "./messageBus.ts";
import {
  backoffDelay,
  BusClosedError,
  checkMessageId,
  contentId,
  deadLetterAlert,
  resolveHistoryOptions,
  resolveSubscribeOptions,
  type ResolvedSubscribeOptions,
} from "./common.ts";
import { decode, ensureStream, type Envelope } from "./natsWire.ts";
import { checkTopic, isKeyedTopic, parsePayload, routingKey, type Alert, type Topic, type Topics } from "./topics.ts";

/** Options of {@link NatsJetStreamBus.connect}. */
export interface NatsJetStreamBusOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** JetStream stream holding every topic. Default `PORTFOLIO`. */
  readonly stream?: string;
  /**
   * Prefix of every subject, e.g. `dao1.` → `dao1.ai.rebalance`, so several deployments (or test
   * runs) share one server. Default none. Must end with `.` when set.
   */
  readonly subjectPrefix?: string;
  /** How long the server waits for an ack before redelivering, ms. Default 30 000. Handlers in progress extend it. */
  readonly ackWaitMs?: number;
  /** Stream dedup window for `Nats-Msg-Id`, ms; used only when this bus creates the stream. Default 120 000. */
  readonly dedupWindowMs?: number;
  /** Age after which the stream drops messages, ms; 0 = keep forever. Used only when creating the stream. Default 0. */
  readonly maxAgeMs?: number;
  /** Stream replicas (1 for a single server, 3 for a cluster). Used only when creating the stream. Default 1. */
  readonly replicas?: number;
  /** Called with every dead-letter alert (they are also published on `alerts`, except for `alerts` itself). */
  readonly onDeadLetter?: (alert: Alert) => void;
  /** Client name shown by the server's monitoring. */
  readonly name?: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX_PATTERN = /^([A-Za-z0-9_-]+\.)*$/;

/**
 * The scale-out bus on NATS JetStream. Every topic lives in one stream (default `PORTFOLIO`,
 * subjects `ai.>`, `analytics.>`, `alerts`), created on first connect. A durable group is a
 * durable pull consumer named `<group>__<topic>` with explicit acks, so subscribers of one group
 * in any number of processes share its messages and each message is acknowledged once; a private
 * subscription is an ephemeral consumer. Publishing sets `Nats-Msg-Id` for server-side dedup,
 * and `history` reads the stream through an ordered consumer.
 *
 * @example
 * ```ts
 * const bus = await NatsJetStreamBus.connect({ servers: "nats://127.0.0.1:4222" });
 * await bus.subscribe("ai.rebalance", (m) => keeper.rebalance(m.payload), { durable: "keepers" });
 * ```
 */
export class NatsJetStreamBus implements MessageBus {
  /** The underlying connection, for status monitoring (and for tests that simulate a crash). */
  readonly connection: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #ackWaitMs: number;
  readonly #onDeadLetter: ((alert: Alert) => void) | undefined;
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  private constructor(
    connection: NatsConnection,
    jsm: JetStreamManager,
    stream: string,
    prefix: string,
    options: NatsJetStreamBusOptions,
  ) {
    this.connection = connection;
    this.#jsm = jsm;
    this.#js = jetstream(connection);
    this.#stream = stream;
    this.#prefix = prefix;
    this.#ackWaitMs = options.ackWaitMs ?? 30_000;
    this.#onDeadLetter = options.onDeadLetter;
  }

  /**
   * Connects, and creates the stream if it does not exist yet (an existing stream is used as is).
   *
   * @example
   * ```ts
   * const bus = await NatsJetStreamBus.connect({ servers: "nats://nats.internal:4222", ackWaitMs: 60_000 });
   * ```
   */
  static async connect(options: NatsJetStreamBusOptions): Promise<NatsJetStreamBus> {
    const stream = options.stream ?? "PORTFOLIO";
    const prefix = options.subjectPrefix ?? "";
    if (!NAME_PATTERN.test(stream))
      throw new InputError("BUS_INVALID_STREAM", "must be 1–32 of [A-Za-z0-9_-]", "stream");
    if (!PREFIX_PATTERN.test(prefix)) {
      throw new InputError("BUS_INVALID_PREFIX", "must be dot-terminated tokens of [A-Za-z0-9_-]", "subjectPrefix");
    }
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    if (!Number.isFinite(ackWaitMs) || ackWaitMs < 100) {
      throw new InputError("BUS_INVALID_ACK_WAIT", `must be ≥ 100 ms, got ${ackWaitMs}`, "ackWaitMs");
    }
    const servers = typeof options.servers === "string" ? options.servers : [...options.servers];
    // Once connected, reconnect forever (a NATS restart is an outage, not an end); a server that
    // cannot be reached at start is a wrong URL or a missing server, which the operator must fix.
    const connection = await connect({
      servers,
      name: options.name ?? "dao-portfolio",
      maxReconnectAttempts: -1,
    }).catch((cause: unknown) => {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new InputError("BUS_UNREACHABLE", `cannot reach ${String(servers)}: ${why}`, "bus", { cause });
    });
    try {
      const jsm = await jetstreamManager(connection);
      await ensureStream(jsm, stream, prefix, options);
      return new NatsJetStreamBus(connection, jsm, stream, prefix, options);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async publish<T extends Topic>(topic: T, payload: Topics[T], options: PublishOptions = {}): Promise<PublishReceipt> {
    if (this.#closed) throw new BusClosedError();
    const checked = parsePayload(topic, payload);
    const id = options.id === undefined ? contentId(topic, checked) : checkMessageId(options.id);
    const envelope: Envelope = { id, topic, payload: checked };
    // JetStream dedups per stream; qualifying the id by topic keeps dedup per topic, as in-process.
    const subject = this.#subject(topic, routingKey(topic, checked));
    const ack = await this.#js.publish(subject, JSON.stringify(envelope), { msgID: `${topic}:${id}` });
    return { id, seq: ack.seq, duplicate: ack.duplicate };
  }

  async subscribe<T extends Topic>(topic: T, handler: Handler<T>, options?: SubscribeOptions): Promise<Subscription> {
    if (this.#closed) throw new BusClosedError();
    checkTopic(topic);
    const resolved = resolveSubscribeOptions(topic, options);
    const name = await this.#ensureConsumer(topic, resolved);
    const consumer = await this.#js.consumers.get(this.#stream, name);
    const messages = await consumer.consume({ max_messages: 1 });
    const advisories = this.#watchMaxDeliveries(topic, name, resolved.durable);
    let closed = false;
    const loop = (async (): Promise<void> => {
      for await (const m of messages) {
        // After close, a buffered message goes straight back to the group.
        if (closed) {
          m.nak();
          continue;
        }
        await this.#handle(topic, m, handler as Handler<Topic>, resolved);
      }
    })().catch(() => undefined); // the iterator ends with an error only when the connection goes away

    const subscription: Subscription = {
      topic,
      durable: resolved.durable,
      close: async () => {
        if (closed) return;
        closed = true;
        this.#subscriptions.delete(subscription);
        advisories.unsubscribe();
        messages.stop();
        // Wait for the handler in flight, unless the connection is gone: then nothing can ack it and
        // the server redelivers it elsewhere after the ack wait.
        await Promise.race([loop, this.connection.closed().then(() => undefined)]);
        // A private consumer has no one left to deliver to.
        if (resolved.durable === undefined && !this.connection.isClosed()) {
          await this.#jsm.consumers.delete(this.#stream, name).catch(() => false);
        }
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async history<T extends Topic>(topic: T, options?: HistoryOptions): Promise<BusMessage<T>[]> {
    if (this.#closed) throw new BusClosedError();
    checkTopic(topic);
    const { sinceMs, fromSeq, limit } = resolveHistoryOptions(options);
    const subject = this.#subject(topic, isKeyedTopic(topic) ? "*" : undefined);
    // The last message on the subject bounds the read, so an empty range returns at once instead
    // of waiting on a consumer that will never deliver.
    const last = await this.#jsm.streams.getMessage(this.#stream, { last_by_subj: subject }).catch(() => null);
    if (!last) return [];
    if (fromSeq !== undefined && last.seq < fromSeq) return [];
    if (sinceMs !== undefined && last.time.getTime() < sinceMs) return [];
    const start =
      fromSeq !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq }
        : sinceMs !== undefined
          ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(sinceMs).toISOString() }
          : { deliver_policy: DeliverPolicy.All };
    const consumer = await this.#js.consumers.get(this.#stream, { filter_subjects: subject, ...start });
    const messages = await consumer.consume({ max_messages: Math.min(limit, 256) });
    const out: BusMessage<T>[] = [];
    try {
      for await (const m of messages) {
        if (sinceMs === undefined || m.time.getTime() >= sinceMs) {
          const decoded = decode(topic, m);
          if (decoded.ok) out.push(decoded.message as BusMessage<T>);
        }
        if (out.length >= limit || m.seq >= last.seq || m.info.pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    if (!this.connection.isClosed()) {
      await this.connection.flush().catch(() => undefined);
      await this.connection.close();
    }
  }

  // A keyed topic's messages live under `<topic>.<key>`: a consumer filtered on one key never
  // receives another key's messages, so the server, not the handler, routes them.
  #subject(topic: Topic, key?: string): string {
    return key === undefined ? `${this.#prefix}${topic}` : `${this.#prefix}${topic}.${key}`;
  }

  async #ensureConsumer(topic: Topic, options: ResolvedSubscribeOptions): Promise<string> {
    const config: Partial<ConsumerConfig> = {
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.#ackWaitMs),
      max_deliver: options.maxDeliver,
      filter_subject: this.#subject(topic, isKeyedTopic(topic) ? (options.key ?? "*") : undefined),
      deliver_policy: options.deliver === "all" ? DeliverPolicy.All : DeliverPolicy.New,
      max_ack_pending: 1000,
    };
    if (options.durable === undefined) {
      const info = await this.#jsm.consumers.add(this.#stream, { ...config, inactive_threshold: nanos(60_000) });
      return info.name;
    }
    const name = `${options.durable}__${topic.replace(/\./g, "_")}`;
    try {
      return (await this.#jsm.consumers.add(this.#stream, { ...config, durable_name: name })).name;
    } catch (error) {
      // Another member created the group with different settings: join it as it is, except for
      // its filter (a group created before signals were routed per key would receive nothing).
      const existing = await this.#jsm.consumers.info(this.#stream, name).catch(() => null);
      if (existing && existing.config.filter_subject !== config.filter_subject) {
        await this.#jsm.consumers.update(this.#stream, name, { filter_subject: config.filter_subject });
      }
      if (existing) return existing.config.durable_name ?? name;
      throw error;
    }
  }

  async #handle(topic: Topic, m: JsMsg, handler: Handler<Topic>, options: ResolvedSubscribeOptions): Promise<void> {
    const decoded = decode(topic, m);
    if (!decoded.ok) {
      // A message that does not decode will never succeed: dead-letter it at once.
      m.term(decoded.error);
      this.#deadLetter(deadLetterAlert(topic, decoded.id, m.info.deliveryCount, decoded.error, options.durable));
      return;
    }
    const delivery: Delivery = { ...decoded.message, deliveryCount: m.info.deliveryCount };
    // A handler in progress keeps the message: the ack deadline is extended until it settles.
    const keepAlive = setInterval(
      () => (this.connection.isClosed() ? clearInterval(keepAlive) : m.working()),
      Math.max(50, Math.floor(this.#ackWaitMs / 3)),
    );
    keepAlive.unref();
    try {
      await handler(delivery);
      clearInterval(keepAlive);
      await m.ackAck().catch(() => false);
    } catch (error) {
      clearInterval(keepAlive);
      if (delivery.deliveryCount >= options.maxDeliver) {
        m.term();
        this.#deadLetter(deadLetterAlert(topic, delivery.id, delivery.deliveryCount, error, options.durable));
      } else {
        m.nak(backoffDelay(options.backoffMs, delivery.deliveryCount));
      }
    }
  }

  // A member that dies holding a message on its last delivery leaves no handler to dead-letter
  // it; the server's max-deliveries advisory does, once per group (a queue subscription).
  #watchMaxDeliveries(topic: Topic, consumer: string, group: string | undefined): NatsSubscription {
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${this.#stream}.${consumer}`;
    return this.connection.subscribe(subject, {
      queue: `dlq_${consumer}`,
      callback: (error, msg) => {
        if (error) return;
        void (async () => {
          const advisory = msg.json<{ stream_seq?: number; deliveries?: number }>();
          const seq = advisory.stream_seq ?? 0;
          const stored = await this.#jsm.streams.getMessage(this.#stream, { seq }).catch(() => null);
          const id = stored ? (stored.json<Partial<Envelope>>().id ?? `seq-${seq}`) : `seq-${seq}`;
          const reason = "no acknowledgement before the ack deadline (subscriber crashed or hung)";
          this.#deadLetter(deadLetterAlert(topic, String(id), advisory.deliveries ?? 0, reason, group));
        })().catch(() => undefined);
      },
    });
  }

  #deadLetter(alert: Alert): void {
    this.#onDeadLetter?.(alert);
    // A dead letter on `alerts` is not republished there, or a failing alert handler would loop.
    if (alert.deadLetter?.topic === "alerts" || this.#closed) return;
    void this.publish("alerts", alert).catch(() => undefined);
  }
}
