import { expect } from "chai";
import fc from "fast-check";
import { optimize, optimizeAsync } from "../../../src/optimizer/optimize.ts";
import { expectClose, randomFactorModel } from "../fixtures.ts";

const n = 8;
const model = randomFactorModel(n, 2, 21);
const assets = Array.from({ length: n }, (_, i) => `S${i}`);
const base = { assets, expectedReturns: model.mu, covariance: model.dense };
const equal = new Array<number>(n).fill(1 / n);
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

describe("optimizer/markowitz constraints", () => {
  it("enforces the tracking error exactly (binding, never above the limit)", () => {
    const r = optimize({
      ...base,
      objective: "quadratic-utility",
      riskAversion: 1,
      constraints: { trackingError: { benchmarkWeights: equal, max: 0.02 } },
    });
    const te = r.constraints.find((c) => c.name === "trackingError")!;
    expect(r.status).to.equal("optimal");
    expect(te.value).to.be.at.most(0.02 * (1 + 1e-9));
    expect(te.binding).to.equal(true);
  });

  it("limits turnover Σ|w − w0| and charges transaction costs like HiGHS", async () => {
    const current = [0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0];
    const problem = {
      ...base,
      objective: "quadratic-utility",
      riskAversion: 2,
      constraints: {
        turnover: { currentWeights: current, max: 0.25 },
        penalties: { transactionCost: { currentWeights: current, rate: 0.002 }, l2Gamma: 0.01 },
        bounds: { upper: 0.35 },
      },
    };
    const ours = optimize(problem);
    const ref = await optimizeAsync({ ...problem, solver: "highs" });
    const turnover = sum(ours.weights.map((w, i) => Math.abs(w - current[i]!)));
    expect(turnover).to.be.at.most(0.25 + 1e-12);
    ours.weights.forEach((w, i) => expectClose(w, ref.weights[i]!, 1e-6));
  });

  it("keeps trades within the liquidity band |w − w0|·nav ≤ f·adv", () => {
    const current = equal;
    const adv = [1e5, 2e5, 5e4, 1e6, 1e6, 1e6, 1e6, 1e6];
    const r = optimize({
      ...base,
      objective: "max-sharpe",
      constraints: { liquidity: { currentWeights: current, nav: 1e7, adv, maxAdvFraction: 0.1 } },
    });
    r.weights.forEach((w, i) => expect(Math.abs(w - current[i]!) * 1e7).to.be.at.most(0.1 * adv[i]! * (1 + 1e-9)));
  });

  it("meets an ESG floor and linear rows, and allows a market-neutral budget of 0", () => {
    const scores = [1, 2, 3, 4, 5, 6, 7, 8];
    const r = optimize({
      ...base,
      objective: "min-variance",
      constraints: {
        esg: { scores, min: 5 },
        linear: [{ name: "first-half", coefficients: [1, 1, 1, 1, 0, 0, 0, 0], lower: 0.2 }],
      },
    });
    expect(scores.reduce((s, v, i) => s + v * r.weights[i]!, 0)).to.be.at.least(5 - 1e-12);
    expect(sum(r.weights.slice(0, 4))).to.be.at.least(0.2 - 1e-12);
    const neutral = optimize({
      ...base,
      objective: "quadratic-utility",
      constraints: { budget: 0, bounds: { lower: -0.2, upper: 0.2 } },
    });
    expectClose(sum(neutral.weights), 0, 1e-12);
  });

  it("explains infeasibility by constraint name and returns no weights", () => {
    const r = optimize({
      ...base,
      constraints: {
        bounds: { lower: 0.05 },
        groups: [{ name: "Tech", assets: ["S0", "S1", "S2", "S3", "S4", "S5"], upper: 0.25 }],
      },
    });
    expect(r.status).to.equal("infeasible");
    expect(r.weights).to.deep.equal([]);
    expect(r.infeasibility?.message).to.equal("groups.Tech.upper 0.25 conflicts with bounds.lower");
    const budget = optimize({
      ...base,
      constraints: { groups: [{ name: "Tech", assets: ["S0", "S1"], lower: 0.5 }], bounds: { upper: 0.1 } },
    });
    expect(budget.infeasibility?.conflicts).to.deep.equal(["groups.Tech.lower 0.5", "bounds.upper"]);
    const te = optimize({
      ...base,
      constraints: {
        trackingError: { benchmarkWeights: [1, 0, 0, 0, 0, 0, 0, 0], max: 0.001 },
        bounds: { upper: 0.5 },
      },
    });
    expect(te.status).to.equal("infeasible");
    expect(te.infeasibility?.message).to.match(/^trackingError\.max 0\.001 conflicts with the linear constraints/);
  });

  it("property: budget, bounds and group limits hold whenever a solution is returned", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.15, max: 0.6, noNaN: true }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.constantFrom("min-variance", "max-sharpe", "quadratic-utility"),
        (cap, groupCap, floor, objective) => {
          const r = optimize({
            ...base,
            objective,
            constraints: {
              bounds: { lower: floor, upper: cap },
              groups: [{ name: "G", assets: ["S0", "S1", "S2"], upper: groupCap }],
            },
          });
          if (r.status === "infeasible") {
            expect(r.infeasibility!.conflicts.length).to.be.greaterThan(0);
            return;
          }
          expect(r.status).to.equal("optimal");
          expectClose(sum(r.weights), 1, 1e-9);
          r.weights.forEach((w) => {
            expect(w).to.be.at.least(floor - 1e-9);
            expect(w).to.be.at.most(cap + 1e-9);
          });
          expect(sum(r.weights.slice(0, 3))).to.be.at.most(groupCap + 1e-9);
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });
});
