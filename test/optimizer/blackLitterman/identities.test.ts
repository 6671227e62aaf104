import { expect } from "chai";
import fc from "fast-check";
import { EigenvalueDecomposition, Matrix, inverse } from "ml-matrix";
import { heLittermanOmega, idzorekOmega } from "../../../src/optimizer/blackLitterman/omega.ts";
import { blackLittermanPosterior } from "../../../src/optimizer/blackLitterman/posterior.ts";
import { impliedPriorReturns } from "../../../src/optimizer/blackLitterman/prior.ts";
import type { DenseMatrix } from "../../../src/optimizer/blackLitterman/types.ts";
import { blImpliedWeights } from "../../../src/optimizer/blackLitterman/weights.ts";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { expectClose } from "./close.ts";

/** A random positive definite covariance: 0.04·BB'/m + 0.01·I (annualised-looking scale). */
function covariance(n: number, entries: readonly number[]): SymmetricMatrix {
  const m = n + 2;
  const B = Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, t) => entries[(i * m + t) % entries.length]!),
  );
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += B[i]![t]! * B[j]![t]!;
      data[i * n + j] = (0.04 * s) / m + (i === j ? 0.01 : 0);
    }
  }
  return { n, data };
}

function picking(k: number, n: number, values: readonly number[]): DenseMatrix {
  const data = new Float64Array(k * n);
  for (let v = 0; v < k; v++) {
    // Diagonal dominance keeps the k view portfolios linearly independent.
    for (let j = 0; j < n; j++) data[v * n + j] = j === v ? 1 : 0.3 * values[(v * n + j) % values.length]!;
  }
  return { rows: k, cols: n, data };
}

function viewReturns(P: DenseMatrix, x: Float64Array): Float64Array {
  const out = new Float64Array(P.rows);
  for (let v = 0; v < P.rows; v++) for (let j = 0; j < P.cols; j++) out[v] = out[v]! + P.data[v * P.cols + j]! * x[j]!;
  return out;
}

function minEigenvalue(s: SymmetricMatrix): number {
  const rows = Array.from({ length: s.n }, (_, i) => Array.from(s.data.subarray(i * s.n, (i + 1) * s.n)));
  return Math.min(...new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues);
}

const unit = fc.double({ min: -1, max: 1, noNaN: true });
const problem = fc.record({
  n: fc.integer({ min: 2, max: 8 }),
  k: fc.integer({ min: 1, max: 2 }),
  entries: fc.array(unit, { minLength: 40, maxLength: 40 }),
  prior: fc.array(fc.double({ min: -0.2, max: 0.4, noNaN: true }), { minLength: 8, maxLength: 8 }),
  q: fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 2, maxLength: 2 }),
  tau: fc.double({ min: 0.005, max: 1, noNaN: true }),
});

type Problem = typeof problem extends fc.Arbitrary<infer T> ? T : never;

function setUp(p: Problem): {
  sigma: SymmetricMatrix;
  prior: Float64Array;
  P: DenseMatrix;
  Q: Float64Array;
} {
  const sigma = covariance(p.n, p.entries);
  return {
    sigma,
    prior: Float64Array.from(p.prior.slice(0, p.n)),
    P: picking(Math.min(p.k, p.n), p.n, p.entries),
    Q: Float64Array.from(p.q.slice(0, Math.min(p.k, p.n))),
  };
}

describe("blackLitterman: identities", () => {
  it("no views: posterior returns equal the prior exactly and Σ* = (1 + τ)Σ", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { sigma, prior } = setUp(p);
        const empty: DenseMatrix = { rows: 0, cols: sigma.n, data: new Float64Array(0) };
        const post = blackLittermanPosterior({
          sigma,
          prior,
          P: empty,
          Q: new Float64Array(0),
          omega: new Float64Array(0),
          tau: p.tau,
        });
        expect(Array.from(post.posteriorReturns)).to.deep.equal(Array.from(prior));
        post.posteriorCovariance.data.forEach((x, i) => expectClose(x, (1 + p.tau) * sigma.data[i]!, 1e-15));
      }),
      { numRuns: 50, seed: 5 },
    );
  });

  it("confidence 1 (Ω = 0): the posterior return of every view portfolio equals q to 1e-12", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { sigma, prior, P, Q } = setUp(p);
        const omega = idzorekOmega({ sigma, P, tau: p.tau, confidences: Array(P.rows).fill(1) });
        expect(Array.from(omega).every((x) => x === 0)).to.equal(true);
        const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: p.tau });
        viewReturns(P, post.posteriorReturns).forEach((r, v) => expectClose(r, Q[v]!, 1e-12));
      }),
      { numRuns: 100, seed: 6 },
    );
  });

  it("confidence → 0: the posterior tends to the prior", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { sigma, prior, P, Q } = setUp(p);
        const omega = idzorekOmega({ sigma, P, tau: p.tau, confidences: Array(P.rows).fill(1e-12) });
        const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: p.tau });
        post.posteriorReturns.forEach((r, i) => expectClose(r, prior[i]!, 1e-9));
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it("Idzorek, one view: the view portfolio moves exactly the fraction c of the way from prior to q", () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0.01, max: 1, noNaN: true }), (p, c) => {
        const { sigma, prior, P: P2, Q: Q2 } = setUp(p);
        const P: DenseMatrix = { rows: 1, cols: sigma.n, data: P2.data.slice(0, sigma.n) };
        const Q = Q2.slice(0, 1);
        const omega = idzorekOmega({ sigma, P, tau: p.tau, confidences: [c] });
        const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: p.tau });
        const before = viewReturns(P, prior)[0]!;
        expectClose(viewReturns(P, post.posteriorReturns)[0], before + c * (Q[0]! - before), 1e-12);
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it("Σ* is symmetric and positive semi-definite, and Σ ≤ Σ* ≤ (1 + τ)Σ on every view portfolio", () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0.01, max: 1, noNaN: true }), (p, c) => {
        const { sigma, prior, P, Q } = setUp(p);
        const omega = idzorekOmega({ sigma, P, tau: p.tau, confidences: Array(P.rows).fill(c) });
        const { posteriorCovariance: s } = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: p.tau });
        for (let i = 0; i < s.n; i++)
          for (let j = 0; j < s.n; j++) expect(s.data[i * s.n + j]).to.equal(s.data[j * s.n + i]);
        expect(minEigenvalue(s)).to.be.greaterThan(0);
        const variance = (m: SymmetricMatrix, row: number): number => {
          let t = 0;
          for (let i = 0; i < m.n; i++)
            for (let j = 0; j < m.n; j++) t += P.data[row * m.n + i]! * m.data[i * m.n + j]! * P.data[row * m.n + j]!;
          return t;
        };
        for (let v = 0; v < P.rows; v++) {
          expect(variance(s, v)).to.be.at.least(variance(sigma, v) * (1 - 1e-12));
          expect(variance(s, v)).to.be.at.most(variance(sigma, v) * (1 + p.tau) * (1 + 1e-12));
        }
      }),
      { numRuns: 100, seed: 9 },
    );
  });

  it("agrees with the textbook form [(τΣ)⁻¹ + P'Ω⁻¹P]⁻¹[(τΣ)⁻¹π + P'Ω⁻¹Q] when Ω is invertible", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { sigma, prior, P, Q } = setUp(p);
        const omega = heLittermanOmega({ sigma, P, tau: p.tau });
        const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: p.tau });
        const n = sigma.n;
        const S = new Matrix(
          Array.from({ length: n }, (_, i) => Array.from(sigma.data.subarray(i * n, (i + 1) * n))),
        ).mul(p.tau);
        const Pm = new Matrix(
          Array.from({ length: P.rows }, (_, v) => Array.from(P.data.subarray(v * n, (v + 1) * n))),
        );
        const Om = new Matrix(
          Array.from({ length: P.rows }, (_, a) => Array.from({ length: P.rows }, (_, b) => omega[a * P.rows + b]!)),
        );
        const Si = inverse(S);
        const Oi = inverse(Om);
        const lhs = Si.clone().add(Pm.transpose().mmul(Oi).mmul(Pm));
        const rhs = Si.mmul(Matrix.columnVector(Array.from(prior))).add(
          Pm.transpose()
            .mmul(Oi)
            .mmul(Matrix.columnVector(Array.from(Q))),
        );
        const textbook = inverse(lhs).mmul(rhs);
        post.posteriorReturns.forEach((r, i) => expectClose(r, textbook.get(i, 0), 1e-8));
        // M = [(τΣ)⁻¹ + P'Ω⁻¹P]⁻¹
        const M = inverse(lhs);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            expectClose(post.posteriorCovariance.data[i * n + j], sigma.data[i * n + j]! + M.get(i, j), 1e-10);
          }
        }
      }),
      { numRuns: 50, seed: 10 },
    );
  });

  it("τ cancels from π* when Ω scales with τ (He-Litterman and Idzorek), not from Σ*", () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (p, c) => {
        const { sigma, prior, P, Q } = setUp(p);
        const at = (tau: number, method: "he" | "idz"): Float64Array => {
          const omega =
            method === "he"
              ? heLittermanOmega({ sigma, P, tau })
              : idzorekOmega({ sigma, P, tau, confidences: Array(P.rows).fill(c) });
          return blackLittermanPosterior({ sigma, prior, P, Q, omega, tau }).posteriorReturns;
        };
        for (const method of ["he", "idz"] as const) {
          const a = at(p.tau, method);
          const b = at(p.tau / 10, method);
          a.forEach((x, i) => expectClose(x, b[i]!, 1e-12));
        }
      }),
      { numRuns: 50, seed: 12 },
    );
  });

  it("reproduces PyPortfolioOpt's Idzorek tests: identity Σ, prior 0.1, views 0.3 → 0.1 + 0.2·c", () => {
    const n = 5;
    const sigma: SymmetricMatrix = { n, data: Float64Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 1 : 0)) };
    const P: DenseMatrix = { rows: 5, cols: 5, data: sigma.data.slice() };
    const prior = new Float64Array(5).fill(0.1);
    const Q = new Float64Array(5).fill(0.3);
    for (const c of [0.2, 0.4, 0.5, 0.6, 0.8, 1]) {
      const omega = idzorekOmega({ sigma, P, tau: 0.05, confidences: Array(5).fill(c) });
      const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: 0.05 });
      post.posteriorReturns.forEach((r) => expectClose(r, 0.1 + 0.2 * c, 1e-15));
    }
  });

  it("market prior with no views: implied weights give back the market weights (normalised, any δ)", () => {
    fc.assert(
      fc.property(
        problem,
        fc.double({ min: 0.5, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (p, delta, rf) => {
          const { sigma } = setUp(p);
          const w = Float64Array.from({ length: sigma.n }, (_, i) => 1 + Math.abs(p.prior[i]!));
          const total = w.reduce((a, b) => a + b, 0);
          const pi = impliedPriorReturns({ sigma, marketWeights: w, riskAversion: delta, riskFreeRate: rf });
          const { raw, normalised } = blImpliedWeights({ sigma, returns: pi, riskAversion: delta, riskFreeRate: rf });
          raw.forEach((x, i) => expectClose(x, w[i]! / total, 1e-9));
          normalised!.forEach((x, i) => expectClose(x, w[i]! / total, 1e-9));
        },
      ),
      { numRuns: 50, seed: 11 },
    );
  });
});
