import { expect } from "chai";
import { checkBacktestable, problemAt, WINDOW_FILE } from "../../src/backtest/problemAt.ts";
import type { TargetContext } from "../../src/backtest/types.ts";
import { parsePricesCsv } from "../../src/optimizer/estimators/priceTable.ts";
import { expectInputError } from "../helpers/expect.ts";

const window = {
  dates: ["2024-01-02", "2024-01-03"],
  columns: ["A", "C"],
  rows: [
    [10, 30],
    [11, 29.5],
  ],
};

function context(initial: boolean): TargetContext {
  return { index: 1, date: "2024-01-03", universe: ["A", "C"], window, currentWeights: [0.7, 0.3], nav: 5e6, initial };
}

const problem = {
  objective: "min-variance",
  prices: "ignored.csv",
  constraints: {
    bounds: { lower: [0, 0.1, 0.05], upper: 0.6 },
    groups: [
      { name: "AB", assets: ["A", "B"], upper: 0.5 },
      { name: "B", assets: ["B"], lower: 0.1 },
    ],
    esg: { scores: [1, 2, 3], min: 1.5 },
    turnover: { currentWeights: [0, 0, 0], max: 0.2 },
    liquidity: { currentWeights: [0, 0, 0], nav: 1, adv: [1e6, 2e6, 3e6] },
  },
};

describe("backtest/problemAt", () => {
  it("the universe's entries, the window as prices, the drifted weights and NAV in turnover and liquidity", () => {
    const { problem: p, files } = problemAt(problem, ["A", "B", "C"], context(false));
    expect(p).to.deep.equal({
      objective: "min-variance",
      assets: ["A", "C"],
      prices: WINDOW_FILE,
      constraints: {
        bounds: { lower: [0, 0.05], upper: 0.6 },
        groups: [{ name: "AB", assets: ["A"], upper: 0.5 }],
        esg: { scores: [1, 3], min: 1.5 },
        turnover: { currentWeights: [0.7, 0.3], max: 0.2 },
        liquidity: { currentWeights: [0.7, 0.3], nav: 5e6, adv: [1e6, 3e6] },
      },
    });
    expect(parsePricesCsv(files[WINDOW_FILE] ?? "")).to.deep.equal({ ...window, source: "prices" });
  });

  it("the initial allocation from cash drops the turnover and liquidity limits", () => {
    const { problem: p } = problemAt(problem, ["A", "B", "C"], context(true));
    const constraints = (p as { constraints: Record<string, unknown> }).constraints;
    expect(Object.keys(constraints).sort()).to.deep.equal(["bounds", "esg", "groups"]);
  });

  it("refuses a fixed covariance and a benchmark estimator without --benchmark", () => {
    expectInputError(() => checkBacktestable({ covariance: [[1]] }, false), "BACKTEST_NEEDS_ESTIMATOR", "covariance");
    expectInputError(
      () => checkBacktestable({ benchmarkPrices: "spy.csv" }, false),
      "BENCHMARK_MISSING",
      "--benchmark",
    );
    checkBacktestable({ covariance: { method: "ledoit-wolf" }, benchmarkPrices: "spy.csv" }, true);
  });
});
