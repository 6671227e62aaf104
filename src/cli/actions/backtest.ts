// `portfolio backtest`'s implementation, loaded only when the command runs (src/cli/main.ts).
import cliProgress from "cli-progress";
import Table from "cli-table3";
import { InputError } from "../../errors.ts";
import { dateOption, optimizerOf, readPricesOption } from "../backtestInputs.ts";
import { tableStyle, useColour } from "../output.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { parseCostModel } from "../../backtest/costs.ts";
import type { BacktestMetrics } from "../../backtest/metrics.ts";
import { runBacktest, type BacktestReport } from "../../backtest/runBacktest.ts";
import { writeOutputs } from "../../backtest/writeOutputs.ts";

/** The options `portfolio backtest` parses (src/cli/commands/backtest.ts). */
export interface BacktestOptions {
  in: string;
  prices: string;
  benchmark?: string;
  rebalance: string;
  from?: string;
  to?: string;
  lookback: string;
  costBps?: string;
  costs?: string;
  nav: string;
  riskFree: string;
  bundle?: string;
  out?: string;
  json?: boolean;
  table?: boolean;
}

function numberOption(text: string, option: string, check: (v: number) => boolean, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
    throw new InputError("OPTION_INVALID", `must be ${what}, got "${text}"`, option);
  }
  return value;
}

const pct = (v: number | null): string => (v === null ? "-" : `${(v * 100).toFixed(2)}%`);
const ratio = (v: number | null): string => (v === null ? "-" : v.toFixed(3));

/** The metrics table a person reads; `--json` prints the same numbers. */
export function metricsTable(m: BacktestMetrics, colour: boolean): string {
  const table = new Table({ head: ["metric", "value"], style: tableStyle(colour) });
  table.push(
    ["period", `${m.startDate} – ${m.endDate} (${m.years.toFixed(2)} years)`],
    ["CAGR", pct(m.cagr)],
    ["volatility", pct(m.volatility)],
    [`Sharpe (rf ${pct(m.riskFreeRate)})`, ratio(m.sharpe)],
    ["Sortino", ratio(m.sortino)],
    ["max drawdown", pct(m.maxDrawdown)],
    ["tracking error", pct(m.trackingError)],
    ["beta", ratio(m.beta)],
    ["benchmark CAGR", pct(m.benchmarkCagr)],
    ["rebalances", String(m.rebalances)],
    ["turnover (total, Σ|Δw|)", ratio(m.totalTurnover)],
    ["turnover per year", pct(m.annualTurnover)],
    ["total costs", m.totalCosts.toFixed(2)],
    ["cost drag (Σ cost / NAV at trade)", `${pct(m.costDrag)} (${pct(m.annualCostDrag)} per year)`],
    ["final NAV", m.finalNav.toFixed(2)],
  );
  return `${table.toString()}\n`;
}

/** What stdout gets with `--json`: everything but the daily series (those go to `--out`). */
function summary(report: BacktestReport, outputs: string[]): unknown {
  return {
    settings: report.settings,
    metrics: report.metrics,
    rebalances: report.series.rebalances.map(({ preWeights: _pre, targetWeights: _target, ...k }) => k),
    optimizerMs: report.optimizerMs,
    outputs,
  };
}

function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  return (done, total) => {
    if (bar === undefined) {
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: "backtest [{bar}] {value}/{total} days" },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    if (done % 64 === 0 || done === total) bar.update(done);
    if (done === total) bar.stop();
  };
}

/**
 * Runs `portfolio backtest` with parsed options: reads the problem and prices, runs the walk-forward
 * simulation, writes the outputs and prints the metrics.
 *
 * @example
 * ```ts
 * await runBacktestCommand({ in: "p.json", prices: "prices.csv", rebalance: "calendar:monthly", lookback: "252", nav: "1000000", riskFree: "0" });
 * ```
 */
export async function runBacktestCommand(opts: BacktestOptions): Promise<void> {
  const problem = readJsonFile(opts.in, { field: "--in", invalidCode: "PROBLEM_JSON_INVALID" });
  const prices = readPricesOption(opts.prices, "--prices");
  const benchmark = opts.benchmark === undefined ? undefined : readPricesOption(opts.benchmark, "--benchmark");
  if (benchmark !== undefined && benchmark.columns.length !== 1) {
    throw new InputError(
      "BENCHMARK_COLUMNS",
      `must have one price column, has ${benchmark.columns.length}`,
      "--benchmark",
    );
  }
  const assets = Array.isArray((problem as { assets?: unknown }).assets)
    ? (problem as { assets: string[] }).assets
    : prices.columns;
  const rawCosts: Record<string, unknown> =
    opts.costs === undefined
      ? {}
      : { ...(readJsonFile(opts.costs, { field: "--costs", invalidCode: "COSTS_JSON_INVALID" }) as object) };
  if (opts.costBps !== undefined)
    rawCosts.costBps = numberOption(opts.costBps, "--cost-bps", (v) => v >= 0, "a number ≥ 0");
  const report = runBacktest(
    {
      problem,
      prices,
      ...(benchmark === undefined ? {} : { benchmark }),
      rebalance: opts.rebalance,
      lookback: numberOption(opts.lookback, "--lookback", Number.isInteger, "an integer number of rows"),
      ...(dateOption(opts.from, "--from") === undefined ? {} : { from: opts.from }),
      ...(dateOption(opts.to, "--to") === undefined ? {} : { to: opts.to }),
      costs: parseCostModel(rawCosts, assets),
      initialNav: numberOption(opts.nav, "--nav", (v) => v > 0, "a positive amount"),
      riskFreeRate: numberOption(opts.riskFree, "--risk-free", () => true, "a number"),
    },
    await optimizerOf(opts.bundle, "portfolio-backtest-bundles"),
    progressBar(),
  );
  const outputs = opts.out === undefined ? [] : writeOutputs(report, opts.out);
  if (opts.table) process.stdout.write(metricsTable(report.metrics, useColour(process.stdout)));
  else process.stdout.write(`${JSON.stringify(summary(report, outputs), null, 2)}\n`);
}
