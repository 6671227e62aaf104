import { expect } from "chai";
import { Matrix, inverse } from "ml-matrix";
import { optimize, optimizeAsync, type OptimizeResult } from "../../../src/optimizer/optimize.ts";
import { expectClose, randomFactorModel } from "../fixtures.ts";

const assets = ["A", "B", "C", "D"];
const mu = [0.08, 0.12, 0.1, 0.15];
const sigma = [
  [0.04, 0.006, 0.01, 0.004],
  [0.006, 0.09, 0.012, 0.02],
  [0.01, 0.012, 0.0625, 0.01],
  [0.004, 0.02, 0.01, 0.1225],
];
const base = { assets, expectedReturns: mu, covariance: sigma };
const unbounded = { constraints: { bounds: { lower: null, upper: null } } };

const inv = inverse(new Matrix(sigma));
const times = (v: number[]): number[] => inv.mmul(Matrix.columnVector(v)).to1DArray();
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const variance = (w: number[]): number => dot(w, new Matrix(sigma).mmul(Matrix.columnVector(w)).to1DArray());

function expectWeights(result: OptimizeResult, expected: number[], tol: number): void {
  expect(result.status).to.equal("optimal");
  result.weights.forEach((w, i) => expectClose(w, expected[i]!, tol));
}

describe("optimizer/markowitz objectives", () => {
  it("min-variance without bounds is Σ⁻¹1 / 1'Σ⁻¹1 (qp and closed-form)", () => {
    const s1 = times([1, 1, 1, 1]);
    const expected = s1.map((v) => v / sum(s1));
    expectWeights(optimize({ ...base, ...unbounded, objective: "min-variance" }), expected, 1e-10);
    expectWeights(
      optimize({ ...base, ...unbounded, objective: "min-variance", method: "closed-form" }),
      expected,
      1e-12,
    );
  });

  it("max-sharpe without bounds is the tangency portfolio Σ⁻¹(μ − r_f) / 1'Σ⁻¹(μ − r_f)", () => {
    const rf = 0.03;
    const se = times(mu.map((m) => m - rf));
    const expected = se.map((v) => v / sum(se));
    const qp = optimize({ ...base, ...unbounded, objective: "max-sharpe", riskFreeRate: rf });
    expectWeights(qp, expected, 1e-9);
    expectClose(
      qp.sharpe,
      Math.sqrt(
        dot(
          mu.map((m) => m - rf),
          se,
        ),
      ),
      1e-9,
    );
    expectWeights(
      optimize({ ...base, ...unbounded, objective: "max-sharpe", riskFreeRate: rf, method: "closed-form" }),
      expected,
      1e-12,
    );
  });

  it("quadratic-utility maximises μ'w − (δ/2)w'Σw, i.e. min w'Σw − λμ'w with λ = 2/δ", () => {
    const delta = 4;
    const s1 = times([1, 1, 1, 1]);
    const sm = times(mu);
    const eta = (sum(sm) - delta) / sum(s1);
    const expected = sm.map((v, i) => (v - eta * s1[i]!) / delta);
    expectWeights(
      optimize({ ...base, ...unbounded, objective: "quadratic-utility", riskAversion: delta }),
      expected,
      1e-10,
    );
  });

  it("efficient-return meets the target exactly and matches the Merton frontier", () => {
    const target = 0.13;
    const s1 = times([1, 1, 1, 1]);
    const sm = times(mu);
    const [a, b, c] = [sum(s1), sum(sm), dot(mu, sm)];
    const d = a * c - b * b;
    const expected = s1.map((v, i) => ((c - b * target) * v + (a * target - b) * sm[i]!) / d);
    const r = optimize({ ...base, ...unbounded, objective: "efficient-return", targetReturn: target });
    expectWeights(r, expected, 1e-9);
    expectClose(r.expectedReturn, target, 1e-12);
  });

  it("efficient-risk reaches the target volatility exactly (never above) at the frontier's upper branch", () => {
    const target = 0.2;
    const qp = optimize({ ...base, ...unbounded, objective: "efficient-risk", targetVolatility: target });
    const cf = optimize({
      ...base,
      ...unbounded,
      objective: "efficient-risk",
      targetVolatility: target,
      method: "closed-form",
    });
    expect(qp.volatility!).to.be.at.most(target * (1 + 1e-12));
    expectClose(qp.volatility!, target, 1e-9);
    expectClose(qp.expectedReturn!, cf.expectedReturn!, 1e-8);
    expectWeights(qp, cf.weights, 1e-6);
    const binding = qp.constraints.find((c) => c.name === "targetVolatility");
    expect(binding?.binding).to.equal(true);
  });

  it("long-only efficient-risk maximises return among portfolios at the volatility limit (HiGHS cross-check)", async () => {
    const problem = { ...base, objective: "efficient-risk", targetVolatility: 0.22 };
    const ours = optimize(problem);
    const ref = await optimizeAsync({ ...problem, solver: "highs" });
    expect(ours.volatility!).to.be.at.most(0.22 * (1 + 1e-12));
    expectClose(ours.expectedReturn!, ref.expectedReturn!, 1e-7);
    expect(ours.expectedReturn!).to.be.at.least(ref.expectedReturn! - 1e-9);
  });

  it("reports metrics consistently: Sharpe with the default r_f = 0.02, volatility contributions summing to volatility", () => {
    const r = optimize({ ...base, objective: "max-sharpe" });
    const w = r.weights;
    expect(r.riskFreeRate).to.equal(0.02);
    expectClose(r.volatility, Math.sqrt(variance(w)), 1e-14);
    expectClose(r.sharpe, (dot(mu, w) - 0.02) / Math.sqrt(variance(w)), 1e-12);
    expectClose(sum(r.volatilityContributions), r.volatility!, 1e-14);
    expect(r.diagnostics.residuals.primal).to.be.below(1e-12);
  });

  it("uses the factor model as given and agrees with the dense expansion", () => {
    const model = randomFactorModel(40, 3, 4);
    const f = model.factor;
    const factor = {
      factorLoadings: Array.from({ length: 40 }, (_, i) => Array.from(f.loadings.subarray(i * 3, i * 3 + 3))),
      factorCovariance: [0, 1, 2].map((i) => [0, 1, 2].map((j) => f.factorCovariance[i * 3 + j]!)),
      specificVariance: Array.from(f.specificVariance),
    };
    const names = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const common = {
      assets: names,
      expectedReturns: model.mu,
      objective: "quadratic-utility",
      riskAversion: 3,
      constraints: { bounds: { upper: 0.1 } },
    };
    const a = optimize({ ...common, covariance: factor });
    const b = optimize({ ...common, covariance: model.dense });
    a.weights.forEach((w, i) => expectClose(w, b.weights[i]!, 1e-8));
  });
});
