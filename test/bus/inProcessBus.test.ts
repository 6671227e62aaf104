import { expect } from "chai";
import { createBus } from "../../src/bus/createBus.ts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import type { Alert } from "../../src/bus/topics.ts";
import { InputError } from "../../src/errors.ts";
import { freePort } from "../helpers/hardhatNode.ts";
import { describeBusContract, signal, waitFor } from "./busContract.ts";

describeBusContract("InProcessBus", async () => {
  const bus = new InProcessBus();
  return { bus, peer: async () => bus, close: () => bus.close() };
});

describe("InProcessBus", () => {
  it("caps the retained history per topic", async () => {
    const bus = new InProcessBus({ historyLimit: 3 });
    for (const reason of ["a", "b", "c", "d", "e"]) await bus.publish("ai.rebalance", signal(reason));
    expect((await bus.history("ai.rebalance")).map((m) => m.payload.reason)).to.deep.equal(["c", "d", "e"]);
    await bus.close();
  });

  it("forgets ids after the dedup window", async () => {
    const bus = new InProcessBus({ dedupWindowMs: 30 });
    const payload = signal();
    await bus.publish("ai.rebalance", payload);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await bus.publish("ai.rebalance", payload)).duplicate).to.equal(false);
    await bus.close();
  });

  it("reports a dead letter of `alerts` itself through onDeadLetter only, so it cannot loop", async () => {
    const reported: Alert[] = [];
    const bus = new InProcessBus({ onDeadLetter: (alert) => reported.push(alert) });
    let calls = 0;
    await bus.subscribe(
      "alerts",
      () => {
        calls += 1;
        throw new Error("pager down");
      },
      { durable: "pager", maxDeliver: 1 },
    );
    await bus.publish("alerts", { kind: "keeper", severity: "info", message: "x", at: "2026-11-24T01:00:00Z" });
    await waitFor(() => reported.length === 1, "the dead letter");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).to.equal(1);
    expect(reported[0]!.deadLetter?.topic).to.equal("alerts");
    expect((await bus.history("alerts")).length).to.equal(1);
    await bus.close();
  });
});

describe("createBus", () => {
  it("opens an in-process bus for no URL and memory:", async () => {
    for (const url of [undefined, "memory:"]) {
      const bus = await createBus(url);
      expect(bus).to.be.instanceOf(InProcessBus);
      await bus.close();
    }
  });

  it("rejects a URL it does not understand", async () => {
    for (const url of ["http://x:1", "nats://", "redis://localhost:6379"]) {
      const error = await createBus(url).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).code).to.equal("BUS_INVALID_URL");
    }
  });

  it("names the URL of a NATS server it cannot reach (BUS_UNREACHABLE, bad input)", async () => {
    const port = await freePort();
    const error = await createBus(`nats://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InputError).with.property("code", "BUS_UNREACHABLE");
    expect((error as InputError).message).to.include(`nats://127.0.0.1:${port}`);
  });
});
