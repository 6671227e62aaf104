import { expect } from "chai";
import { InfeasibleError } from "../../../src/errors.ts";
import { solveRiskBudgeting } from "../../../src/optimizer/riskParity/index.ts";
import {
  covariance,
  errorOf,
  expectClose,
  expectNear,
  kktResidual,
  marketCovariance,
  RR_CORR,
  RR_VOLS,
  sigmaTimes,
} from "./fixtures.ts";

const sigma = covariance(RR_VOLS, RR_CORR);
const ERC = new Array<number>(8).fill(1 / 8);
const EQUITY = [0, 0, 0, 0, 1, 1, 1, 1];
const SPREAD = [1, -1, 0, 0, 1, -1, 0, 0];

describe("optimizer/riskParity constrained risk budgeting (Richard & Roncalli 2019)", () => {
  it("Table 9, x5 + x6 + x7 + x8 ≥ 30 %: published weights and the KKT conditions of R&R's program", () => {
    const result = solveRiskBudgeting(sigma, { linear: [{ name: "equity", coefficients: EQUITY, lower: 0.3 }] });
    expect(result.converged).to.equal(true);
    expect(result.method).to.equal("ccd+admm (Richard-Roncalli 2019)");
    // pyrb's reproduction of R&R's Table 9 (percent, four decimals; its ADMM stops at ~2e-6).
    expectClose(result.weights, [0.257859, 0.274087, 0.095153, 0.072904, 0.070579, 0.077127, 0.092265, 0.060027], 5e-6);
    expect(result.constraintsBinding).to.deep.equal(["equity.lower"]);
    expectNear(
      EQUITY.reduce((a, c, i) => a + c * result.weights[i]!, 0),
      0.3,
      1e-10,
    );
    expectNear(
      result.weights.reduce((a, v) => a + v, 0),
      1,
      1e-14,
    );
    // Assets untouched by the binding row keep equal risk contributions...
    for (let i = 1; i < 4; i++) expectNear(result.riskContributions[i], result.riskContributions[0]!, 1e-9);
    // ...and x_i(Σx)_i = λ b_i + μ x_i for the constrained block, with one μ ≥ 0 (stationarity).
    const kkt = kktResidual(sigma, result.weights, ERC, [EQUITY.map((c) => -c)]);
    expect(kkt.residual).to.be.at.most(1e-7);
    expect(kkt.lambda).to.be.greaterThan(0);
    expect(kkt.multipliers[0]).to.be.greaterThan(0);
  });

  it("Table 9 with a second row x1 − x2 + x5 − x6 ≤ −5 %: published weights and KKT", () => {
    const result = solveRiskBudgeting(sigma, {
      linear: [
        { name: "equity", coefficients: EQUITY, lower: 0.3 },
        { name: "spread", coefficients: SPREAD, upper: -0.05 },
      ],
    });
    expect(result.converged).to.equal(true);
    expectClose(result.weights, [0.245238, 0.286911, 0.095175, 0.072674, 0.069707, 0.078033, 0.092305, 0.059956], 5e-6);
    expect(result.constraintsBinding).to.deep.equal(["equity.lower", "spread.upper"]);
    // Only assets 3 and 4 appear in no binding row: their contributions stay equal.
    expectNear(result.riskContributions[3], result.riskContributions[2]!, 1e-9);
    const kkt = kktResidual(sigma, result.weights, ERC, [EQUITY.map((c) => -c), SPREAD]);
    expect(kkt.residual).to.be.at.most(1e-7);
    expect(kkt.multipliers.every((mu) => mu > 0)).to.equal(true);
  });

  it("weight caps: capped assets carry less risk than budgeted, the others share the rest in budget ratio", () => {
    const budgets = [0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const upper = new Float64Array(8).fill(0.2);
    const result = solveRiskBudgeting(sigma, { budgets, bounds: { lower: new Float64Array(8), upper } });
    expect(result.converged).to.equal(true);
    expect(result.method).to.equal("ccd (Richard-Roncalli 2019, bounds)");
    expect(result.constraintsBinding).to.deep.equal(["bounds.upper[0]", "bounds.upper[1]"]);
    expectNear(result.weights[0], 0.2, 1e-12);
    const s = sigmaTimes(sigma, result.weights);
    const ratio = (i: number): number => (result.weights[i]! * s[i]!) / budgets[i]!;
    for (let i = 3; i < 8; i++) expectNear(ratio(i) / ratio(2), 1, 1e-9); // = λ*
    expect(ratio(0)).to.be.lessThan(ratio(2)); // x_i(Σx)_i = λ b_i − μ_i x_i with μ_i > 0
    expect(result.maxBudgetError).to.be.greaterThan(0.01);
  });

  it("a linear row equivalent to a bound gives the bounds solution (ADMM agrees with the box CCD)", () => {
    const upper = new Float64Array(8).fill(1);
    upper[1] = 0.2;
    const viaBounds = solveRiskBudgeting(sigma, { bounds: { lower: new Float64Array(8), upper } });
    const viaRow = solveRiskBudgeting(sigma, {
      linear: [{ name: "cap1", coefficients: [0, 1, 0, 0, 0, 0, 0, 0], upper: 0.2 }],
    });
    expect(viaRow.method).to.equal("ccd+admm (Richard-Roncalli 2019)");
    expectClose(viaRow.weights, viaBounds.weights, 1e-8);
    expect(viaRow.constraintsBinding).to.deep.equal(["cap1.upper"]);
  });

  it("lower bounds bind from below and the solution is invariant to scaling Σ", () => {
    const lower = new Float64Array(8).fill(0.01);
    lower[7] = 0.1;
    const bounds = { lower, upper: new Float64Array(8).fill(1) };
    const result = solveRiskBudgeting(sigma, { bounds });
    expect(result.constraintsBinding).to.deep.equal(["bounds.lower[7]"]);
    const scaledSigma = { n: 8, data: sigma.data.map((v) => v * 250) };
    expectClose(solveRiskBudgeting(scaledSigma, { bounds }).weights, result.weights, 1e-9);
  });

  it("returns the unconstrained solution when it already satisfies the constraints", () => {
    const free = solveRiskBudgeting(sigma);
    const result = solveRiskBudgeting(sigma, {
      bounds: { lower: new Float64Array(8), upper: new Float64Array(8).fill(0.5) },
      linear: [{ name: "equity", coefficients: EQUITY, upper: 0.5 }],
    });
    expect(result.method).to.equal("ccd");
    expect(result.constraintsBinding).to.deep.equal([]);
    expectClose(result.weights, free.weights, 0);
  });

  it("handles a larger market-model universe with a sector cap", () => {
    const big = marketCovariance(60, 5);
    const coefficients = Array.from({ length: 60 }, (_, i) => (i < 20 ? 1 : 0));
    const free = solveRiskBudgeting(big);
    const cap = free.weights.slice(0, 20).reduce((a, v) => a + v, 0) - 0.05;
    const result = solveRiskBudgeting(big, { linear: [{ name: "sector", coefficients, upper: cap }] });
    expect(result.converged).to.equal(true);
    expect(result.constraintsBinding).to.deep.equal(["sector.upper"]);
    const kkt = kktResidual(big, result.weights, new Array<number>(60).fill(1 / 60), [coefficients]);
    expect(kkt.residual).to.be.at.most(1e-7);
    expect(kkt.multipliers[0]).to.be.greaterThan(0);
  });

  it("names conflicting constraints when no portfolio summing to 1 fits", () => {
    const bounds = errorOf(() =>
      solveRiskBudgeting(sigma, { bounds: { lower: new Float64Array(8), upper: new Float64Array(8).fill(0.1) } }),
    );
    expect(bounds).to.be.instanceOf(InfeasibleError);
    expect([bounds.code, bounds.path]).to.deep.equal(["BOUNDS_INFEASIBLE", "constraints.bounds"]);
    const rows = errorOf(() =>
      solveRiskBudgeting(sigma, {
        linear: [
          { name: "first", coefficients: [1, 0, 0, 0, 0, 0, 0, 0], lower: 0.6 },
          { name: "second", coefficients: [0, 1, 0, 0, 0, 0, 0, 0], lower: 0.6 },
        ],
      }),
    );
    expect(rows).to.be.instanceOf(InfeasibleError);
    expect(rows.code).to.equal("CONSTRAINTS_INFEASIBLE");
    expect(rows.message).to.contain("first").and.to.contain("second");
  });
});
