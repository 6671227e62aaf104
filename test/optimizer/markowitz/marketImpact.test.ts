// The market-impact penalty Σ κ_i|w_i − w0_i|^{3/2} (constraints.penalties.marketImpact) against
// an independent minimisation: with two assets and the budget, w = (x, 1 − x) and the objective is a
// convex function of x alone, minimised by golden-section search to 1e-13. Three assets: no point of
// a fine grid of the simplex beats the solution's objective.
import { expect } from "chai";
import { optimize } from "../../../src/optimizer/optimize.ts";
import { expectNear } from "../../helpers/expect.ts";

const cov2 = [
  [0.04, 0.01],
  [0.01, 0.09],
];

function golden(f: (x: number) => number, lo: number, hi: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [lo, hi];
  while (b - a > 1e-13) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

describe("optimizer/markowitz: market-impact penalty", () => {
  for (const coefficient of [0.05, 0.5, 5]) {
    it(`min-variance, coefficient ${coefficient}: the one-dimensional optimum`, () => {
      const nav = 1e7;
      const adv = [2e6, 5e5];
      const w0 = [0.1, 0.9];
      const r = optimize({
        assets: ["A", "B"],
        covariance: cov2,
        constraints: { penalties: { marketImpact: { currentWeights: w0, nav, adv, coefficient } } },
      });
      expect(r.status).to.equal("optimal");
      const kappa = adv.map((v) => coefficient * Math.sqrt(nav / v));
      const f = (x: number): number => {
        const w = [x, 1 - x];
        let v = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) v += w[i]! * cov2[i]![j]! * w[j]!;
        return v + kappa.reduce((s, k, i) => s + k * Math.abs(w[i]! - w0[i]!) ** 1.5, 0);
      };
      const x = golden(f, 0, 1);
      expectNear(r.weights[0]!, x, 1e-7);
      expectNear(f(r.weights[0]!), f(x), 1e-13);
      expect(r.warnings.join(" ")).to.contain("market impact");
    });
  }

  it("quadratic utility with three assets: no grid portfolio has a lower objective", () => {
    const cov = [
      [0.04, 0.006, 0.002],
      [0.006, 0.09, 0.01],
      [0.002, 0.01, 0.0625],
    ];
    const mu = [0.08, 0.12, 0.1];
    const w0 = [0.6, 0.2, 0.2];
    const kappa = [0.2, 0.4, 0.3];
    const nav = 1;
    const delta = 3;
    const r = optimize({
      assets: ["A", "B", "C"],
      covariance: cov,
      expectedReturns: mu,
      objective: "quadratic-utility",
      riskAversion: delta,
      constraints: {
        // coefficient·√(nav/adv_i) = κ_i with coefficient 1.
        penalties: { marketImpact: { currentWeights: w0, nav, adv: kappa.map((k) => 1 / (k * k)), coefficient: 1 } },
      },
    });
    const f = (w: readonly number[]): number => {
      let v = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += w[i]! * cov[i]![j]! * w[j]!;
      const ret = w.reduce((s, wi, i) => s + wi * mu[i]!, 0);
      return (delta / 2) * v - ret + kappa.reduce((s, k, i) => s + k * Math.abs(w[i]! - w0[i]!) ** 1.5, 0);
    };
    const best = f(r.weights);
    const steps = 200;
    for (let i = 0; i <= steps; i++)
      for (let j = 0; i + j <= steps; j++)
        expect(f([i / steps, j / steps, (steps - i - j) / steps])).to.be.gte(best - 1e-12);
  });

  it("is refused where its steps do not apply, by name", () => {
    const penalties = { marketImpact: { currentWeights: [0.5, 0.5], nav: 1, adv: [1, 1], coefficient: 1 } };
    const base = { assets: ["A", "B"], covariance: cov2, expectedReturns: [0.1, 0.12] };
    expect(() => optimize({ ...base, objective: "max-sharpe", constraints: { penalties } })).to.throw(
      "penalties.marketImpact",
    );
    expect(() =>
      optimize({ ...base, constraints: { penalties, trackingError: { benchmarkWeights: [0.5, 0.5], max: 0.1 } } }),
    ).to.throw("penalties.marketImpact");
  });
});
