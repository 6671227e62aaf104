// The integer method on weights summing to less than 1, where buying past a target costs the
// objective nothing (the overspend comes out of the leftover one for one): HiGHS' search on such an
// instance ran into its time limit (and, longer, into a WebAssembly abort). The exact method must
// return the proven optimum, refuse a search it cut short with a code (exit 3), and leave the
// process able to solve again.
import { expect } from "chai";
import { integerAllocation } from "../../../src/optimizer/allocation/allocate.ts";
import type { AllocateParameters } from "../../../src/optimizer/allocation/types.ts";
import { EXIT_CODES, InputError, isPortfolioError } from "../../../src/errors.ts";
import { expectNear } from "../../helpers/expect.ts";

/** Found by a random search like properties.test.ts's with 6 assets and 20 % cash (trial 221). */
const DEGENERATE: AllocateParameters = {
  assets: ["T0", "T1", "T2", "T3", "T4", "T5"],
  weights: [
    0.14382022471910114, 0.12134831460674159, 0.21573033707865172, 0.16179775280898878, 0.03146067415730337,
    0.1258426966292135,
  ],
  prices: { T0: 1220.7603, T1: 915.58646, T2: 1858.5672, T3: 535.20234, T4: 742.65667, T5: 1427.6501 },
  decimals: { T0: 0, T1: 0, T2: 6, T3: 6, T4: 18, T5: 18 },
  nav: 372247.74,
  minTrade: 25,
};

describe("optimizer/allocation: integer method on weights summing to less than 1", () => {
  it("returns the proven optimum: every target met (no shortfall), objective NAV − Σ targets", async () => {
    const r = await integerAllocation(DEGENERATE);
    expect(r.warnings).to.deep.equal([]);
    const targets = DEGENERATE.weights.map((w) => w * DEGENERATE.nav);
    // Σ|t − v| + leftover = 2·Σ(t − v)⁺ + (NAV − Σt), so with room for every target it is NAV − Σt
    // exactly, whatever is bought past a target; here Σ⌈t_i⌉ (in units) fits in NAV.
    const lowerBound = DEGENERATE.nav - targets.reduce((s, t) => s + t, 0);
    r.allocation.forEach((a, i) => expect(a.value, a.asset).to.be.at.least(targets[i]! - 1e-6));
    expectNear(r.objective, lowerBound, 1e-6 * DEGENERATE.nav);
    expect(r.spent).to.be.at.most(DEGENERATE.nav);
  });

  it("refuses a search its time limit cut short (ALLOCATION_NOT_PROVEN, exit 3), then solves again in the same process", async () => {
    // 10 000 assets' worth of branching in a microsecond: no search proves anything that fast.
    let refused: unknown;
    try {
      await integerAllocation({ ...DEGENERATE, timeLimitSeconds: 1e-6 });
    } catch (error) {
      refused = error;
    }
    expect(isPortfolioError(refused), String(refused)).to.equal(true);
    if (!isPortfolioError(refused)) return;
    expect([refused.code, EXIT_CODES[refused.kind]]).to.deep.equal(["ALLOCATION_NOT_PROVEN", 3]);
    expect(refused.message).to.match(/did not prove an optimum within 0.000001 s .*--method greedy/);
    const again = await integerAllocation(DEGENERATE);
    expect(again.warnings).to.deep.equal([]);
    const small = await integerAllocation({
      assets: ["A", "B"],
      weights: [0.6, 0.4],
      prices: { A: 30, B: 7 },
      nav: 100,
    });
    expect(small.allocation.map((a) => a.units)).to.deep.equal(["2", "5"]);
  });

  it("names a time limit that is not a positive number", async () => {
    for (const timeLimitSeconds of [0, -1, Number.NaN]) {
      let error: unknown;
      try {
        await integerAllocation({ ...DEGENERATE, timeLimitSeconds });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).path).to.equal("timeLimitSeconds");
    }
  });
});
