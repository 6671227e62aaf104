import { expect } from "chai";
import fc from "fast-check";
import { greedyAllocation, integerAllocation } from "../../../src/optimizer/allocation/allocate.ts";
import { expectNear } from "../../helpers/expect.ts";

interface Case {
  readonly prices: readonly number[];
  readonly weights: readonly number[];
  readonly nav: number;
  readonly minTrade: number;
}

/** min Σ|w_i·NAV − x_i·p_i| + (NAV − Σ x_i·p_i) over every integer x with spend ≤ NAV, by enumeration. */
function exhaustive(c: Case): number {
  let best = Infinity;
  const n = c.prices.length;
  const x: number[] = new Array<number>(n).fill(0);
  const visit = (i: number, spent: number): void => {
    if (i === n) {
      let objective = c.nav - spent;
      for (let j = 0; j < n; j++) objective += Math.abs((c.weights[j] ?? 0) * c.nav - (x[j] ?? 0) * (c.prices[j] ?? 0));
      best = Math.min(best, objective);
      return;
    }
    const p = c.prices[i] ?? 1;
    for (let k = 0; spent + k * p <= c.nav + 1e-9; k++) {
      if (k > 0 && k * p < c.minTrade) continue;
      x[i] = k;
      visit(i + 1, spent + k * p);
    }
    x[i] = 0;
  };
  visit(0, 0);
  return best;
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    cents: fc.array(fc.integer({ min: 700, max: 6000 }), { minLength: 2, maxLength: 3 }),
    raw: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }),
    nav: fc.integer({ min: 50, max: 200 }),
    minTrade: fc.constantFrom(0, 15, 40),
  })
  .filter(({ raw }) => raw.some((r) => r > 0))
  .map(({ cents, raw, nav, minTrade }) => {
    const w = raw.slice(0, cents.length);
    const total = w.reduce((a, b) => a + b, 0) || 1;
    return { prices: cents.map((c) => c / 100), weights: w.map((v) => v / total), nav, minTrade };
  })
  .filter((c) => c.weights.some((w) => w > 0));

describe("optimizer/allocation: the integer method against exhaustive search", () => {
  it("reaches the enumerated optimum of PyPortfolioOpt's objective, with and without a minimum trade", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const assets = c.prices.map((_, i) => `A${i}`);
        const prices = Object.fromEntries(assets.map((a, i) => [a, c.prices[i] ?? 1]));
        const parameters = { assets, weights: c.weights, prices, nav: c.nav, minTrade: c.minTrade };
        const best = exhaustive(c);
        let objective: number;
        try {
          objective = (await integerAllocation(parameters)).objective;
        } catch (error) {
          // Only an optimum that buys nothing (objective Σw·NAV + NAV) may be refused.
          expect((error as { code?: string }).code).to.equal("ALLOCATION_NOTHING_AFFORDABLE");
          const nothing = c.nav + c.weights.reduce((a, w) => a + w * c.nav, 0);
          expect(best).to.be.at.least(nothing - 1e-6 * c.nav);
          return;
        }
        expectNear(objective, best, 1e-6 * c.nav);
        // The greedy rounds are a heuristic: never better than the optimum.
        try {
          expect(greedyAllocation(parameters).objective).to.be.at.least(best - 1e-6 * c.nav);
        } catch (error) {
          expect((error as { code?: string }).code).to.equal("ALLOCATION_NOTHING_AFFORDABLE");
        }
      }),
      { numRuns: 40 },
    );
  });

  it("hand case: greedy buys 2 A + 5 B and keeps 5; the integer optimum equals enumeration", async () => {
    // NAV 100, A at 30 (w 0.6), B at 7 (w 0.4): greedy buys 2 A + 5 B and keeps 5; so does the optimum.
    const p = { assets: ["A", "B"], weights: [0.6, 0.4], prices: { A: 30, B: 7 }, nav: 100 };
    const g = greedyAllocation(p);
    const i = await integerAllocation(p);
    expect(g.allocation.map((a) => a.units)).to.deep.equal(["2", "5"]);
    expectNear(g.leftover, 5, 1e-12);
    expectNear(i.objective, exhaustive({ prices: [30, 7], weights: [0.6, 0.4], nav: 100, minTrade: 0 }), 1e-9);
  });
});
