import { expect } from "chai";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import {
  groupRiskContributions,
  riskContributions,
  solveRiskBudgeting,
  type RiskBudgetingMethod,
} from "../../../src/optimizer/riskParity/index.ts";
import {
  constantCorrelation,
  covariance,
  expectClose,
  expectNear,
  marketCovariance,
  maxAbsDiff,
  RR_CORR,
  RR_VOLS,
} from "./fixtures.ts";

const METHODS: readonly RiskBudgetingMethod[] = ["ccd", "newton", "qp", "gradient"];

describe("optimizer/riskParity/solveRiskBudgeting", () => {
  describe("two assets: closed forms", () => {
    it("ERC weights are proportional to 1/σ_i whatever the correlation", () => {
      for (const rho of [-0.9, -0.3, 0, 0.5, 0.95]) {
        const sigma = covariance(
          [0.1, 0.25],
          [
            [1, rho],
            [rho, 1],
          ],
        );
        for (const method of METHODS) {
          const result = solveRiskBudgeting(sigma, { method });
          expectClose(result.weights, [0.25 / 0.35, 0.1 / 0.35], 1e-10);
          expect(result.maxBudgetError).to.be.at.most(1e-10);
        }
      }
    });

    it("risk budgets (b, 1 − b) match Roncalli's closed form", () => {
      // Roncalli (2013), Introduction to Risk Parity and Budgeting, §2.2.1.2:
      // w1 = [(b − ½)ρσ1σ2 − bσ2² + σ1σ2 sqrt((b − ½)²ρ² + b(1 − b))] / [(1 − b)σ1² − bσ2² + 2(b − ½)ρσ1σ2]
      for (const [s1, s2, rho, b] of [
        [0.2, 0.1, 0.5, 0.3],
        [0.3, 0.15, -0.4, 0.8],
        [0.1, 0.3, 0.9, 0.25],
        [0.25, 0.2, 0, 0.6],
      ] as const) {
        const numerator =
          (b - 0.5) * rho * s1 * s2 - b * s2 * s2 + s1 * s2 * Math.sqrt((b - 0.5) ** 2 * rho * rho + b * (1 - b));
        const denominator = (1 - b) * s1 * s1 - b * s2 * s2 + 2 * (b - 0.5) * rho * s1 * s2;
        const w1 = numerator / denominator;
        const sigma = covariance(
          [s1, s2],
          [
            [1, rho],
            [rho, 1],
          ],
        );
        for (const method of METHODS) {
          const result = solveRiskBudgeting(sigma, { method, budgets: [b, 1 - b] });
          expectClose(result.weights, [w1, 1 - w1], 1e-10);
          expectClose(result.riskContributions, [b, 1 - b], 1e-10);
        }
      }
    });
  });

  describe("published examples", () => {
    it("Maillard, Roncalli & Teiletche (2010): constant correlation gives 48 %, 24 %, 16 %, 12 %", () => {
      for (const rho of [-0.2, 0, 0.5, 0.9]) {
        const result = solveRiskBudgeting(covariance([0.1, 0.2, 0.3, 0.4], constantCorrelation(4, rho)));
        expectClose(result.weights, [0.48, 0.24, 0.16, 0.12], 1e-10);
      }
    });

    it("Maillard, Roncalli & Teiletche (2010), example 1: 38.4 %, 19.2 %, 24.3 %, 18.2 %, σ = 10.3 %", () => {
      const corr = [
        [1, 0.8, 0, 0],
        [0.8, 1, 0, 0],
        [0, 0, 1, -0.5],
        [0, 0, -0.5, 1],
      ];
      const result = solveRiskBudgeting(covariance([0.1, 0.2, 0.3, 0.4], corr));
      // Published to 0.1 %: the rounding error is at most 0.05 %.
      expectClose(result.weights, [0.384, 0.192, 0.243, 0.182], 5e-4);
      expectNear(result.volatility, 0.103, 5e-4);
      expectClose(result.riskContributions, [0.25, 0.25, 0.25, 0.25], 1e-10);
    });

    it("Maillard, Roncalli & Teiletche (2010), example 2: six assets, 60 % correlation but 20 % for (5, 6)", () => {
      const corr = constantCorrelation(6, 0.6);
      corr[4]![5] = 0.2;
      corr[5]![4] = 0.2;
      const result = solveRiskBudgeting(covariance([0.25, 0.22, 0.14, 0.3, 0.4, 0.3], corr));
      expectClose(result.weights, [0.157, 0.178, 0.28, 0.131, 0.109, 0.145], 5e-4);
      expectNear(result.volatility, 0.195, 5e-4);
    });

    it("Richard & Roncalli (2019), Table 9 universe: ERC weights and σ = 4.7776 %", () => {
      const result = solveRiskBudgeting(covariance(RR_VOLS, RR_CORR));
      // Published in percent with four decimals.
      expectClose(
        result.weights,
        [0.268306, 0.286769, 0.114095, 0.097985, 0.056135, 0.059029, 0.06656, 0.051121],
        5e-7,
      );
      expectNear(result.volatility, 0.047776, 5e-7);
    });
  });

  describe("the four methods", () => {
    const cases = [
      { name: "Richard-Roncalli universe, ERC", sigma: covariance(RR_VOLS, RR_CORR), budgets: undefined },
      {
        name: "Richard-Roncalli universe, budgets",
        sigma: covariance(RR_VOLS, RR_CORR),
        budgets: [0.05, 0.05, 0.1, 0.1, 0.15, 0.15, 0.2, 0.2],
      },
      { name: "market model n = 40, ERC", sigma: marketCovariance(40, 7), budgets: undefined },
      {
        name: "market model n = 25, budgets",
        sigma: marketCovariance(25, 11),
        budgets: Array.from({ length: 25 }, (_, i) => (i + 1) / 325),
      },
    ];
    for (const { name, sigma, budgets } of cases) {
      it(`agree to 1e-8 and meet the budgets to 1e-10: ${name}`, () => {
        const results = METHODS.map((method) => solveRiskBudgeting(sigma, { method, budgets }));
        for (const [k, result] of results.entries()) {
          expect(result.converged, METHODS[k]).to.equal(true);
          expect(result.method).to.equal(METHODS[k]);
          expect(result.maxBudgetError, METHODS[k]).to.be.at.most(1e-10);
          expect(maxAbsDiff(result.weights, results[0]!.weights), METHODS[k]).to.be.at.most(1e-8);
          expect(result.constraintsBinding).to.deep.equal([]);
        }
      });
    }

    it("qp escapes the spurious boundary point of a hedging asset (Σ(RC − b)² is not convex)", () => {
      // Five factors with negative loadings: started at the inverse-volatility point, plain SCA
      // drives asset 0 (a hedge, ERC weight 5.8 %) to zero and stalls at max|RC − b| ≈ 1.3e-2.
      const sigma = fiveFactorCovariance(100, 100);
      const reference = solveRiskBudgeting(sigma);
      const result = solveRiskBudgeting(sigma, { method: "qp" });
      expect(result.converged).to.equal(true);
      expect(maxAbsDiff(result.weights, reference.weights)).to.be.at.most(1e-8);
      expectNear(reference.weights[0], 0.0582137, 1e-6);
    });

    it("newton finishes where the Armijo test drowns in rounding (n = 500, the bench matrix)", () => {
      // Near the solution f changes by ~1e-20 per step; an Armijo test there rejected every
      // step and Newton stalled at max|RC − b| ≈ 5e-10.
      const sigma = marketCovariance(500, 500, 10);
      const result = solveRiskBudgeting(sigma, { method: "newton", validateCovariance: false });
      expect(result.converged).to.equal(true);
      expect(result.iterations).to.be.at.most(10);
      expect(result.maxBudgetError).to.be.at.most(1e-10);
    });

    it("defaults to CCD, reports iterations and residual, and needs no sweep from the solution", () => {
      const sigma = covariance(RR_VOLS, RR_CORR);
      const cold = solveRiskBudgeting(sigma);
      expect(cold.method).to.equal("ccd");
      expect(cold.iterations).to.be.greaterThan(0);
      expect(cold.residual).to.be.at.most(1e-10);
      const warm = solveRiskBudgeting(sigma, { warmStart: cold.weights });
      expect(warm.iterations).to.equal(0);
      expectClose(warm.weights, cold.weights, 1e-12);
    });

    it("honours a tighter tolerance", () => {
      const result = solveRiskBudgeting(marketCovariance(30, 3), { tolerance: 1e-13 });
      expect(result.maxBudgetError).to.be.at.most(1e-13);
    });

    it("reports converged: false when the iteration cap is hit", () => {
      const result = solveRiskBudgeting(marketCovariance(30, 3), { maxIterations: 1 });
      expect(result.converged).to.equal(false);
      expect(result.iterations).to.equal(1);
      expect(result.residual).to.be.greaterThan(1e-10);
    });
  });

  describe("risk contributions", () => {
    it("are w_i(Σw)_i / w'Σw and sum to 1", () => {
      const sigma = covariance(
        [0.2, 0.1],
        [
          [1, 0],
          [0, 1],
        ],
      );
      expectClose(riskContributions(Float64Array.of(1 / 3, 2 / 3), sigma), [0.5, 0.5], 1e-15);
      const rc = riskContributions(new Float64Array(8).fill(1 / 8), covariance(RR_VOLS, RR_CORR));
      expectNear(
        rc.reduce((a, v) => a + v, 0),
        1,
        1e-15,
      );
    });

    it("sum per group", () => {
      const rc = Float64Array.of(0.1, 0.2, 0.3, 0.4);
      const groups = groupRiskContributions(rc, { bonds: [0, 1], equity: [2, 3], all: [0, 1, 2, 3] });
      expectNear(groups.bonds, 0.3, 1e-15);
      expectNear(groups.equity, 0.7, 1e-15);
      expectNear(groups.all, 1, 1e-15);
      expect(Object.keys(groups)).to.deep.equal(["bonds", "equity", "all"]);
    });
  });
});

/** Σ from five factors with loadings in [−0.3, 0.7), rescaled to volatilities in [10 %, 50 %). */
function fiveFactorCovariance(n: number, seed: number): SymmetricMatrix {
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const k = 5;
  const loadings = Array.from({ length: n * k }, () => random() - 0.3);
  const vols = Array.from({ length: n }, () => 0.1 + 0.4 * random());
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let q = 0; q < k; q++) sum += loadings[i * k + q]! * loadings[j * k + q]!;
      if (i === j) sum += 0.5 + random();
      c[i * n + j] = sum;
      c[j * n + i] = sum;
    }
  }
  const d = Array.from({ length: n }, (_, i) => Math.sqrt(c[i * n + i]!));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j]! * vols[i]! * vols[j]!) / (d[i]! * d[j]!);
  return { n, data: c };
}
