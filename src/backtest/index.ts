/**
 * The backtester's public API (`dao-portfolio/backtest`): walk a problem forward over daily closes
 * under the keeper's rebalancing triggers, with costs (docs/backtest.md).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { optimize, parsePricesCsv } from "dao-portfolio";
 * import { runBacktest } from "dao-portfolio/backtest";
 *
 * const prices = parsePricesCsv(readFileSync("prices.csv", "utf8"), "prices.csv");
 * const report = runBacktest(
 *   { problem: { objective: "min-variance" }, prices, rebalance: "calendar:monthly", costs: { costBps: 10 } },
 *   optimize,
 * );
 * report.metrics.sharpe;
 * ```
 * @packageDocumentation
 */
export { runBacktest, type BacktestInputs, type BacktestReport } from "./runBacktest.ts";
export { simulate, type SimulateOptions } from "./simulate.ts";
export type { BacktestSeries, CostModel, RebalancePolicy, RebalanceRecord, TargetContext, TargetFn } from "./types.ts";
