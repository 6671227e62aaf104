// Integration tests against a real nats-server with JetStream (started and stopped here).
import { expect } from "chai";
import { createBus } from "../../src/bus/createBus.ts";
import type { Delivery, MessageBus } from "../../src/bus/messageBus.ts";
import { NatsJetStreamBus, type NatsJetStreamBusOptions } from "../../src/bus/natsJetStreamBus.ts";
import { startNatsServer, type NatsServer } from "../helpers/natsServer.ts";
import { describeBusContract, signal, sleep, waitFor } from "./busContract.ts";

let nats: NatsServer | undefined;
let run = 0;

// Each test gets its own stream and subject prefix, so tests on one server cannot see each other.
function isolated(): NatsJetStreamBusOptions {
  run += 1;
  if (!nats) throw new Error("nats-server is not running");
  return { servers: nats.url, stream: `T${run}`, subjectPrefix: `t${run}.`, ackWaitMs: 1000 };
}

async function fixtureFor(options: NatsJetStreamBusOptions): Promise<{
  bus: NatsJetStreamBus;
  peer(): Promise<NatsJetStreamBus>;
  close(): Promise<void>;
}> {
  const clients: NatsJetStreamBus[] = [await NatsJetStreamBus.connect(options)];
  return {
    bus: clients[0]!,
    peer: async () => {
      const client = await NatsJetStreamBus.connect(options);
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

describe("NatsJetStreamBus (real nats-server)", function () {
  before(async () => {
    nats = await startNatsServer();
  });
  after(async () => {
    await nats?.stop();
    nats = undefined;
  });

  describeBusContract("NatsJetStreamBus", () => fixtureFor(isolated()));

  describe("scale-out", () => {
    it("redelivers a message held by a member that crashed (connection lost, no ack) to another member", async () => {
      const fixture = await fixtureFor(isolated());
      try {
        const crashing = await fixture.peer();
        let held: Delivery<"ai.rebalance"> | undefined;
        // Never settles: the process "dies" while handling.
        await crashing.subscribe(
          "ai.rebalance",
          (m) => {
            held = m;
            return new Promise<void>(() => undefined);
          },
          { durable: "keepers" },
        );
        const { id } = await fixture.bus.publish("ai.rebalance", signal());
        await waitFor(() => held !== undefined, "the first member to take the message");
        const survivor: Delivery<"ai.rebalance">[] = [];
        await fixture.bus.subscribe("ai.rebalance", (m) => void survivor.push(m), { durable: "keepers" });
        await sleep(200);
        expect(survivor).to.deep.equal([]); // still held: the crashing member keeps extending its deadline
        const crashedAt = Date.now();
        await crashing.connection.close();
        await waitFor(() => survivor.length === 1, "the redelivery", 8000);
        expect(Date.now() - crashedAt).to.be.below(4500); // ack wait (1 s) plus a pull, with room for a loaded machine
        expect([survivor[0]!.id, survivor[0]!.deliveryCount]).to.deep.equal([id, 2]);
        await sleep(1500);
        expect(survivor.length).to.equal(1); // acknowledged: not redelivered again
      } finally {
        await fixture.close();
      }
    });

    it("dead-letters a message whose last delivery died unacknowledged (server max-deliveries advisory)", async () => {
      const fixture = await fixtureFor(isolated());
      try {
        const alerts: Delivery<"alerts">[] = [];
        await fixture.bus.subscribe("alerts", (m) => void alerts.push(m));
        const crashing = await fixture.peer();
        let taken = false;
        await crashing.subscribe(
          "ai.rebalance",
          () => {
            taken = true;
            return new Promise<void>(() => undefined);
          },
          { durable: "fragile", maxDeliver: 1 },
        );
        // A surviving member keeps pulling, so the server notices the exhausted message.
        await fixture.bus.subscribe("ai.rebalance", () => undefined, { durable: "fragile", maxDeliver: 1 });
        const { id } = await fixture.bus.publish("ai.rebalance", signal(), { id: "only-once" });
        await waitFor(() => taken, "the crashing member to take it");
        await crashing.connection.close();
        await waitFor(() => alerts.length === 1, "the dead-letter alert", 6000);
        expect(alerts[0]!.payload.deadLetter?.messageId).to.equal(id);
        expect(alerts[0]!.payload.deadLetter?.deliveries).to.equal(1);
      } finally {
        await fixture.close();
      }
    });

    it("survives a server restart: the group resumes, nothing is lost or handled twice", async () => {
      const fixture = await fixtureFor(isolated());
      try {
        const handled: string[] = [];
        for (const client of [fixture.bus, await fixture.peer()]) {
          await client.subscribe("ai.rebalance", (m) => void handled.push(m.payload.reason), { durable: "keepers" });
        }
        for (const reason of ["a", "b", "c"]) await fixture.bus.publish("ai.rebalance", signal(reason));
        await waitFor(() => handled.length === 3, "the first three");
        await nats!.restart();
        // The client reconnects on its own; publishing retries until it has.
        for (const reason of ["d", "e", "f"]) {
          const deadline = Date.now() + 15_000;
          for (;;) {
            try {
              await fixture.bus.publish("ai.rebalance", signal(reason));
              break;
            } catch (error) {
              if (Date.now() > deadline) throw error;
              await sleep(200);
            }
          }
        }
        await waitFor(() => handled.length >= 6, "the three published after the restart", 20_000);
        await sleep(300);
        expect([...handled].sort()).to.deep.equal(["a", "b", "c", "d", "e", "f"]);
        expect((await fixture.bus.history("ai.rebalance")).map((m) => m.payload.reason)).to.deep.equal([
          "a",
          "b",
          "c",
          "d",
          "e",
          "f",
        ]);
      } finally {
        await fixture.close();
      }
    });

    it("keeps history across reconnects: a new client reads what an earlier one published", async () => {
      const options = isolated();
      const writer = await NatsJetStreamBus.connect(options);
      await writer.publish("analytics.portfolio", {
        portfolio: "p1",
        at: "2026-11-24T00:00:00Z",
        frequency: 252,
        sharpe: 1.2,
      });
      await writer.close();
      const reader: MessageBus = await createBus(nats!.url, {
        stream: options.stream,
        subjectPrefix: options.subjectPrefix,
      });
      expect(reader).to.be.instanceOf(NatsJetStreamBus);
      const history = await reader.history("analytics.portfolio");
      expect(history.map((m) => m.payload.sharpe)).to.deep.equal([1.2]);
      await reader.close();
    });

    it("dead-letters a malformed message on the subject at once", async () => {
      const options = isolated();
      const fixture = await fixtureFor(options);
      try {
        const alerts: Delivery<"alerts">[] = [];
        await fixture.bus.subscribe("alerts", (m) => void alerts.push(m));
        let calls = 0;
        await fixture.bus.subscribe("ai.rebalance", () => void (calls += 1), { durable: "strict" });
        fixture.bus.connection.publish(`${options.subjectPrefix}ai.rebalance.p`, "not json");
        await waitFor(() => alerts.length === 1, "the dead-letter alert");
        expect(calls).to.equal(0);
        expect(alerts[0]!.payload.deadLetter?.error).to.equal("body is not JSON");
      } finally {
        await fixture.close();
      }
    });
  });
});
