import { expect } from "chai";
import { heLittermanOmega } from "../../../src/optimizer/blackLitterman/omega.ts";
import { blackLittermanPosterior } from "../../../src/optimizer/blackLitterman/posterior.ts";
import { impliedPriorReturns } from "../../../src/optimizer/blackLitterman/prior.ts";
import type { DenseMatrix } from "../../../src/optimizer/blackLitterman/types.ts";
import { blImpliedWeights } from "../../../src/optimizer/blackLitterman/weights.ts";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { expectClose } from "./close.ts";

// He, G. & Litterman, R. (1999), "The Intuition Behind Black-Litterman Model Portfolios", Goldman
// Sachs Investment Management Research. Table 1 (correlations), Table 2 (volatilities, market-cap
// weights, equilibrium returns), δ = 2.5, τ = 0.05. The inputs are those embedded in other
// libraries' replications of the paper (e.g. mlfinlab's VanillaBlackLitterman documentation, which
// prints π = [3.9, 6.9, 8.4, 9.0, 4.3, 6.8, 7.6] and posterior [4.3, 7.6, 9.3, 11.0, 4.5, 7.0, 8.1]).
const COUNTRIES = ["Australia", "Canada", "France", "Germany", "Japan", "UK", "USA"];
const CORRELATION = [
  [1.0, 0.488, 0.478, 0.515, 0.439, 0.512, 0.491],
  [0.488, 1.0, 0.664, 0.655, 0.31, 0.608, 0.779],
  [0.478, 0.664, 1.0, 0.861, 0.355, 0.783, 0.668],
  [0.515, 0.655, 0.861, 1.0, 0.354, 0.777, 0.653],
  [0.439, 0.31, 0.355, 0.354, 1.0, 0.405, 0.306],
  [0.512, 0.608, 0.783, 0.777, 0.405, 1.0, 0.652],
  [0.491, 0.779, 0.668, 0.653, 0.306, 0.652, 1.0],
];
const VOLATILITY = [0.16, 0.203, 0.248, 0.271, 0.21, 0.2, 0.187];
const MARKET_WEIGHTS = new Float64Array([0.016, 0.022, 0.052, 0.055, 0.116, 0.124, 0.615]);
const DELTA = 2.5;
const TAU = 0.05;

const n = COUNTRIES.length;
const sigma: SymmetricMatrix = {
  n,
  data: Float64Array.from({ length: n * n }, (_, idx) => {
    const i = Math.floor(idx / n);
    const j = idx % n;
    return CORRELATION[i]![j]! * VOLATILITY[i]! * VOLATILITY[j]!;
  }),
};
// View 1: Germany outperforms the rest of Europe (France and UK, market-cap weighted) by 5 %.
const GERMANY_VS_EUROPE = [0, 0, -0.295, 1, 0, -0.705, 0];
// View 2: Canada outperforms the US by 3 %.
const CANADA_VS_USA = [0, 1, 0, 0, 0, 0, -1];

/** Rounds to the paper's printed precision: percent with one decimal. */
const pct = (v: Float64Array): number[] => Array.from(v, (x) => Number((100 * x).toFixed(1)) + 0);

describe("blackLitterman: He & Litterman (1999) seven-country example", () => {
  const pi = impliedPriorReturns({ sigma, marketWeights: MARKET_WEIGHTS, riskAversion: DELTA });

  it("reproduces the equilibrium returns of Table 2", () => {
    expect(pct(pi)).to.deep.equal([3.9, 6.9, 8.4, 9.0, 4.3, 6.8, 7.6]);
  });

  it("reproduces Table 4: one view, posterior returns, ω/τ, optimal weights and their deviation", () => {
    const P: DenseMatrix = { rows: 1, cols: n, data: Float64Array.from(GERMANY_VS_EUROPE) };
    const omega = heLittermanOmega({ sigma, P, tau: TAU });
    expect(Number((omega[0]! / TAU).toFixed(3))).to.equal(0.021);
    const post = blackLittermanPosterior({ sigma, prior: pi, P, Q: new Float64Array([0.05]), omega, tau: TAU });
    expect(pct(post.posteriorReturns)).to.deep.equal([4.3, 7.6, 9.3, 11.0, 4.5, 7.0, 8.1]);
    // He & Litterman's w* uses the posterior covariance and is not normalised.
    const { raw } = blImpliedWeights({
      sigma: post.posteriorCovariance,
      returns: post.posteriorReturns,
      riskAversion: DELTA,
    });
    expect(pct(raw)).to.deep.equal([1.5, 2.1, -3.9, 35.4, 11.0, -9.5, 58.6]);
    const deviation = raw.map((w, i) => w - MARKET_WEIGHTS[i]! / (1 + TAU));
    expect(pct(deviation)).to.deep.equal([0, 0, -8.9, 30.2, 0, -21.3, 0]);
  });

  it("reproduces Table 5/6: two views (Canada outperforms the US by 3 %), with the paper's ω/τ = 0.021, 0.017", () => {
    const P: DenseMatrix = { rows: 2, cols: n, data: Float64Array.from([...GERMANY_VS_EUROPE, ...CANADA_VS_USA]) };
    const omega = heLittermanOmega({ sigma, P, tau: TAU });
    expect([omega[0]! / TAU, omega[3]! / TAU].map((x) => Number(x.toFixed(3)))).to.deep.equal([0.021, 0.017]);
    const Q = new Float64Array([0.05, 0.03]);
    const post = blackLittermanPosterior({ sigma, prior: pi, P, Q, omega, tau: TAU });
    // Regression at the paper's precision (computed here, not transcribed).
    expect(pct(post.posteriorReturns)).to.deep.equal([4.4, 8.7, 9.5, 11.2, 4.6, 7.0, 7.5]);
    // With Ω rounded as printed (0.021τ, 0.017τ), the weights agree to 1e-8 with an independent
    // Python replication of the two-view example (a public finance library's test suite).
    const printed = new Float64Array([0.021 * TAU, 0, 0, 0.017 * TAU]);
    const post2 = blackLittermanPosterior({ sigma, prior: pi, P, Q, omega: printed, tau: TAU });
    const { raw } = blImpliedWeights({
      sigma: post2.posteriorCovariance,
      returns: post2.posteriorReturns,
      riskAversion: DELTA,
    });
    const expected = [0.0152381, 0.41893107, -0.03471219, 0.33792671, 0.11047619, -0.08321452, 0.1877356];
    raw.forEach((w, i) => expectClose(w, expected[i]!, 1e-8));
    expect(pct(raw)).to.deep.equal([1.5, 41.9, -3.5, 33.8, 11.0, -8.3, 18.8]);
  });

  it("keeps assets outside every view at their scaled market weight w_eq/(1+τ) (He & Litterman's key property)", () => {
    const P: DenseMatrix = { rows: 1, cols: n, data: Float64Array.from(GERMANY_VS_EUROPE) };
    const omega = heLittermanOmega({ sigma, P, tau: TAU });
    const post = blackLittermanPosterior({ sigma, prior: pi, P, Q: new Float64Array([0.05]), omega, tau: TAU });
    const { raw } = blImpliedWeights({
      sigma: post.posteriorCovariance,
      returns: post.posteriorReturns,
      riskAversion: DELTA,
    });
    for (const i of [0, 1, 4, 6]) expectClose(raw[i], MARKET_WEIGHTS[i]! / (1 + TAU), 1e-12);
  });
});
