import { InputError } from "../errors.ts";
import type { SymmetricMatrix } from "../optimizer/matrix.ts";
import { legSlippage, p95, settlementLatency, type LegExecution, type SettlementTimes } from "./executionMetrics.ts";
import {
  portfolioMetricsSchema,
  type FrontierMetrics,
  type LegSlippage,
  type PortfolioMetrics,
} from "../bus/portfolioMetrics.ts";
import { beta, maxDrawdown, sharpeRatio, sortinoRatio, trackingError, volatility } from "./returnMetrics.ts";
import { checkFrequency, TRADING_DAYS } from "./series.ts";
import { UNGROUPED, riskByGroups, riskBySector, weightDrift, type AssetGroup } from "./weightMetrics.ts";
import { riskContributions } from "../optimizer/riskParity/riskContributions.ts";

/** Inputs of {@link buildPortfolioMetrics}; every part is optional and its metrics are omitted when absent. */
export interface PortfolioMetricsInput {
  readonly portfolio: string;
  /** Time the metrics describe. */
  readonly at: Date;
  /** Return periods per year. Default 252. */
  readonly frequency?: number;
  /** Annual risk-free rate for Sharpe, fraction. Default 0.02. */
  readonly riskFreeRate?: number;
  /** Annual minimum acceptable return for Sortino, fraction. Default 0. */
  readonly sortinoTarget?: number;
  /** Portfolio simple returns per period. */
  readonly returns?: Float64Array;
  /**
   * Benchmark simple returns per period, aligned with `returns` (for tracking error and beta); or a
   * pair of aligned series when the benchmark covers only some of the periods of `returns` (tracking
   * error and beta then use the pair, the other metrics all of `returns`).
   */
  readonly benchmark?: Float64Array | { readonly returns: Float64Array; readonly benchmark: Float64Array };
  /**
   * Why there is no benchmark (e.g. "no benchmark configured"): tracking error and beta are then
   * published as `null` with this reason under `unavailable`, rather than left out.
   */
  readonly benchmarkUnavailable?: string;
  /** Realised and target weights (fractions) by asset, with optional sector labels. */
  readonly allocation?: {
    readonly assets: readonly string[];
    readonly weights: Float64Array;
    readonly targets: Float64Array;
    readonly sectors?: readonly string[];
    /**
     * Named asset groups (the problem format's `constraints.groups`): the sector risk breakdown sums
     * each group's contributions (assets in no group under "(ungrouped)"), and each weight's sector
     * is the first group naming it. Takes precedence over `sectors`.
     */
    readonly groups?: readonly AssetGroup[];
  };
  /** Covariance of the assets in `allocation` (for risk contributions). */
  readonly covariance?: SymmetricMatrix;
  /** Recent optimisation wall times, ms, and the last solver iteration count. */
  readonly optimizer?: { readonly runtimesMs: Float64Array; readonly iterations: number | null };
  /** Settled legs of the last rebalance. */
  readonly legs?: readonly (LegExecution & { readonly tokenIn: string; readonly tokenOut: string })[];
  /** Timing of the last settlement. */
  readonly settlement?: SettlementTimes & { readonly instructionId: string };
  /** Audit-chain status (from `verifyAuditChain`). */
  readonly auditChain?: PortfolioMetrics["auditChain"];
  /** Executed weights (fractions, `allocation` order) of the settled instruction, against `allocation.targets`. */
  readonly postTrade?: { readonly instructionId: string; readonly weights: Float64Array };
  /** The efficient frontier with the current and target portfolios (computed by the caller). */
  readonly frontier?: FrontierMetrics | null;
  /** Why other fields are `null`, by field name; merged into `unavailable`. */
  readonly unavailable?: Readonly<Record<string, string>>;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Computes every metric the inputs allow and bundles them into one validated
 * {@link PortfolioMetrics} record, ready for `bus.publish("analytics.portfolio", …)`. Undefined
 * ratios (zero dispersion) become `null`.
 *
 * @example
 * ```ts
 * const metrics = buildPortfolioMetrics({ portfolio: vault, at: new Date(), returns, benchmark });
 * await bus.publish("analytics.portfolio", metrics);
 * ```
 */
export function buildPortfolioMetrics(input: PortfolioMetricsInput): PortfolioMetrics {
  const frequency = checkFrequency(input.frequency ?? TRADING_DAYS);
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) {
    throw new InputError("INPUT_NOT_DATE", "must be a valid Date", "at");
  }
  const out: { -readonly [K in keyof PortfolioMetrics]: PortfolioMetrics[K] } = {
    portfolio: input.portfolio,
    at: input.at.toISOString(),
    frequency,
  };
  const { returns, benchmark } = input;
  const unavailable: Record<string, string> = { ...input.unavailable };
  if (returns) {
    out.observations = returns.length;
    out.volatility = orNull(volatility(returns, { frequency }));
    out.sharpe = orNull(sharpeRatio(returns, { frequency, riskFreeRate: input.riskFreeRate ?? 0.02 }));
    out.sortino = orNull(sortinoRatio(returns, { frequency, targetReturn: input.sortinoTarget ?? 0 }));
    out.maxDrawdown = maxDrawdown(returns);
    if (benchmark) {
      const [r, b] =
        benchmark instanceof Float64Array ? [returns, benchmark] : [benchmark.returns, benchmark.benchmark];
      out.trackingError = orNull(trackingError(r, b, { frequency }));
      out.beta = orNull(beta(r, b));
      if (out.trackingError === null) unavailable["trackingError"] = "undefined: fewer than 2 aligned returns";
      if (out.beta === null) unavailable["beta"] = "undefined: the benchmark's returns do not vary";
    } else if (input.benchmarkUnavailable !== undefined) {
      out.trackingError = null;
      out.beta = null;
      unavailable["trackingError"] = input.benchmarkUnavailable;
      unavailable["beta"] = input.benchmarkUnavailable;
    }
  } else if (benchmark) {
    throw new InputError("BENCHMARK_WITHOUT_RETURNS", "needs portfolio returns to compare with", "benchmark");
  }
  const { allocation } = input;
  if (allocation) {
    const { assets, weights, targets, groups } = allocation;
    const sectors =
      groups === undefined
        ? allocation.sectors
        : assets.map((a) => groups.find((g) => g.assets.includes(a))?.name ?? UNGROUPED);
    if (assets.length !== weights.length) {
      throw new InputError(
        "VECTOR_LENGTH",
        `has ${assets.length} names, weights has ${weights.length}`,
        "allocation.assets",
      );
    }
    const drift = weightDrift(weights, targets);
    out.drift = { maxAbs: drift.maxAbs, l1: drift.l1 };
    out.weights = assets.map((asset, i) => ({
      asset,
      weight: weights[i] as number,
      target: targets[i] as number,
      ...(sectors?.[i] === undefined ? {} : { sector: sectors[i] }),
    }));
    if (input.covariance) {
      const relative = riskContributions(weights, input.covariance);
      const byAsset: Record<string, number> = {};
      assets.forEach((asset, i) => (byAsset[asset] = (byAsset[asset] ?? 0) + (relative[i] as number)));
      const bySector = groups ? riskByGroups(relative, assets, groups) : sectors ? riskBySector(relative, sectors) : {};
      out.riskContribution = { byAsset, bySector };
    }
  } else if (input.covariance) {
    throw new InputError("COVARIANCE_WITHOUT_WEIGHTS", "needs allocation weights for risk contributions", "covariance");
  }
  if (input.optimizer) {
    const { runtimesMs, iterations } = input.optimizer;
    out.optimizer = { runtimeP95Ms: p95(runtimesMs), samples: runtimesMs.length, iterations };
  }
  if (input.legs) {
    out.slippage = input.legs.map((leg, i): LegSlippage => ({
      leg: i,
      tokenIn: leg.tokenIn,
      tokenOut: leg.tokenOut,
      bps: legSlippage(leg).bps,
    }));
  }
  if (input.settlement) {
    const { seconds, blocks } = settlementLatency(input.settlement);
    out.settlement = { instructionId: input.settlement.instructionId, latencySeconds: seconds, latencyBlocks: blocks };
  }
  if (input.auditChain !== undefined) out.auditChain = input.auditChain;
  if (input.postTrade) {
    if (!allocation) throw new InputError("POST_TRADE_WITHOUT_TARGETS", "needs allocation targets", "postTrade");
    const executed = input.postTrade.weights;
    if (executed.length !== allocation.assets.length) {
      throw new InputError(
        "VECTOR_LENGTH",
        `has ${executed.length} weights, expected ${allocation.assets.length}`,
        "postTrade.weights",
      );
    }
    const drift = weightDrift(executed, allocation.targets);
    out.postTrade = {
      instructionId: input.postTrade.instructionId,
      weights: allocation.assets.map((asset, i) => ({
        asset,
        weight: executed[i] as number,
        target: allocation.targets[i] as number,
      })),
      drift: { maxAbs: drift.maxAbs, l1: drift.l1 },
    };
  }
  if (input.frontier !== undefined) out.frontier = input.frontier;
  if (Object.keys(unavailable).length > 0) out.unavailable = unavailable;
  const checked = portfolioMetricsSchema.safeParse(out);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new InputError("METRICS_INVALID", issue?.message ?? "invalid metrics", issue?.path.join(".") || undefined);
  }
  return checked.data;
}
