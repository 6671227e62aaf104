import { expect } from "chai";
import { FailureBackoff } from "../../../src/keeper/loop/failureBackoff.ts";
import { seededRandom } from "../../../src/keeper/retry.ts";

describe("keeper/loop/FailureBackoff", function () {
  it("waits 1 s doubling with jitter in [cap/2, cap), capped, and alerts once at the third failure", function () {
    const backoff = new FailureBackoff({ capMs: 10_000, random: seededRandom(1) });
    const decisions = Array.from({ length: 6 }, () => backoff.failed());
    const caps = [1_000, 2_000, 4_000, 8_000, 10_000, 10_000];
    decisions.forEach((d, i) => {
      expect(d.failures).to.equal(i + 1);
      expect(d.delayMs).to.be.at.least(caps[i]! / 2);
      expect(d.delayMs).to.be.below(caps[i]!);
    });
    expect(decisions.map((d) => d.alert)).to.deep.equal([false, false, true, false, false, false]);
  });

  it("resets on success: the next failure waits about a second again and counts from one", function () {
    const backoff = new FailureBackoff({ capMs: 60_000, random: () => 0.999 });
    for (let i = 0; i < 5; i++) backoff.failed();
    expect(backoff.succeeded()).to.equal(5);
    expect(backoff.failures).to.equal(0);
    const next = backoff.failed();
    expect(next.failures).to.equal(1);
    expect(next.delayMs).to.be.below(1_000);
  });

  it("never waits longer than the cap (the keeper's interval, when shorter than 5 min)", function () {
    const backoff = new FailureBackoff({ capMs: 3_000, random: () => 0.999 });
    for (let i = 0; i < 50; i++) expect(backoff.failed().delayMs).to.be.below(3_000);
  });
});
