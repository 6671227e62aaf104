// The soft tracking-error term λ·(w − b)'Σ(w − b) (constraints.penalties.trackingError) against its
// closed form: with only the budget, min w'Σw + λ(w − b)'Σ(w − b) s.t. 1'w = 1 is solved by
// w = (w_mv + λ·b) / (1 + λ), w_mv = Σ⁻¹1 / 1'Σ⁻¹1 (b sums to 1; the stationarity condition is
// (1 + λ)Σw − λΣb = ν1). Also: the hard limit and the soft term together, and where it is refused.
import { expect } from "chai";
import { Matrix, inverse } from "ml-matrix";
import { optimize } from "../../../src/optimizer/optimize.ts";
import { expectNear } from "../../helpers/expect.ts";

const cov = [
  [0.04, 0.006, 0.002, 0.001],
  [0.006, 0.09, 0.01, 0.004],
  [0.002, 0.01, 0.0625, 0.003],
  [0.001, 0.004, 0.003, 0.0225],
];
const assets = ["A", "B", "C", "D"];
const b = [0.4, 0.3, 0.2, 0.1];

function minVariance(): number[] {
  const inv = inverse(new Matrix(cov));
  const ones = Matrix.ones(4, 1);
  const x = inv.mmul(ones);
  const s = x.sum();
  return x.to1DArray().map((v) => v / s);
}

describe("optimizer/markowitz: tracking-error penalty", () => {
  for (const lambda of [0.5, 2, 10]) {
    it(`λ = ${lambda}: the closed form (w_mv + λb)/(1 + λ)`, () => {
      const r = optimize({
        assets,
        covariance: cov,
        constraints: {
          bounds: { lower: null, upper: null },
          penalties: { trackingError: { benchmarkWeights: b, lambda } },
        },
      });
      expect(r.status).to.equal("optimal");
      const mv = minVariance();
      r.weights.forEach((w, i) => expectNear(w, (mv[i]! + lambda * b[i]!) / (1 + lambda), 1e-9));
    });
  }

  it("pulls quadratic utility towards the benchmark as λ grows, within the hard limit when both are set", () => {
    const te = (w: readonly number[]): number => {
      let s = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += (w[i]! - b[i]!) * cov[i]![j]! * (w[j]! - b[j]!);
      return Math.sqrt(s);
    };
    const at = (lambda: number, max?: number): number[] =>
      optimize({
        assets,
        covariance: cov,
        expectedReturns: [0.12, 0.1, 0.07, 0.03],
        objective: "quadratic-utility",
        riskAversion: 2,
        constraints: {
          penalties: { trackingError: { benchmarkWeights: b, lambda } },
          ...(max === undefined ? {} : { trackingError: { benchmarkWeights: b, max } }),
        },
      }).weights;
    const errors = [0, 1, 10, 100].map((l) => te(at(l)));
    for (let k = 1; k < errors.length; k++) expect(errors[k]!).to.be.lessThan(errors[k - 1]!);
    expect(te(at(1, 0.01))).to.be.lte(0.01 + 1e-7);
  });

  it("is refused with max-sharpe and the closed form, naming it", () => {
    const penalties = { trackingError: { benchmarkWeights: b, lambda: 1 } };
    expect(() =>
      optimize({
        assets,
        covariance: cov,
        expectedReturns: [0.12, 0.1, 0.07, 0.03],
        objective: "max-sharpe",
        constraints: { penalties },
      }),
    ).to.throw("penalties.trackingError");
    expect(() =>
      optimize({
        assets,
        covariance: cov,
        method: "closed-form",
        constraints: { bounds: { lower: null, upper: null }, penalties },
      }),
    ).to.throw();
  });
});
