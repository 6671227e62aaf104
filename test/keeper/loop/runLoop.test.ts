import { expect } from "chai";
import { interruptibleDelay } from "../../../src/keeper/loop/runLoop.ts";

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
