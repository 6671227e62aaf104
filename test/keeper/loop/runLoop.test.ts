import { expect } from "chai";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import { interruptibleDelay, keeperGroup } from "../../../src/keeper/loop/runLoop.ts";

/** Milliseconds `promise` took to settle. */
async function took(promise: Promise<void>): Promise<number> {
  const started = performance.now();
  await promise;
  return performance.now() - started;
}

describe("keeper/loop/interruptibleDelay", function () {
  it("ends at once when the signal aborted before the delay began (SIGTERM mid-evaluation)", async function () {
    const shutdown = new AbortController();
    shutdown.abort(new Error("received SIGTERM"));
    expect(await took(interruptibleDelay(60_000, shutdown.signal).done)).to.be.lessThan(1_000);
  });

  it("ends when the signal aborts during the delay, or on wake()", async function () {
    const shutdown = new AbortController();
    const pause = interruptibleDelay(60_000, shutdown.signal);
    setTimeout(() => shutdown.abort(), 10);
    expect(await took(pause.done)).to.be.lessThan(1_000);

    const woken = interruptibleDelay(60_000, new AbortController().signal);
    setTimeout(woken.wake, 10);
    expect(await took(woken.done)).to.be.lessThan(1_000);
  });

  it("waits out its time otherwise", async function () {
    expect(await took(interruptibleDelay(50, new AbortController().signal).done)).to.be.at.least(45);
  });
});

describe("keeper/loop/keeperGroup", function () {
  const A = "0x00000000000000000000000000000000000000Aa";
  const B = "0x00000000000000000000000000000000000000bB";

  it("puts each vault's keepers in their own group: a keeper of another vault takes none of its signals", async function () {
    const bus = new InProcessBus();
    const forA: string[] = [];
    const forB: string[] = [];
    // A keeper of vault A and a keeper started with vault B's deployment, on one bus.
    await bus.subscribe("ai.rebalance", (m) => void (m.payload.portfolio === A && forA.push(m.payload.id)), {
      durable: keeperGroup(A),
    });
    await bus.subscribe("ai.rebalance", (m) => void (m.payload.portfolio === B && forB.push(m.payload.id)), {
      durable: keeperGroup(B),
    });
    const ids = ["s1", "s2", "s3", "s4", "s5", "s6"];
    for (const id of ids) {
      await bus.publish("ai.rebalance", { portfolio: A, reason: "drift", requestedAt: new Date(0).toISOString(), id });
    }
    for (let waited = 0; forA.length < ids.length && waited < 2_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await bus.close();
    expect(forA).to.deep.equal(ids);
    expect(forB).to.deep.equal([]);
    expect(keeperGroup(A)).to.equal("keepers-0x00000000000000000000000000000000000000aa");
  });
});
