import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBacktest } from "../../src/backtest/runBacktest.ts";
import {
  costsCsv,
  navCsv,
  OUTPUT_FILES,
  tradesCsv,
  weightsCsv,
  writeOutputs,
} from "../../src/backtest/writeOutputs.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomPrices } from "../helpers/backtestPrices.ts";

const prices = randomPrices(["A", "B", "C"], 200, 3);
const benchmark = {
  ...randomPrices(["SPY"], 200, 9),
  rows: randomPrices(["SPY"], 200, 9).rows.map((r, t) => (t < 80 ? [null] : r)),
};
const report = runBacktest(
  {
    problem: { objective: "min-variance" },
    prices,
    benchmark,
    rebalance: "calendar:monthly",
    lookback: 60,
    costs: { costBps: 10 },
  },
  optimize,
);

describe("backtest/writeOutputs", () => {
  it("nav.csv: one row per close, the benchmark empty before its first price and scaled to the NAV there", () => {
    const rows = navCsv(report)
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    expect(rows).to.have.length(report.series.dates.length);
    const first = rows.findIndex((r) => r[2] !== "");
    expect(report.series.dates[first]).to.equal(prices.dates[80]);
    expect(Number(rows[first]?.[2])).to.equal(Number(rows[first]?.[1]));
    expect(rows.slice(0, first).every((r) => r[2] === "")).to.equal(true);
  });

  it("weights.csv rows sum to 1; trades.csv notionals sum to each rebalance's traded notional", () => {
    for (const line of weightsCsv(report).trim().split("\n").slice(1)) {
      const sum = line
        .split(",")
        .slice(1)
        .map(Number)
        .reduce((s, w) => s + w, 0);
      expect(Math.abs(sum - 1) < 1e-9).to.equal(true);
    }
    const traded = new Map<string, number>();
    for (const line of tradesCsv(report).trim().split("\n").slice(1)) {
      const [date = "", , , , notional = "0"] = line.split(",");
      traded.set(date, (traded.get(date) ?? 0) + Math.abs(Number(notional)));
    }
    for (const k of report.series.rebalances)
      expect(Math.abs((traded.get(k.date) ?? 0) - k.tradedNotional) < 1e-6).to.equal(true);
    expect(costsCsv(report).trim().split("\n")).to.have.length(report.series.rebalances.length + 1);
  });

  it("writes every file into the directory, backtest.json carrying the report", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "backtest-out-")), "nested");
    const written = writeOutputs(report, dir);
    expect(written).to.deep.equal(OUTPUT_FILES.map((f) => join(dir, f)));
    expect(readdirSync(dir).sort()).to.deep.equal([...OUTPUT_FILES].sort());
    const json = JSON.parse(readFileSync(join(dir, "backtest.json"), "utf8")) as typeof report;
    expect(json.metrics).to.deep.equal(report.metrics);
    expect(json.series.nav).to.deep.equal(report.series.nav);
  });
});
