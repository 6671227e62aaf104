import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import { Command } from "commander";
import { InputError } from "../../errors.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { parseCostModel } from "../../backtest/costs.ts";
import type { BacktestMetrics } from "../../backtest/metrics.ts";
import { runBacktest, type BacktestReport } from "../../backtest/runBacktest.ts";
import type { OptimizeFn } from "../../backtest/target.ts";
import { writeOutputs } from "../../backtest/writeOutputs.ts";
import { parsePricesCsv, type PriceTable } from "../../optimizer/estimators/priceTable.ts";
import { optimize } from "../../optimizer/optimize.ts";
import { importBundle, readBundle } from "../../protocol/bundle.ts";
import { sha256Hex } from "../../protocol/inputs.ts";

interface BacktestOptions {
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function readPrices(path: string, option: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError("FILE_UNREADABLE", `cannot read ${path}: ${(error as Error).message}`, option);
  }
  return parsePricesCsv(text, path);
}

function numberOption(text: string, option: string, check: (v: number) => boolean, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
    throw new InputError("OPTION_INVALID", `must be ${what}, got "${text}"`, option);
  }
  return value;
}

function dateOption(text: string | undefined, option: string): string | undefined {
  if (text !== undefined && (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text)))) {
    throw new InputError("DATE_INVALID", `must be a date YYYY-MM-DD, got "${text}"`, option);
  }
  return text;
}

/** The pinned bundle's `optimize`, imported from exactly the bytes hashed, or the in-repo one. */
async function optimizerOf(bundle: string | undefined): Promise<OptimizeFn> {
  if (bundle === undefined) return optimize;
  const bytes = await readBundle(bundle);
  const module = await importBundle(bytes, sha256Hex(bytes), join(tmpdir(), "portfolio-backtest-bundles"));
  return (problem, options) => module.optimize(problem, options);
}

const pct = (v: number | null): string => (v === null ? "-" : `${(v * 100).toFixed(2)}%`);
const ratio = (v: number | null): string => (v === null ? "-" : v.toFixed(3));

/** The metrics table a person reads; `--json` prints the same numbers. */
export function metricsTable(m: BacktestMetrics): string {
  const table = new Table({ head: ["metric", "value"] });
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

/** `portfolio backtest`: a walk-forward backtest of a problem under a rebalancing policy (docs/backtest.md). */
export function backtestCommand(): Command {
  return new Command("backtest")
    .description("walk-forward backtest of a problem under a rebalancing policy, with costs (docs/backtest.md)")
    .requiredOption("--in <file>", "problem JSON (docs/problem-format.md); its prices are replaced by each window")
    .requiredOption("--prices <file>", "daily closes CSV: first column the date, one column per asset")
    .option("--benchmark <file>", "one-column closes CSV for tracking error, beta and the equity chart")
    .requiredOption(
      "--rebalance <policy>",
      "once | calendar:monthly|weekly|quarterly|<cron> | drift:<x> | vol:<x>, joined by +",
    )
    .option("--from <date>", "first simulated close (YYYY-MM-DD); default the first with a full window")
    .option("--to <date>", "last simulated close (YYYY-MM-DD); default the last price row")
    .option("--lookback <rows>", "price rows per estimation window, ending on the rebalance date", "252")
    .option("--cost-bps <bps>", "linear cost per unit of traded notional, basis points (overrides --costs)")
    .option("--costs <file>", "cost model JSON {costBps, impact: {coefficient, adv}}")
    .option("--nav <amount>", "initial NAV, currency (scales the impact term)", "1000000")
    .option("--risk-free <rate>", "annualised risk-free rate for Sharpe and Sortino", "0")
    .option("--bundle <file>", "use the pinned optimiser bundle (dist/optimizer.mjs) instead of the in-repo optimiser")
    .option("--out <dir>", "write backtest.json, nav/weights/trades/costs CSVs and tearsheet.svg here")
    .option("--json", "print the settings, metrics and rebalances as JSON (the default)")
    .option("--table", "print the metrics table for people instead of JSON")
    .addHelpText(
      "after",
      `
Trades execute at the rebalance date's close; only the --lookback rows up to and including it feed
the estimators. Exit 2 on bad input (naming the option), 3 when a rebalance date is infeasible.

Examples:
  $ portfolio backtest --in docs/examples/backtest/min-variance.json \\
      --prices test/optimizer/estimators/fixtures/stock_prices.csv \\
      --benchmark test/optimizer/estimators/fixtures/spy_prices.csv \\
      --rebalance calendar:monthly --cost-bps 10 --out out/backtest --table
  $ portfolio backtest --in docs/examples/prices/markowitz.json --prices docs/examples/prices/prices.csv \\
      --rebalance "calendar:0 0 * * 1+drift:0.05" --lookback 126 --json`,
    )
    .action(async (opts: BacktestOptions) => {
      const problem = readJsonFile(opts.in, { field: "--in", invalidCode: "PROBLEM_JSON_INVALID" });
      const prices = readPrices(opts.prices, "--prices");
      const benchmark = opts.benchmark === undefined ? undefined : readPrices(opts.benchmark, "--benchmark");
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
        await optimizerOf(opts.bundle),
        progressBar(),
      );
      const outputs = opts.out === undefined ? [] : writeOutputs(report, opts.out);
      if (opts.table) process.stdout.write(metricsTable(report.metrics));
      else process.stdout.write(`${JSON.stringify(summary(report, outputs), null, 2)}\n`);
    });
}
