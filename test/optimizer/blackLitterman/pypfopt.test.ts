import { expect } from "chai";
import { readFileSync } from "node:fs";
import { heLittermanOmega } from "../../../src/optimizer/blackLitterman/omega.ts";
import { blackLittermanPosterior } from "../../../src/optimizer/blackLitterman/posterior.ts";
import { impliedPriorReturns, marketWeightsFromCaps } from "../../../src/optimizer/blackLitterman/prior.ts";
import { viewsToMatrices } from "../../../src/optimizer/blackLitterman/views.ts";
import { blImpliedWeights } from "../../../src/optimizer/blackLitterman/weights.ts";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";
import { expectClose } from "./close.ts";

// PyPortfolioOpt's own test data (tests/resources/stock_prices.csv, spy_prices.csv) and the values
// its tests/test_black_litterman.py asserts. Σ is PyPortfolioOpt's `sample_cov`: daily simple
// returns, pandas' pairwise-complete covariance × 252 (the estimators module owns the production
// version; this is a reference re-implementation for the test only).
const DATA = new URL("../estimators/fixtures/", import.meta.url).pathname;

function readPrices(file: string): { columns: string[]; rows: (number | null)[][] } {
  const [header, ...lines] = readFileSync(`${DATA}/${file}`, "utf8").trim().split("\n");
  const columns = header!.split(",").slice(1);
  const rows = lines.map((line) =>
    line
      .split(",")
      .slice(1)
      .map((cell) => (cell === "" ? null : Number(cell))),
  );
  return { columns, rows };
}

function simpleReturns(rows: (number | null)[][]): (number | null)[][] {
  return rows.slice(1).map((row, t) =>
    row.map((p, j) => {
      const before = rows[t]![j];
      return p === null || before === null || before === undefined ? null : p / before - 1;
    }),
  );
}

function pairwiseCovariance(returns: (number | null)[][], n: number, frequency: number): SymmetricMatrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const r of returns) {
        if (r[i] !== null && r[j] !== null) {
          xs.push(r[i]!);
          ys.push(r[j]!);
        }
      }
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      let s = 0;
      for (let t = 0; t < xs.length; t++) s += (xs[t]! - mx) * (ys[t]! - my);
      data[i * n + j] = data[j * n + i] = (s / (xs.length - 1)) * frequency;
    }
  }
  return { n, data };
}

function marketImpliedRiskAversion(prices: number[], riskFreeRate: number): number {
  const r = prices.slice(1).map((p, t) => p / prices[t]! - 1);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1);
  return (mean * 252 - riskFreeRate) / (variance * 252);
}

const MCAPS: Record<string, number> = {
  GOOG: 927e9,
  AAPL: 1.19e12,
  FB: 574e9,
  BABA: 533e9,
  AMZN: 867e9,
  GE: 96e9,
  AMD: 43e9,
  WMT: 339e9,
  BAC: 301e9,
  GM: 51e9,
  T: 61e9,
  UAA: 78e9,
  SHLD: 0,
  XOM: 295e9,
  RRC: 1e9,
  BBY: 22e9,
  MA: 288e9,
  PFE: 212e9,
  JPM: 422e9,
  SBUX: 102e9,
};

describe("blackLitterman: PyPortfolioOpt's published test values", () => {
  const stocks = readPrices("stock_prices.csv");
  const assets = stocks.columns;
  const sigma = pairwiseCovariance(simpleReturns(stocks.rows), assets.length, 252);
  const spy = readPrices("spy_prices.csv").rows.map((r) => r[0]!);

  it("market_implied_prior_returns(mcaps, δ, S, risk_free_rate=0.02): π = δΣw + r_f", () => {
    const delta = marketImpliedRiskAversion(spy, 0.02);
    expect(Number(delta.toFixed(5))).to.equal(2.68549); // test_market_risk_aversion
    const pi = impliedPriorReturns({
      sigma,
      marketWeights: marketWeightsFromCaps(MCAPS, assets, "marketCaps"),
      riskAversion: delta,
      riskFreeRate: 0.02,
    });
    // test_market_implied_prior (assert_array_almost_equal: 6 decimals)
    const expected = [
      0.14933293, 0.2168623, 0.11219185, 0.10362374, 0.28416295, 0.12196098, 0.19036819, 0.08860159, 0.17724273,
      0.08779627, 0.0791797, 0.16460474, 0.12854665, 0.08657863, 0.11230036, 0.13875465, 0.15017163, 0.09066484,
      0.1696369, 0.13270213,
    ];
    pi.forEach((x, i) => expectClose(x, expected[i]!, 1.5e-6, assets[i]));
  });

  it("bl_weights with absolute views, no prior, He-Litterman Ω: the published weights to 5 decimals", () => {
    const views = { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 };
    const { P, Q } = viewsToMatrices(
      Object.entries(views).map(([id, q]) => ({ assets: { [id]: 1 }, q })),
      assets,
    );
    const omega = heLittermanOmega({ sigma, P, tau: 0.05 });
    const prior = new Float64Array(assets.length); // pi=None: a zero prior
    const post = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: 0.05 });
    // PyPortfolioOpt's bl_weights: (δΣ)⁻¹π* with the prior Σ, normalised to sum 1.
    const delta = marketImpliedRiskAversion(spy, 0.02);
    const { normalised } = blImpliedWeights({ sigma, returns: post.posteriorReturns, riskAversion: delta });
    const expected: Record<string, number> = { AAPL: 1.40675, BAC: 0.02651, T: 2.81117, BBY: -1.44667, SBUX: -1.79776 };
    assets.forEach((id, i) => expectClose(normalised![i], expected[id] ?? 0, 5e-6, id));
  });
});
