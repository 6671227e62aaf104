import { expect } from "chai";
import { runBacktest } from "../../src/backtest/runBacktest.ts";
import { tearsheetSvg } from "../../src/backtest/tearsheet.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomPrices } from "../helpers/backtestPrices.ts";

describe("backtest/tearsheet tearsheetSvg", () => {
  const prices = randomPrices(["A", "B", "C"], 300, 4);
  const benchmark = randomPrices(["SPY"], 300, 8);
  const report = runBacktest(
    { problem: { objective: "min-variance" }, prices, benchmark, rebalance: "calendar:monthly", lookback: 60 },
    optimize,
  );
  const svg = tearsheetSvg(report);

  it("one standalone SVG with the metrics and the four panels", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trim().endsWith("</svg>")).to.equal(true);
    for (const text of ["CAGR", "Sharpe", "max drawdown", "tracking error", "NAV", "Drawdown", "Weights", "Turnover"]) {
      expect(svg).to.contain(text);
    }
  });

  it("draws the NAV and the benchmark, a band per held asset and a bar per rebalance after the first", () => {
    expect(svg.match(/<polyline/g)).to.have.length(3); // NAV, benchmark, drawdown
    expect(svg.match(/<polygon/g)?.length).to.equal(
      report.series.assets.filter((_, j) => report.series.weights.some((w) => (w[j] ?? 0) > 0)).length,
    );
    expect(svg.match(/stroke="#1f77b4"\/>/g)).to.have.length(report.series.rebalances.length - 1);
    expect(svg).to.not.contain("NaN");
  });
});
