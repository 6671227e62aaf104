// The behaviour every MessageBus implementation promises, run against each of them by
// inProcessBus.test.ts and natsJetStreamBus.test.ts.
import { expect } from "chai";
import { InputError } from "../../src/errors.ts";
import type { Delivery, MessageBus, Subscription } from "../../src/bus/messageBus.ts";
import type { Alert, RebalanceSignal, Topic } from "../../src/bus/topics.ts";

/** One isolated bus for one test, and more clients of the same bus (other processes, for NATS). */
export interface BusFixture {
  readonly bus: MessageBus;
  /** Another client of the same bus: the same instance in-process, a new connection with NATS. */
  peer(): Promise<MessageBus>;
  /** Closes the bus and every peer. */
  close(): Promise<void>;
}

/** Polls `predicate` every 10 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let counter = 0;
/** A valid RebalanceSignal with a fresh id. */
export function signal(reason = "drift"): RebalanceSignal {
  counter += 1;
  return {
    portfolio: "0x00000000000000000000000000000000000000aa",
    reason,
    requestedAt: "2026-11-24T01:00:00Z",
    id: `sig-${counter}`,
  };
}

function collect<T extends Topic>(into: Delivery<T>[]): (m: Delivery<T>) => void {
  return (m) => {
    into.push(m);
  };
}

/**
 * Registers the shared contract suite for one implementation.
 *
 * @example
 * ```ts
 * describeBusContract("InProcessBus", async () => { const bus = new InProcessBus(); return { bus, peer: async () => bus, close: () => bus.close() }; });
 * ```
 */
export function describeBusContract(name: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`MessageBus contract: ${name}`, function () {
    let fixture: BusFixture;
    let bus: MessageBus;
    beforeEach(async () => {
      fixture = await makeFixture();
      bus = fixture.bus;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it("delivers a published message to every private subscriber, typed and with its envelope", async () => {
      const a: Delivery<"ai.rebalance">[] = [];
      const b: Delivery<"ai.rebalance">[] = [];
      await bus.subscribe("ai.rebalance", collect(a));
      await bus.subscribe("ai.rebalance", collect(b));
      const payload = signal();
      const receipt = await bus.publish("ai.rebalance", payload);
      expect(receipt.duplicate).to.equal(false);
      expect(receipt.id).to.match(/^[0-9a-f]{64}$/);
      await waitFor(() => a.length === 1 && b.length === 1, "both subscribers");
      const got = a[0]!;
      expect(got.payload).to.deep.equal(payload);
      expect([got.id, got.seq, got.topic, got.deliveryCount]).to.deep.equal([
        receipt.id,
        receipt.seq,
        "ai.rebalance",
        1,
      ]);
      expect(Number.isFinite(Date.parse(got.publishedAt))).to.equal(true);
      expect(b[0]!.id).to.equal(receipt.id);
    });

    it("keeps topics apart", async () => {
      const alerts: Delivery<"alerts">[] = [];
      await bus.subscribe("alerts", collect(alerts));
      await bus.publish("ai.rebalance", signal());
      const alert: Alert = {
        kind: "drift",
        severity: "warning",
        message: "drift 6 %",
        value: 0.06,
        threshold: 0.05,
        at: "2026-11-24T01:00:00Z",
      };
      await bus.publish("alerts", alert);
      await waitFor(() => alerts.length === 1, "the alert");
      await sleep(100);
      expect(alerts.map((m) => m.payload)).to.deep.equal([alert]);
    });

    it("rejects invalid payloads, unknown topics and bad options with InputErrors naming the field", async () => {
      const bad = { ...signal(), requestedAt: "yesterday" };
      const error = await bus.publish("ai.rebalance", bad).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).path).to.equal("ai.rebalance.requestedAt");
      const unknown = await bus.publish("nope" as Topic, signal() as never).catch((e: unknown) => e);
      expect((unknown as InputError).code).to.equal("BUS_UNKNOWN_TOPIC");
      const group = await bus.subscribe("alerts", () => undefined, { durable: "bad group!" }).catch((e: unknown) => e);
      expect((group as InputError).path).to.equal("options.durable");
      const id = await bus.publish("ai.rebalance", signal(), { id: "has space" }).catch((e: unknown) => e);
      expect((id as InputError).code).to.equal("BUS_INVALID_ID");
      const limit = await bus.history("alerts", { limit: 0 }).catch((e: unknown) => e);
      expect((limit as InputError).path).to.equal("options.limit");
      const metrics = await bus
        .publish("analytics.portfolio", {
          portfolio: "p",
          at: "2026-11-24T00:00:00Z",
          frequency: 252,
          maxDrawdown: 1.5,
        })
        .catch((e: unknown) => e);
      expect((metrics as InputError).path).to.equal("analytics.portfolio.maxDrawdown");
    });

    it("hands each message to exactly one member of a durable group, spreading the work", async () => {
      const seen: { member: number; id: string }[] = [];
      const members: Subscription[] = [];
      for (let member = 0; member < 3; member++) {
        const client = member === 0 ? bus : await fixture.peer();
        members.push(
          await client.subscribe(
            "ai.rebalance",
            async (m) => {
              seen.push({ member, id: m.id });
              await sleep(5);
            },
            { durable: "keepers" },
          ),
        );
      }
      // A second group gets its own copy of every message.
      const audit: string[] = [];
      await bus.subscribe("ai.rebalance", (m) => void audit.push(m.id), { durable: "auditors" });
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) ids.push((await bus.publish("ai.rebalance", signal())).id);
      await waitFor(() => seen.length >= 24 && audit.length >= 24, "24 deliveries per group");
      await sleep(300);
      expect(seen.map((s) => s.id).sort()).to.deep.equal([...ids].sort());
      expect([...audit].sort()).to.deep.equal([...ids].sort());
      expect(new Set(seen.map((s) => s.member)).size).to.be.greaterThan(1);
    });

    it("redelivers a message whose handler threw, with backoff, until it is acknowledged", async () => {
      const deliveries: Delivery<"ai.rebalance">[] = [];
      const times: number[] = [];
      await bus.subscribe(
        "ai.rebalance",
        (m) => {
          deliveries.push(m);
          times.push(Date.now());
          if (m.deliveryCount < 3) throw new Error("transient");
        },
        { durable: "retry", backoffMs: [50, 150] },
      );
      const { id } = await bus.publish("ai.rebalance", signal());
      await waitFor(() => deliveries.length === 3, "three deliveries");
      await sleep(300);
      expect(deliveries.map((d) => [d.id, d.deliveryCount])).to.deep.equal([
        [id, 1],
        [id, 2],
        [id, 3],
      ]);
      expect(times[1]! - times[0]!).to.be.at.least(40);
      expect(times[2]! - times[1]!).to.be.at.least(140);
    });

    it("dead-letters a message that fails maxDeliver times to alerts", async () => {
      const alerts: Delivery<"alerts">[] = [];
      await bus.subscribe("alerts", collect(alerts));
      let calls = 0;
      await bus.subscribe(
        "ai.rebalance",
        () => {
          calls += 1;
          throw new Error("optimiser diverged");
        },
        { durable: "doomed", maxDeliver: 2, backoffMs: [20] },
      );
      const { id } = await bus.publish("ai.rebalance", signal());
      await waitFor(() => alerts.length === 1, "the dead-letter alert");
      await sleep(200);
      expect(calls).to.equal(2);
      const alert = alerts[0]!.payload;
      expect(alert.kind).to.equal("dead-letter");
      expect(alert.severity).to.equal("critical");
      expect(alert.deadLetter).to.deep.equal({
        topic: "ai.rebalance",
        messageId: id,
        deliveries: 2,
        error: "optimiser diverged",
      });
    });

    it("drops a republished message id, by content hash or by explicit id", async () => {
      const got: Delivery<"ai.rebalance">[] = [];
      await bus.subscribe("ai.rebalance", collect(got));
      const payload = signal();
      const first = await bus.publish("ai.rebalance", payload);
      const again = await bus.publish("ai.rebalance", { ...payload });
      expect(again).to.deep.equal({ id: first.id, seq: first.seq, duplicate: true });
      const x = await bus.publish("ai.rebalance", signal(), { id: "rebalance-42" });
      const y = await bus.publish("ai.rebalance", signal(), { id: "rebalance-42" });
      expect([x.duplicate, y.duplicate, y.seq]).to.deep.equal([false, true, x.seq]);
      // Equal content under two explicit ids is two messages.
      const twin = signal();
      await bus.publish("ai.rebalance", twin, { id: "twin-1" });
      await bus.publish("ai.rebalance", twin, { id: "twin-2" });
      // Dedup is per topic: the same explicit id on another topic is another message.
      const alert: Alert = { kind: "keeper", severity: "info", message: "same id", at: "2026-11-24T01:00:00Z" };
      expect((await bus.publish("alerts", alert, { id: "rebalance-42" })).duplicate).to.equal(false);
      await waitFor(() => got.length === 4, "four distinct messages");
      await sleep(150);
      expect(got.map((m) => m.id)).to.deep.equal([first.id, "rebalance-42", "twin-1", "twin-2"]);
    });

    it("routes ai.rebalance by portfolio: a subscriber keyed on one vault never receives another's", async () => {
      const A = "0x00000000000000000000000000000000000000Aa";
      const B = "0x00000000000000000000000000000000000000bb";
      const forA: string[] = [];
      const forB: string[] = [];
      const every: string[] = [];
      // The same group name on both keys would be a misuse; each vault has its own group.
      await bus.subscribe("ai.rebalance", (m) => void forA.push(m.payload.id), { durable: "route-a", key: A });
      await bus.subscribe("ai.rebalance", (m) => void forB.push(m.payload.id), { durable: "route-b", key: B });
      await bus.subscribe("ai.rebalance", (m) => void every.push(m.payload.id), { durable: "route-all" });
      for (const [portfolio, id] of [
        [A, "a1"],
        [B, "b1"],
        [A.toLowerCase(), "a2"],
      ] as const) {
        await bus.publish("ai.rebalance", { ...signal(), portfolio, id }, { id });
      }
      await waitFor(() => every.length === 3 && forA.length === 2 && forB.length === 1, "routed signals");
      await sleep(100);
      expect(forA).to.deep.equal(["a1", "a2"]);
      expect(forB).to.deep.equal(["b1"]);
      expect((await bus.history("ai.rebalance")).map((m) => m.payload.id)).to.deep.equal(["a1", "b1", "a2"]);
      const badKey = await bus.subscribe("alerts", () => undefined, { key: A }).catch((e: unknown) => e);
      expect(badKey).to.be.instanceOf(InputError).with.property("code", "BUS_INVALID_KEY");
    });

    it("serves the retained history by sequence, time and limit without consuming it", async () => {
      expect(await bus.history("analytics.portfolio")).to.deep.equal([]);
      const sent = [signal("a"), signal("b"), signal("c")];
      const receipts = [];
      for (const s of sent) receipts.push(await bus.publish("ai.rebalance", s));
      await bus.publish("alerts", { kind: "keeper", severity: "info", message: "noise", at: "2026-11-24T01:00:00Z" });
      const all = await bus.history("ai.rebalance");
      expect(all.map((m) => m.payload)).to.deep.equal(sent);
      expect(all.map((m) => m.seq)).to.deep.equal(receipts.map((r) => r.seq));
      expect(
        (await bus.history("ai.rebalance", { fromSeq: receipts[1]!.seq })).map((m) => m.payload.reason),
      ).to.deep.equal(["b", "c"]);
      expect((await bus.history("ai.rebalance", { limit: 2 })).map((m) => m.payload.reason)).to.deep.equal(["a", "b"]);
      expect(await bus.history("ai.rebalance", { fromSeq: receipts[2]!.seq + 10 })).to.deep.equal([]);
      expect(await bus.history("ai.rebalance", { since: Date.now() + 60_000 })).to.deep.equal([]);
      const since = await bus.history("ai.rebalance", { since: new Date(Date.parse(all[0]!.publishedAt)) });
      expect(since.length).to.equal(3);
      // Reading history consumed nothing: a new group still starts from the first message.
      const group: string[] = [];
      await bus.subscribe("ai.rebalance", (m) => void group.push(m.payload.reason), { durable: "late" });
      await waitFor(() => group.length === 3, "the backlog");
      expect(group).to.deep.equal(["a", "b", "c"]);
    });

    it("keeps a durable group's position while it has no subscribers; private subscribers start at new", async () => {
      const first: string[] = [];
      const sub = await bus.subscribe("ai.rebalance", (m) => void first.push(m.payload.reason), { durable: "resume" });
      await bus.publish("ai.rebalance", signal("one"));
      await waitFor(() => first.length === 1, "the first message");
      await sub.close();
      await bus.publish("ai.rebalance", signal("two"));
      await bus.publish("ai.rebalance", signal("three"));
      const late: string[] = [];
      await bus.subscribe("ai.rebalance", (m) => void late.push(m.payload.reason));
      const resumed: string[] = [];
      const peer = await fixture.peer();
      await peer.subscribe("ai.rebalance", (m) => void resumed.push(m.payload.reason), { durable: "resume" });
      await waitFor(() => resumed.length === 2, "the backlog of the group");
      await bus.publish("ai.rebalance", signal("four"));
      await waitFor(() => resumed.length === 3 && late.length === 1, "the new message");
      expect(resumed).to.deep.equal(["two", "three", "four"]);
      expect(late).to.deep.equal(["four"]);
      const fresh: string[] = [];
      await bus.subscribe("ai.rebalance", (m) => void fresh.push(m.payload.reason), {
        durable: "fresh",
        deliver: "new",
      });
      await sleep(150);
      expect(fresh).to.deep.equal([]);
    });

    it("lets close() wait for the handler in flight and then refuses further use", async () => {
      let finished = false;
      let started = false;
      await bus.subscribe(
        "ai.rebalance",
        async () => {
          started = true;
          await sleep(100);
          finished = true;
        },
        { durable: "closing" },
      );
      await bus.publish("ai.rebalance", signal());
      await waitFor(() => started, "the handler to start");
      await bus.close();
      expect(finished).to.equal(true);
      const error = await bus.publish("ai.rebalance", signal()).catch((e: unknown) => e);
      expect((error as { code?: string }).code).to.equal("BUS_CLOSED");
    });
  });
}
