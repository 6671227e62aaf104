// HRP against PyPortfolioOpt's own test suite (tests/test_hrp.py and tests/resources/weights_hrp.csv,
// PyPortfolioOpt 1.5), on the same stock_prices.csv: weights, leaf order, a cluster variance, the
// portfolio's performance, and the covariance-only path on Ledoit-Wolf shrinkage.
import { expect } from "chai";
import { columnsOf } from "../../../src/optimizer/estimators/kernels.ts";
import { estimateCovariance } from "../../../src/optimizer/estimators/covariance.ts";
import { pairwiseCovariance } from "../../../src/optimizer/estimators/kernels.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { returnsFromPrices } from "../../../src/optimizer/estimators/returns.ts";
import {
  clusterVariance,
  correlationFromCovariance,
  hierarchicalRiskParity,
  pairwiseCorrelation,
} from "../../../src/optimizer/hrp/index.ts";
import { expectNear } from "../../helpers/expect.ts";
import { readData } from "../estimators/reference.ts";

/** tests/resources/weights_hrp.csv. */
const WEIGHTS_HRP: Record<string, number> = {
  AAPL: 0.022258941278778387,
  AMD: 0.022294021796692116,
  AMZN: 0.016086842079874982,
  BABA: 0.07963382071794088,
  BAC: 0.014409222455552267,
  BBY: 0.03406419438245041,
  FB: 0.06272994714663536,
  GE: 0.05519063444162851,
  GM: 0.055576660241857236,
  GOOG: 0.04956008428992926,
  JPM: 0.017675709092515715,
  MA: 0.038127373497320226,
  PFE: 0.07786528342813452,
  RRC: 0.03161528695094598,
  SBUX: 0.039844436656239136,
  SHLD: 0.027113184241298872,
  T: 0.11138956508836473,
  UAA: 0.027115909570750083,
  WMT: 0.10569551148587902,
  XOM: 0.11175337115721229,
};

function dailyInputs(): { columns: readonly string[]; cov: Float64Array; corr: Float64Array; mean: number[] } {
  const returns = returnsFromPrices(parsePricesCsv(readData("stock_prices.csv")));
  const cols = columnsOf(returns);
  const mean = cols.map((c) => {
    const v = [...c].filter((x) => !Number.isNaN(x));
    return v.reduce((s, x) => s + x, 0) / v.length;
  });
  return { columns: returns.columns, cov: pairwiseCovariance(cols, returns.t), corr: pairwiseCorrelation(cols), mean };
}

describe("optimizer/hrp: PyPortfolioOpt HRPOpt reference", () => {
  const { columns, cov, corr, mean } = dailyInputs();
  const n = columns.length;
  // PyPortfolioOpt halves the leaf order; the default splits at tree nodes (docs/hrp.md).
  const result = hierarchicalRiskParity({ n, covariance: cov, correlation: corr, split: "halves" });

  it("gives weights_hrp.csv's weights", () => {
    for (const [j, name] of columns.entries()) expectNear(result.weights[j]!, WEIGHTS_HRP[name]!, 1e-12);
    expectNear(
      result.weights.reduce((s, w) => s + w, 0),
      1,
      1e-14,
    );
  });

  it("orders the leaves as test_quasi_dag", () => {
    expect(result.order.slice(0, 5)).to.deep.equal([12, 6, 15, 14, 2]);
  });

  it("computes test_cluster_var's variance", () => {
    const tickers = ["SHLD", "AMD", "BBY", "RRC", "FB", "WMT", "T", "BABA", "PFE", "UAA"];
    expectNear(
      clusterVariance(
        cov,
        n,
        tickers.map((t) => columns.indexOf(t)),
      ),
      0.00012842967106653283,
      1e-17,
    );
  });

  it("gives test_portfolio_performance's return, volatility and Sharpe ratio", () => {
    const w = result.weights;
    const ret = w.reduce((s, wi, i) => s + wi * mean[i]! * 252, 0);
    let variance = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) variance += w[i]! * w[j]! * cov[i * n + j]! * 252;
    const vol = Math.sqrt(variance);
    expectNear(ret, 0.21353402380950973, 1e-12);
    expectNear(vol, 0.17844159743748936, 1e-12);
    expectNear((ret - 0.02) / vol, 1.084579081272277, 1e-11);
  });

  it("takes a covariance alone (test_pass_cov_matrix, Ledoit-Wolf)", () => {
    const s = estimateCovariance(
      parsePricesCsv(readData("stock_prices.csv")),
      { method: "ledoit-wolf" },
      { frequency: 252 },
    );
    const m = s.matrix.data;
    const r = hierarchicalRiskParity({
      n,
      covariance: m,
      correlation: correlationFromCovariance(m, n),
      split: "halves",
    });
    let variance = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) variance += r.weights[i]! * r.weights[j]! * m[i * n + j]!;
    expectNear(Math.sqrt(variance), 0.10002783894982334, 1e-12);
  });
});
