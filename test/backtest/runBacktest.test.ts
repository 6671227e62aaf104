import { expect } from "chai";
import { runBacktest } from "../../src/backtest/runBacktest.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomPrices } from "../helpers/backtestPrices.ts";
import { expectInputError } from "../helpers/expect.ts";

const prices = randomPrices(["A", "B", "C", "D"], 150, 2);

describe("backtest/runBacktest", () => {
  it("backtests the problem's assets in its order, with the documented defaults", () => {
    const report = runBacktest(
      { problem: { assets: ["C", "A"] }, prices, rebalance: "calendar:monthly", lookback: 40 },
      optimize,
    );
    expect(report.series.assets).to.deep.equal(["C", "A"]);
    expect(report.settings).to.deep.equal({
      rebalance: "calendar:monthly",
      lookback: 40,
      costs: { costBps: 0 },
      initialNav: 1_000_000,
      riskFreeRate: 0,
    });
    expect(report.metrics.totalCosts).to.equal(0);
    expect(report.optimizerMs).to.equal(report.series.rebalances.reduce((s, k) => s + k.optimizerMs, 0));
  });

  it("names an asset the prices lack", () => {
    expectInputError(
      () => runBacktest({ problem: { assets: ["A", "Z"] }, prices, rebalance: "once", lookback: 40 }, optimize),
      "ASSET_NOT_IN_PRICES",
      "assets[1]",
    );
  });
});
