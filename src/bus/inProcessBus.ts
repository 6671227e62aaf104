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
  DEFAULT_DEDUP_WINDOW_MS,
  deadLetterAlert,
  resolveHistoryOptions,
  resolveSubscribeOptions,
  type ResolvedSubscribeOptions,
} from "./common.ts";
import { checkTopic, parsePayload, routingKey, type Alert, type Topic, type Topics } from "./topics.ts";

/** Options of {@link InProcessBus}. */
export interface InProcessBusOptions {
  /** Messages kept per topic for `history` and for groups that start with `deliver: "all"`. Default 10 000. */
  readonly historyLimit?: number;
  /** Window in which a republished id is dropped, ms. Default 120 000 (JetStream's default). */
  readonly dedupWindowMs?: number;
  /** Called with every dead-letter alert (they are also published on `alerts`, except for `alerts` itself). */
  readonly onDeadLetter?: (alert: Alert) => void;
}

interface Pending {
  readonly message: BusMessage;
  deliveries: number;
}

interface Member {
  readonly handler: Handler<Topic>;
  inFlight: Promise<void> | null;
  closed: boolean;
}

interface Group {
  readonly topic: Topic;
  readonly name: string | undefined;
  readonly options: ResolvedSubscribeOptions;
  readonly ready: Pending[];
  readonly members: Member[];
  next: number;
}

/**
 * The embedded bus: the semantics of {@link MessageBus} inside one process, in memory. Durable
 * groups share work round-robin between their subscribers (one message in flight per subscriber)
 * and keep their backlog while no subscriber is attached; nothing survives the process.
 *
 * @example
 * ```ts
 * const bus = new InProcessBus();
 * await bus.subscribe("alerts", (m) => console.log(m.payload.message));
 * await bus.publish("alerts", { kind: "drift", severity: "warning", message: "drift 6 %", at: new Date().toISOString() });
 * ```
 */
export class InProcessBus implements MessageBus {
  readonly #historyLimit: number;
  readonly #dedupWindowMs: number;
  readonly #onDeadLetter: ((alert: Alert) => void) | undefined;
  readonly #logs = new Map<Topic, BusMessage[]>();
  readonly #seen = new Map<string, { seq: number; atMs: number }>();
  readonly #groups = new Set<Group>();
  readonly #durables = new Map<string, Group>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #seq = 0;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#historyLimit = options.historyLimit ?? 10_000;
    this.#dedupWindowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.#onDeadLetter = options.onDeadLetter;
  }

  async publish<T extends Topic>(topic: T, payload: Topics[T], options: PublishOptions = {}): Promise<PublishReceipt> {
    if (this.#closed) throw new BusClosedError();
    const checked = parsePayload(topic, payload);
    const id = options.id === undefined ? contentId(topic, checked) : checkMessageId(options.id);
    const now = Date.now();
    this.#forgetExpiredIds(now);
    const seen = this.#seen.get(`${topic}\u0000${id}`);
    if (seen) return { id, seq: seen.seq, duplicate: true };
    const message: BusMessage = {
      id,
      topic,
      seq: ++this.#seq,
      publishedAt: new Date(now).toISOString(),
      payload: checked,
    };
    this.#seen.set(`${topic}\u0000${id}`, { seq: message.seq, atMs: now });
    const log = this.#logs.get(topic) ?? [];
    log.push(message);
    if (log.length > this.#historyLimit) log.splice(0, log.length - this.#historyLimit);
    this.#logs.set(topic, log);
    const key = routingKey(topic, checked);
    for (const group of this.#groups) {
      if (group.topic !== topic) continue;
      if (group.options.key !== undefined && group.options.key !== key) continue;
      group.ready.push({ message, deliveries: 0 });
      if (group.ready.length > this.#historyLimit) group.ready.splice(0, group.ready.length - this.#historyLimit);
      this.#dispatch(group);
    }
    return { id, seq: message.seq, duplicate: false };
  }

  async subscribe<T extends Topic>(topic: T, handler: Handler<T>, options?: SubscribeOptions): Promise<Subscription> {
    if (this.#closed) throw new BusClosedError();
    checkTopic(topic);
    const resolved = resolveSubscribeOptions(topic, options);
    const key = resolved.durable === undefined ? undefined : `${topic}\u0000${resolved.durable}`;
    let group = key === undefined ? undefined : this.#durables.get(key);
    if (!group) {
      const backlog = (resolved.deliver === "all" ? (this.#logs.get(topic) ?? []) : []).filter(
        (m) => resolved.key === undefined || routingKey(topic, m.payload) === resolved.key,
      );
      group = {
        topic,
        name: resolved.durable,
        options: resolved,
        ready: backlog.map((message) => ({ message, deliveries: 0 })),
        members: [],
        next: 0,
      };
      this.#groups.add(group);
      if (key !== undefined) this.#durables.set(key, group);
    }
    const member: Member = { handler: handler as Handler<Topic>, inFlight: null, closed: false };
    group.members.push(member);
    const owner = group;
    queueMicrotask(() => this.#dispatch(owner));
    return {
      topic,
      durable: resolved.durable,
      close: async () => {
        if (member.closed) return;
        member.closed = true;
        owner.members.splice(owner.members.indexOf(member), 1);
        if (owner.name === undefined) this.#groups.delete(owner);
        await member.inFlight;
      },
    };
  }

  async history<T extends Topic>(topic: T, options?: HistoryOptions): Promise<BusMessage<T>[]> {
    if (this.#closed) throw new BusClosedError();
    const { sinceMs, fromSeq, limit } = resolveHistoryOptions(options);
    checkTopic(topic);
    const out: BusMessage<T>[] = [];
    for (const message of this.#logs.get(topic) ?? []) {
      if (fromSeq !== undefined && message.seq < fromSeq) continue;
      if (sinceMs !== undefined && Date.parse(message.publishedAt) < sinceMs) continue;
      out.push(message as BusMessage<T>);
      if (out.length >= limit) break;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const inFlight: Promise<void>[] = [];
    for (const group of this.#groups) {
      for (const member of group.members) {
        member.closed = true;
        if (member.inFlight) inFlight.push(member.inFlight);
      }
      group.members.length = 0;
    }
    this.#groups.clear();
    this.#durables.clear();
    await Promise.all(inFlight);
  }

  #forgetExpiredIds(now: number): void {
    for (const [key, { atMs }] of this.#seen) {
      if (now - atMs < this.#dedupWindowMs) break; // insertion order = publish order
      this.#seen.delete(key);
    }
  }

  // Hands ready messages to idle members, round-robin, one in flight per member.
  #dispatch(group: Group): void {
    while (!this.#closed && group.ready.length > 0) {
      const member = this.#nextIdle(group);
      if (!member) return;
      const pending = group.ready.shift() as Pending;
      member.inFlight = this.#deliver(group, member, pending);
    }
  }

  #nextIdle(group: Group): Member | undefined {
    const n = group.members.length;
    for (let k = 0; k < n; k++) {
      const member = group.members[(group.next + k) % n] as Member;
      if (member.inFlight === null && !member.closed) {
        group.next = (group.next + k + 1) % n;
        return member;
      }
    }
    return undefined;
  }

  async #deliver(group: Group, member: Member, pending: Pending): Promise<void> {
    pending.deliveries += 1;
    const delivery: Delivery = { ...pending.message, deliveryCount: pending.deliveries };
    let failure: { error: unknown } | undefined;
    try {
      // A macrotask boundary: handlers never run inside publish().
      await new Promise<void>((resolve) => setImmediate(resolve));
      await member.handler(delivery);
    } catch (error) {
      failure = { error };
    }
    member.inFlight = null;
    if (failure) this.#failed(group, pending, failure.error);
    this.#dispatch(group);
  }

  #failed(group: Group, pending: Pending, error: unknown): void {
    if (this.#closed) return;
    const { maxDeliver, backoffMs } = group.options;
    if (pending.deliveries >= maxDeliver) {
      this.#deadLetter(deadLetterAlert(group.topic, pending.message.id, pending.deliveries, error, group.name));
      return;
    }
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (this.#closed || !this.#groups.has(group)) return;
        // Redeliveries go ahead of messages that have not been tried yet, in sequence order.
        let at = 0;
        while (at < group.ready.length && (group.ready[at] as Pending).deliveries > 0) at++;
        group.ready.splice(at, 0, pending);
        this.#dispatch(group);
      },
      backoffDelay(backoffMs, pending.deliveries),
    );
    timer.unref();
    this.#timers.add(timer);
  }

  #deadLetter(alert: Alert): void {
    this.#onDeadLetter?.(alert);
    // A dead letter on `alerts` is not republished there, or a failing alert handler would loop.
    if (alert.deadLetter?.topic === "alerts") return;
    void this.publish("alerts", alert).catch(() => undefined);
  }
}
