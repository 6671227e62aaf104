import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drawdowns } from "./metrics.ts";
import type { BacktestReport } from "./runBacktest.ts";
import { tearsheetSvg } from "./tearsheet.ts";

/** The files {@link writeOutputs} writes into the output directory. */
export const OUTPUT_FILES = [
  "backtest.json",
  "nav.csv",
  "weights.csv",
  "trades.csv",
  "costs.csv",
  "tearsheet.svg",
] as const;

const num = (x: number): string => String(x);
const csv = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`;

const benchmarkCell = (b: number | null | undefined): string => (b === null || b === undefined ? "" : num(b));

/** `date,nav,benchmark,drawdown`: one row per simulated close (benchmark empty where it has no price). */
export function navCsv(report: BacktestReport): string {
  const { dates, nav, benchmarkNav } = report.series;
  const dd = drawdowns(nav);
  return csv(
    ["date", "nav", "benchmark", "drawdown"],
    dates.map((d, t) => [d, num(nav[t] ?? 0), benchmarkCell(benchmarkNav?.[t]), num(dd[t] ?? 0)]),
  );
}

/** `date,<asset>…`: end-of-day weights (after any trade), fractions of NAV. */
export function weightsCsv(report: BacktestReport): string {
  const { dates, weights, assets } = report.series;
  return csv(
    ["date", ...assets],
    dates.map((d, t) => [d, ...(weights[t] ?? []).map(num)]),
  );
}

/** `date,asset,preWeight,targetWeight,notional`: one row per asset traded; notional signed (+ buy), currency. */
export function tradesCsv(report: BacktestReport): string {
  const rows: string[][] = [];
  for (const k of report.series.rebalances) {
    report.series.assets.forEach((asset, i) => {
      const w0 = k.preWeights[i] ?? 0;
      const w = k.targetWeights[i] ?? 0;
      if (w !== w0) rows.push([k.date, asset, num(w0), num(w), num((w - w0) * k.navBefore)]);
    });
  }
  return csv(["date", "asset", "preWeight", "targetWeight", "notional"], rows);
}

/** One row per rebalance: what fired, turnover, traded notional and the costs (currency). */
export function costsCsv(report: BacktestReport): string {
  return csv(
    ["date", "reasons", "turnover", "tradedNotional", "linearCost", "impactCost", "cost", "navBefore", "navAfter"],
    report.series.rebalances.map((k) => [
      k.date,
      k.reasons.join(" "),
      num(k.turnover),
      num(k.tradedNotional),
      num(k.linearCost),
      num(k.impactCost),
      num(k.cost),
      num(k.navBefore),
      num(k.navAfter),
    ]),
  );
}

/**
 * Writes the report into `dir` (created if absent): `backtest.json` (settings, metrics, daily
 * series and rebalances), the CSVs and `tearsheet.svg`. Returns the paths written.
 *
 * @example
 * ```ts
 * writeOutputs(report, "out/backtest"); // ["out/backtest/backtest.json", …]
 * ```
 */
export function writeOutputs(report: BacktestReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const contents: Record<(typeof OUTPUT_FILES)[number], string> = {
    "backtest.json": `${JSON.stringify(report, null, 2)}\n`,
    "nav.csv": navCsv(report),
    "weights.csv": weightsCsv(report),
    "trades.csv": tradesCsv(report),
    "costs.csv": costsCsv(report),
    "tearsheet.svg": tearsheetSvg(report),
  };
  return OUTPUT_FILES.map((name) => {
    const path = join(dir, name);
    writeFileSync(path, contents[name]);
    return path;
  });
}
