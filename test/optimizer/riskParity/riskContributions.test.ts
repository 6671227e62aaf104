import { expect } from "chai";
import fc from "fast-check";
import { symmetricFromRows, type SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { riskContributions, riskDecomposition } from "../../../src/optimizer/riskParity/index.ts";
import { errorOf, expectClose, expectNear } from "./fixtures.ts";

const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe("riskParity/riskContributions", () => {
  it("risk contributions: a hand-computed equal-risk pair", () => {
    // Σ = [[0.04, 0.006], [0.006, 0.09]], w = [0.6, 0.4]:
    // Σw = [0.024 + 0.0024, 0.0036 + 0.036] = [0.0264, 0.0396]
    // w'Σw = 0.6·0.0264 + 0.4·0.0396 = 0.01584 + 0.01584 = 0.03168 → RC = [0.5, 0.5]
    const sigma = symmetricFromRows(
      [
        [0.04, 0.006],
        [0.006, 0.09],
      ],
      "covariance",
    );
    const rc = riskDecomposition(f64(0.6, 0.4), sigma);
    expectClose(riskContributions(f64(0.6, 0.4), sigma), rc.relative, 0);
    expectNear(rc.variance, 0.03168, 1e-15);
    expectNear(rc.volatility, Math.sqrt(0.03168), 1e-15);
    expectClose(rc.relative, [0.5, 0.5], 1e-14);
    // Diagonal Σ: RC_i ∝ w_i² σ_i²: 0.25·0.04 : 0.25·0.01 = 0.8 : 0.2
    const diag = symmetricFromRows(
      [
        [0.04, 0],
        [0, 0.01],
      ],
      "covariance",
    );
    expectClose(riskContributions(f64(0.5, 0.5), diag), [0.8, 0.2], 1e-15);
  });

  it("refuses a portfolio without positive variance", () => {
    const sigma = symmetricFromRows(
      [
        [0.04, 0],
        [0, 0.01],
      ],
      "covariance",
    );
    expect(errorOf(() => riskContributions(f64(0, 0), sigma)).code).to.equal("PORTFOLIO_VARIANCE_NOT_POSITIVE");
    // Not PSD: [[1, 2], [2, 1]] has eigenvalue −1 along (1, −1).
    const indefinite = symmetricFromRows(
      [
        [1, 2],
        [2, 1],
      ],
      "covariance",
    );
    expect(errorOf(() => riskContributions(f64(1, -1), indefinite)).code).to.equal("PORTFOLIO_VARIANCE_NOT_POSITIVE");
    expect(errorOf(() => riskContributions(f64(1), sigma)).code).to.equal("VECTOR_LENGTH");
    expect(errorOf(() => riskContributions(f64(1, Number.NaN), sigma)).path).to.equal("weights[1]");
  });

  it("property: risk contributions sum to 1 for any PSD covariance and long-only weights", () => {
    const problem = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        a: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }),
        w: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(problem, ({ n, a, w }) => {
        // Σ = A Aᵀ + 1e-3 I is positive definite.
        const data = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = i === j ? 1e-3 : 0;
            for (let k = 0; k < n; k++) s += a[i * n + k]! * a[j * n + k]!;
            data[i * n + j] = s;
          }
        }
        const sigma: SymmetricMatrix = { n, data };
        const relative = riskContributions(Float64Array.from(w), sigma);
        const sum = relative.reduce((s, x) => s + x, 0);
        return Math.abs(sum - 1) < 1e-10;
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it("is the one relative decomposition: the analytics layer re-exports it", async () => {
    const analytics = await import("../../../src/analytics/index.ts");
    expect(analytics.riskContributions).to.equal(riskContributions);
    expect(analytics.riskDecomposition).to.equal(riskDecomposition);
  });
});
