import { expect } from "chai";
import { buildEvidence } from "../../src/backtest/evidence.ts";
import { evidenceSvg } from "../../src/backtest/evidenceSvg.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomPrices } from "../helpers/backtestPrices.ts";

describe("backtest/evidenceSvg", () => {
  const report = buildEvidence(
    {
      current: { objective: "min-variance" },
      proposed: { objective: "min-variance", constraints: { bounds: { upper: 0.3 } } },
      prices: randomPrices(["A", "B", "C", "D"], 250, 6),
      rebalance: "calendar:monthly",
      lookback: 60,
    },
    optimize,
  );
  const svg = evidenceSvg(report);

  it("shows the summary, metrics current → proposed, and both NAV and drawdown curves", () => {
    expect(svg.startsWith("<svg")).to.equal(true);
    expect(svg).to.contain(report.summary.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
    expect(svg).to.contain(`${report.current.metrics.rebalances} → ${report.proposed.metrics.rebalances}`);
    expect(svg.match(/<polyline/g)).to.have.length(4);
    expect(svg).to.not.contain("NaN");
  });
});
