import { expect } from "chai";
import fc from "fast-check";
import { symmetricFromRows, type SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { solveRiskBudgeting, type RiskBudgetingMethod } from "../../../src/optimizer/riskParity/index.ts";
import { expectNear, maxAbsDiff } from "./fixtures.ts";

/**
 * A random positive-definite covariance: Σ = F F' + diag(ε²) from k ≤ 3 factors whose loadings may be
 * negative (hedging assets), annualised-looking volatilities.
 */
const universe = fc
  .record({
    n: fc.integer({ min: 2, max: 12 }),
    k: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  })
  .map(({ n, k, seed }) => {
    let state = seed;
    const random = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const loadings = Array.from({ length: n * k }, () => 0.3 * (random() - 0.25));
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let sum = i === j ? (0.05 + 0.3 * random()) ** 2 : 0;
        for (let f = 0; f < k; f++) sum += (loadings[i * k + f] as number) * (loadings[j * k + f] as number);
        return sum;
      }),
    );
    // Symmetrise exactly: the diagonal term drew random numbers in the loop above.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) rows[i]![j] = rows[j]![i] as number;
    const raw = Array.from({ length: n }, () => 0.1 + random());
    const total = raw.reduce((a, v) => a + v, 0);
    const budgets = raw.map((v) => v / total);
    return { sigma: symmetricFromRows(rows, "covariance"), budgets };
  });

function permute(sigma: SymmetricMatrix, order: readonly number[]): SymmetricMatrix {
  const { n, data } = sigma;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = data[order[i]! * n + order[j]!] as number;
  return { n, data: out };
}

describe("optimizer/riskParity properties", () => {
  it("budgets are met to 1e-10 with positive weights summing to 1", () => {
    fc.assert(
      fc.property(universe, ({ sigma, budgets }) => {
        const result = solveRiskBudgeting(sigma, { budgets });
        expect(result.converged).to.equal(true);
        expect(result.maxBudgetError).to.be.at.most(1e-10);
        expect(result.weights.every((w) => w > 0)).to.equal(true);
        expectNear(
          result.weights.reduce((a, v) => a + v, 0),
          1,
          1e-12,
        );
        expectNear(
          result.riskContributions.reduce((a, v) => a + v, 0),
          1,
          1e-12,
        );
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it("scaling Σ by c > 0 leaves the weights unchanged", () => {
    fc.assert(
      fc.property(universe, fc.double({ min: -4, max: 4, noNaN: true }), ({ sigma, budgets }, exponent) => {
        const c = 10 ** exponent;
        const base = solveRiskBudgeting(sigma, { budgets });
        const scaled = solveRiskBudgeting({ n: sigma.n, data: sigma.data.map((v) => v * c) }, { budgets });
        expect(maxAbsDiff(base.weights, scaled.weights)).to.be.at.most(1e-9);
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it("permuting the assets permutes the weights", () => {
    fc.assert(
      fc.property(
        universe.chain((u) =>
          fc.tuple(fc.constant(u), fc.shuffledSubarray([...Array(u.sigma.n).keys()], { minLength: u.sigma.n })),
        ),
        ([{ sigma, budgets }, order]) => {
          const base = solveRiskBudgeting(sigma, { budgets });
          const permuted = solveRiskBudgeting(permute(sigma, order), { budgets: order.map((i) => budgets[i]!) });
          expect(
            maxAbsDiff(
              permuted.weights,
              order.map((i) => base.weights[i]!),
            ),
          ).to.be.at.most(1e-9);
        },
      ),
      { numRuns: 60, seed: 6 },
    );
  });

  it("the four methods reach the same portfolio to 1e-8", () => {
    const methods: readonly RiskBudgetingMethod[] = ["newton", "qp", "gradient"];
    fc.assert(
      fc.property(universe, ({ sigma, budgets }) => {
        const reference = solveRiskBudgeting(sigma, { budgets });
        for (const method of methods) {
          const result = solveRiskBudgeting(sigma, { budgets, method });
          expect(result.converged, method).to.equal(true);
          expect(result.maxBudgetError, method).to.be.at.most(1e-10);
          expect(maxAbsDiff(result.weights, reference.weights), method).to.be.at.most(1e-8);
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it("a binding weight cap is met and the uncapped assets keep risk contributions in budget ratio", () => {
    fc.assert(
      fc.property(universe, fc.double({ min: 0.3, max: 0.9, noNaN: true }), ({ sigma, budgets }, shrink) => {
        const free = solveRiskBudgeting(sigma, { budgets });
        const n = sigma.n;
        const top = free.weights.indexOf(Math.max(...free.weights));
        const cap = Math.max(free.weights[top]! * shrink, 1.01 / n); // keep Σ upper > 1
        const upper = new Float64Array(n).fill(1);
        upper[top] = cap;
        const result = solveRiskBudgeting(sigma, { budgets, bounds: { lower: new Float64Array(n), upper } });
        expect(result.converged).to.equal(true);
        expect(result.weights[top]).to.be.at.most(cap + 1e-12);
        expectNear(
          result.weights.reduce((a, v) => a + v, 0),
          1,
          1e-12,
        );
        const ratios = budgets
          .map((b, i) => result.riskContributions[i]! / b)
          .filter((_, i) => i !== top && result.weights[i]! < 1 - 1e-9);
        if (result.constraintsBinding.length === 1) {
          for (const r of ratios) expectNear(r / ratios[0]!, 1, 1e-7);
        }
      }),
      { numRuns: 40, seed: 8 },
    );
  });
});
