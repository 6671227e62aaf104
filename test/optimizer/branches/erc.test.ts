import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";
import { optimize } from "../../../src/optimizer/optimize.ts";

// Maillard, Roncalli & Teiletche (2010), example 1: volatilities 10/20/30/40 %, ρ12 = 0.8,
// ρ34 = −0.5, other correlations 0; ERC weights 38.4, 19.2, 24.3, 18.2 % (published to 0.1 %).
const vol = [0.1, 0.2, 0.3, 0.4];
const rho = [
  [1, 0.8, 0, 0],
  [0.8, 1, 0, 0],
  [0, 0, 1, -0.5],
  [0, 0, -0.5, 1],
];
const covariance = rho.map((row, i) => row.map((r, j) => r * vol[i]! * vol[j]!));
const assets = ["A1", "A2", "A3", "A4"];

describe("optimize: optimizerType ERC", () => {
  it("reproduces Maillard, Roncalli & Teiletche (2010) through the problem format", () => {
    const result = optimize({ optimizerType: "ERC", assets, covariance }) as ReturnType<typeof optimize> & {
      riskBudgeting: { maxBudgetError: number; riskContributions: number[] };
    };
    expect(result.status).to.equal("optimal");
    const published = [0.384, 0.192, 0.243, 0.182];
    result.weights.forEach((w, i) => expect(Math.abs(w - published[i]!)).to.be.lessThan(0.0006));
    expect(result.riskBudgeting.maxBudgetError).to.be.lessThan(1e-10);
    result.riskBudgeting.riskContributions.forEach((rc) => expect(Math.abs(rc - 0.25)).to.be.lessThan(1e-10));
    // The common result field is in volatility units (Euler): equal shares of σ.
    result.volatilityContributions.forEach((rc) => expect(Math.abs(rc - result.volatility! / 4)).to.be.lessThan(1e-10));
  });

  it("gives every method the same weights and reports group contributions and budgets", () => {
    const base = {
      optimizerType: "ERC",
      assets,
      covariance,
      riskBudgets: [0.4, 0.3, 0.2, 0.1],
      constraints: { groups: [{ name: "low-vol", assets: ["A1", "A2"], upper: 1 }] },
    };
    const results = (["ccd", "newton", "qp", "gradient"] as const).map(
      (ercMethod) =>
        optimize({ ...base, ercMethod }) as ReturnType<typeof optimize> & {
          riskBudgeting: { groupRiskContributions: Record<string, number>; groupBudgets: Record<string, number> };
        },
    );
    for (const r of results) {
      r.weights.forEach((w, i) => expect(Math.abs(w - results[0]!.weights[i]!)).to.be.lessThan(1e-7));
    }
    expect(Math.abs(results[0]!.riskBudgeting.groupBudgets["low-vol"]! - 0.7)).to.be.lessThan(1e-12);
    expect(Math.abs(results[0]!.riskBudgeting.groupRiskContributions["low-vol"]! - 0.7)).to.be.lessThan(1e-9);
  });

  it("applies bounds through constrained risk budgeting and reports them binding", () => {
    const result = optimize({
      optimizerType: "ERC",
      assets,
      covariance,
      constraints: { bounds: { lower: 0, upper: 0.3 } },
    }) as ReturnType<typeof optimize> & { riskBudgeting: { constraintsBinding: string[] } };
    expect(result.status).to.equal("optimal");
    for (const w of result.weights) expect(w).to.be.at.most(0.3 + 1e-9);
    expect(Math.abs(result.weights.reduce((a, b) => a + b, 0) - 1)).to.be.lessThan(1e-9);
    expect(result.riskBudgeting.constraintsBinding.length).to.be.greaterThan(0);
  });

  it("names the field of invalid budgets and methods", () => {
    const bad = (extra: object): InputError => {
      try {
        optimize({ optimizerType: "ERC", assets, covariance, ...extra });
      } catch (error) {
        if (error instanceof InputError) return error;
      }
      throw new Error("expected an InputError");
    };
    expect(bad({ riskBudgets: [0.5, 0.5, 0.5, -0.5] }).path).to.equal("riskBudgets[3]");
    expect(bad({ riskBudgets: [0.25, 0.25, 0.25, 0.2] }).path).to.equal("riskBudgets");
    expect(bad({ ercMethod: "magic" }).path).to.equal("ercMethod");
  });

  it("meets a turnover limit by moving part of the way from the current weights to the ERC portfolio", () => {
    const currentWeights = [0.25, 0.25, 0.25, 0.25];
    const free = optimize({ optimizerType: "ERC", assets, covariance });
    const full = free.weights.reduce((s, w, i) => s + Math.abs(w - currentWeights[i]!), 0);
    const limited = optimize({
      optimizerType: "ERC",
      assets,
      covariance,
      constraints: { turnover: { currentWeights, max: full / 2 } },
    });
    const turnover = limited.weights.reduce((s, w, i) => s + Math.abs(w - currentWeights[i]!), 0);
    expect(Math.abs(turnover - full / 2)).to.be.lessThan(1e-12);
    limited.weights.forEach((w, i) => {
      const halfway = currentWeights[i]! + 0.5 * (free.weights[i]! - currentWeights[i]!);
      expect(Math.abs(w - halfway)).to.be.lessThan(1e-12);
    });
    expect(limited.warnings.join(" ")).to.match(/turnover limit/);
  });
});
