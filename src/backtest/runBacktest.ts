import { InputError } from "../errors.ts";
import { selectAssets, type PriceTable } from "../optimizer/estimators/priceTable.ts";
import { computeMetrics, type BacktestMetrics } from "./metrics.ts";
import { parsePolicy } from "./policy.ts";
import { checkBacktestable } from "./problemAt.ts";
import { simulate } from "./simulate.ts";
import { optimizerTarget, type OptimizeFn } from "./target.ts";
import type { BacktestSeries, CostModel } from "./types.ts";

/** Everything a backtest depends on besides the optimiser code: rerunning it gives the same report. */
export interface BacktestInputs {
  /** The problem (docs/problem-format.md); its `prices` are replaced by each window. */
  readonly problem: unknown;
  readonly prices: PriceTable;
  readonly benchmark?: PriceTable;
  /** `--rebalance`, e.g. `calendar:monthly+drift:0.05`. */
  readonly rebalance: string;
  /** Price rows per estimation window (default 252). */
  readonly lookback?: number;
  readonly from?: string;
  readonly to?: string;
  readonly costs?: CostModel;
  /** Currency (default 1 000 000). */
  readonly initialNav?: number;
  /** Annualised, for Sharpe and Sortino (default 0). */
  readonly riskFreeRate?: number;
}

/** A finished backtest: its settings, the statistics, and the daily series behind them. */
export interface BacktestReport {
  readonly settings: {
    readonly rebalance: string;
    readonly lookback: number;
    readonly costs: CostModel;
    readonly initialNav: number;
    readonly riskFreeRate: number;
  };
  readonly metrics: BacktestMetrics;
  readonly series: BacktestSeries;
  /** Σ of the optimiser calls' wall time, ms (the rest is the simulation). */
  readonly optimizerMs: number;
}

/** The problem's assets in its order: `assets`, else every price column. */
function assetsOf(problem: unknown, prices: PriceTable): readonly string[] {
  const listed = (problem as { assets?: unknown }).assets;
  if (listed === undefined) return prices.columns;
  if (!Array.isArray(listed) || listed.some((a) => typeof a !== "string")) {
    throw new InputError("FIELD_INVALID", "must be an array of asset names", "assets");
  }
  return listed as string[];
}

/**
 * Runs the walk-forward backtest of a problem under a rebalancing policy with `optimizeFn` (the
 * in-repo `optimize()` or the pinned bundle's) and computes its metrics.
 *
 * @example
 * ```ts
 * const report = runBacktest({ problem: { objective: "min-variance" }, prices, rebalance: "calendar:monthly" }, optimize);
 * report.metrics.sharpe;
 * ```
 */
export function runBacktest(
  inputs: BacktestInputs,
  optimizeFn: OptimizeFn,
  onProgress?: (done: number, total: number) => void,
): BacktestReport {
  checkBacktestable(inputs.problem, inputs.benchmark !== undefined);
  const policy = parsePolicy(inputs.rebalance);
  const assets = assetsOf(inputs.problem, inputs.prices);
  const prices = selectAssets(inputs.prices, assets, "assets");
  const lookback = inputs.lookback ?? 252;
  const costs = inputs.costs ?? { costBps: 0 };
  const initialNav = inputs.initialNav ?? 1_000_000;
  const riskFreeRate = inputs.riskFreeRate ?? 0;
  const series = simulate({
    prices,
    ...(inputs.benchmark === undefined ? {} : { benchmark: inputs.benchmark }),
    policy,
    target: optimizerTarget(inputs.problem, assets, optimizeFn),
    lookback,
    ...(inputs.from === undefined ? {} : { from: inputs.from }),
    ...(inputs.to === undefined ? {} : { to: inputs.to }),
    costs,
    initialNav,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  return {
    settings: { rebalance: policy.text, lookback, costs, initialNav, riskFreeRate },
    metrics: computeMetrics(series, riskFreeRate),
    series,
    optimizerMs: series.rebalances.reduce((s, k) => s + k.optimizerMs, 0),
  };
}
