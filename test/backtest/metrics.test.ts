import { expect } from "chai";
import { computeMetrics, drawdowns } from "../../src/backtest/metrics.ts";
import type { BacktestSeries, RebalanceRecord } from "../../src/backtest/types.ts";
import { expectNear } from "../helpers/expect.ts";

function record(date: string, navBefore: number, turnover: number, cost: number): RebalanceRecord {
  return {
    date,
    reasons: [],
    preWeights: [],
    targetWeights: [],
    turnover,
    tradedNotional: turnover * navBefore,
    linearCost: cost,
    impactCost: 0,
    cost,
    navBefore,
    navAfter: navBefore - cost,
    optimizerMs: 0,
  };
}

// r = [+10 %, −10 %, +10 %]; benchmark r_b = [+5 %, −1/21, +10 %].
const series: BacktestSeries = {
  assets: ["A"],
  dates: ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
  nav: [100, 110, 99, 108.9],
  benchmarkNav: [100, 105, 100, 110],
  weights: [[1], [1], [1], [1]],
  rebalances: [record("2024-01-01", 100, 1, 0), record("2024-01-03", 99, 0.2, 0.5)],
};

describe("backtest/metrics computeMetrics", () => {
  const m = computeMetrics(series, 0);

  it("CAGR, volatility, Sharpe and Sortino by hand on a three-day series", () => {
    // mean r = 1/30; sample variance (4 + 16 + 4)/900/2 = 1/75; downside mean square 0.01/3 (one −10 % day).
    expectNear(m.cagr, 1.089 ** 84 - 1, 1e-9);
    expectNear(m.volatility, Math.sqrt(252 / 75), 1e-12);
    expectNear(m.sharpe ?? 0, 8.4 / Math.sqrt(3.36), 1e-12);
    expectNear(m.sortino ?? 0, 8.4 / Math.sqrt(0.84), 1e-12);
    expectNear(m.totalReturn, 0.089, 1e-12);
    expect(m.days).to.equal(3);
  });

  it("the risk-free rate lowers every daily return by rf/252", () => {
    const withRf = computeMetrics(series, 0.0252);
    expectNear(withRf.sharpe ?? 0, (8.4 - 0.0252) / Math.sqrt(3.36), 1e-12);
    // Excess returns 0.0999, −0.1001, 0.0999: downside mean square 0.1001²/3.
    expectNear(withRf.sortino ?? 0, (8.4 - 0.0252) / (Math.sqrt(0.1001 ** 2 / 3) * Math.sqrt(252)), 1e-12);
  });

  it("max drawdown 1 − 99/110, tracking error and beta against the benchmark", () => {
    expectNear(m.maxDrawdown, 0.1, 1e-12);
    expect(drawdowns(series.nav).map((d) => Number(d.toFixed(12)))).to.deep.equal([0, 0, 0.1, 0.01]);
    // r − r_b = [0.05, −0.1 + 1/21, 0]; sample std × √252.
    const [d0, d1, d2] = [0.05, -0.1 + 1 / 21, 0];
    const md = (d0 + d1 + d2) / 3;
    const te = Math.sqrt(((d0 - md) ** 2 + (d1 - md) ** 2 + (d2 - md) ** 2) / 2) * Math.sqrt(252);
    expectNear(m.trackingError ?? 0, te, 1e-12);
    expectNear(m.trackingError ?? 0, 0.8126968625977279, 1e-12); // numpy: np.std(d, ddof=1)·√252
    expectNear(m.beta ?? 0, 1.4502179014415009, 1e-12); // numpy: np.cov(r, r_b)[0,1] / np.var(r_b, ddof=1)
    expectNear(m.benchmarkCagr ?? 0, 1.1 ** 84 - 1, 1e-6);
  });

  it("turnover and costs: totals, the yearly rate without the initial allocation, the NAV drag", () => {
    expectNear(m.totalTurnover, 1.2, 1e-12);
    expectNear(m.annualTurnover, 0.2 / (3 / 252), 1e-9);
    expectNear(m.totalCosts, 0.5, 0);
    expectNear(m.costDrag, 0.5 / 99, 1e-15);
    expect(m.rebalances).to.equal(2);
  });

  it("no benchmark: tracking error and beta are null", () => {
    const alone = computeMetrics({ ...series, benchmarkNav: null }, 0);
    expect([alone.trackingError, alone.beta, alone.benchmarkCagr]).to.deep.equal([null, null, null]);
  });
});
