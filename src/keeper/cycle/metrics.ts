// The PortfolioMetrics record of one keeper cycle (published by src/keeper/cyclePublish.ts).
import { buildPortfolioMetrics, type PortfolioMetricsInput } from "../../analytics/buildPortfolioMetrics.ts";
import type { FrontierMetrics, PortfolioMetrics } from "../../bus/portfolioMetrics.ts";
import type { AssetGroup } from "../../analytics/weightMetrics.ts";
import type { LegExecution, SettlementTimes } from "../../analytics/executionMetrics.ts";
import { parsePricesCsv, type PriceTable } from "../../optimizer/estimators/priceTable.ts";
import { modelCovarianceMatrix, type OptimizerModel } from "../../optimizer/model.ts";
import { parseProblem } from "../../optimizer/problem.ts";
import { alignBenchmark } from "./benchmark.ts";
import { INPUT_FILES } from "../../protocol/inputs.ts";
import { cycleFrontier } from "./frontier.ts";
import type { CycleReport } from "./types.ts";
import { portfolioRiskMeasures } from "../triggers/riskMeasures.ts";

/** What a settled cycle executed: each leg's fill against the oracle, when it settled, and the weights after. */
export interface CycleExecution {
  readonly legs: readonly (LegExecution & { readonly tokenIn: string; readonly tokenOut: string })[];
  readonly settlement: SettlementTimes & { readonly instructionId: string };
  /**
   * Weights right after the settlement (fractions, vault order): the balances the settlement
   * recorded in `SettlementFinalized.holdings`, at the cycle's oracle prices.
   */
  readonly postTradeWeights: readonly number[];
}

/** Everything {@link cycleMetrics} reads. */
export interface CycleMetricsInputs {
  readonly report: CycleReport;
  /** Pre-trade weights, fractions in `report.assets` order (held after the cycle unless it settled). */
  readonly currentWeights: readonly number[];
  /** The market-data CSV text the cycle hashed. */
  readonly marketData: string;
  /** The cycle's problem (as stored in `problem.json`): its groups label sectors. */
  readonly problem: Readonly<Record<string, unknown>>;
  /**
   * The model the pinned bundle optimised with (μ, Σ, frontier): the source of the risk
   * contributions and the frontier; null (with the reason) publishes both as unavailable.
   */
  readonly model: OptimizerModel | null;
  readonly modelUnavailable?: string | undefined;
  /** The benchmark price table, or why there is none (published under `unavailable`). */
  readonly benchmark: PriceTable | { readonly unavailable: string };
  readonly execution?: CycleExecution | undefined;
  /** Optimisation wall times, ms, for the p95. */
  readonly runtimesMs: Float64Array;
  readonly at: Date;
  /** Frontier points the bundle was asked for (default 20); 0 leaves the frontier out. */
  readonly frontierPoints?: number;
}

/** Window of the return metrics: the last year of daily returns. */
const WINDOW = 252;

/**
 * The metrics of the weights the portfolio holds after the cycle — the executed weights after a
 * settlement, the pre-trade weights otherwise: volatility, Sharpe, Sortino and max drawdown over the
 * last 252 returns of the price file at fixed weights; tracking error and beta against the benchmark
 * on the dates both have a return (`null`, with the reason under `unavailable`, without one); risk
 * contributions on the model's Σ (the covariance the pinned bundle chose the weights with, never a
 * re-estimate), by asset and by the problem's `constraints.groups`; drift against the new targets;
 * the optimiser's p95 runtime and iterations; the bundle's efficient frontier with the held and
 * target portfolios on its model (`null`, with the reason, when it has none); and for a
 * settled cycle each leg's slippage, the settlement latency and `postTrade` (the executed weights
 * against the targets, which the post-trade drift alert reads).
 *
 * @example
 * ```ts
 * const metrics = cycleMetrics({ report, currentWeights, marketData, problem, model: result.model, benchmark, runtimesMs, at: new Date() });
 * ```
 */
export function cycleMetrics(p: CycleMetricsInputs): PortfolioMetrics {
  const { report } = p;
  const held = p.execution?.postTradeWeights ?? p.currentWeights;
  const prices = parsePricesCsv(p.marketData, INPUT_FILES.marketData);
  const risk = portfolioRiskMeasures(prices, report.assets, held, { window: WINDOW });
  const unavailable: Record<string, string> = {};
  let benchmark: { returns: Float64Array; benchmark: Float64Array } | undefined;
  if ("unavailable" in p.benchmark) {
    unavailable["trackingError"] = p.benchmark.unavailable;
  } else {
    const aligned = alignBenchmark(prices.dates, risk.dates, risk.returns, p.benchmark);
    if (aligned.returns.length < 2) {
      unavailable["trackingError"] =
        `the benchmark has a return on ${aligned.returns.length} of the ${risk.dates.length} dates of the window`;
    } else {
      benchmark = { returns: aligned.returns, benchmark: aligned.benchmark };
    }
  }
  const groups: AssetGroup[] | undefined = parseProblem(p.problem).constraints?.groups?.map((g) => ({
    name: g.name,
    assets: g.assets,
  }));
  const { model } = p;
  const noModel = p.modelUnavailable ?? "the optimiser returned no model";
  let frontier: FrontierMetrics | null = null;
  if ((p.frontierPoints ?? 20) <= 0) unavailable["frontier"] = "disabled (frontierPoints = 0)";
  else if (model === null) unavailable["frontier"] = noModel;
  else {
    try {
      frontier = cycleFrontier(model, held, report.weights.length === report.assets.length ? report.weights : null);
    } catch (error) {
      unavailable["frontier"] = error instanceof Error ? error.message : String(error);
    }
  }
  if (model === null) unavailable["riskContribution"] = noModel;
  const input: PortfolioMetricsInput = {
    portfolio: report.portfolio,
    at: p.at,
    returns: risk.returns,
    ...(benchmark === undefined ? {} : { benchmark }),
    ...(unavailable["trackingError"] === undefined ? {} : { benchmarkUnavailable: unavailable["trackingError"] }),
    allocation: {
      assets: report.assets,
      weights: Float64Array.from(held),
      targets: Float64Array.from(report.weights),
      ...(groups === undefined ? {} : { groups }),
    },
    ...(model === null ? {} : { covariance: modelCovarianceMatrix(model) }),
    optimizer: { runtimesMs: p.runtimesMs, iterations: report.iterations },
    frontier,
    // trackingError and beta get their reasons from buildPortfolioMetrics itself.
    unavailable: Object.fromEntries(Object.entries(unavailable).filter(([field]) => field !== "trackingError")),
    ...(p.execution === undefined
      ? {}
      : {
          legs: p.execution.legs,
          settlement: p.execution.settlement,
          postTrade: {
            instructionId: p.execution.settlement.instructionId,
            weights: Float64Array.from(p.execution.postTradeWeights),
          },
        }),
  };
  return buildPortfolioMetrics(input);
}
