import { expect } from "chai";
import fc from "fast-check";
import { CycleLimiter } from "../../../src/keeper/fleet/limiter.ts";

describe("keeper/fleet/limiter", function () {
  it("never runs more than its limit at once, and runs every task", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }),
        async (limit, delays) => {
          const limiter = new CycleLimiter(limit);
          let active = 0;
          let peak = 0;
          let done = 0;
          await Promise.all(
            delays.map(async (ms) => {
              const release = await limiter.acquire();
              active += 1;
              peak = Math.max(peak, active);
              await new Promise((r) => setTimeout(r, ms));
              active -= 1;
              done += 1;
              release();
            }),
          );
          expect(peak).to.be.at.most(limit);
          expect(done).to.equal(delays.length);
          expect(limiter.active).to.equal(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("a wait ends with the signal's reason when it aborts, and gives its place to the next", async function () {
    const limiter = new CycleLimiter(1);
    const release = await limiter.acquire();
    const stop = new AbortController();
    const waiting = limiter.acquire(stop.signal);
    const next = limiter.acquire();
    stop.abort(new Error("lease lost"));
    await waiting.then(
      () => expect.fail("acquired after abort"),
      (error: unknown) => expect((error as Error).message).to.equal("lease lost"),
    );
    release();
    const releaseNext = await next;
    expect(limiter.active).to.equal(1);
    releaseNext();
    releaseNext();
    expect(limiter.active).to.equal(0);
    expect(() => new CycleLimiter(0)).to.throw(RangeError);
  });
});
