import { InputError } from "../errors.ts";
import type { SymmetricMatrix } from "../optimizer/matrix.ts";
import { legSlippage, p95, settlementLatency, type LegExecution, type SettlementTimes } from "./executionMetrics.ts";
import { portfolioMetricsSchema, type LegSlippage, type PortfolioMetrics } from "./portfolioMetrics.ts";
import { beta, maxDrawdown, sharpeRatio, sortinoRatio, trackingError, volatility } from "./returnMetrics.ts";
import { checkFrequency, TRADING_DAYS } from "./series.ts";
import { riskBySector, riskContributions, weightDrift } from "./weightMetrics.ts";

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
  /** Benchmark simple returns per period, aligned with `returns` (for tracking error and beta). */
  readonly benchmark?: Float64Array;
  /** Realised and target weights (fractions) by asset, with optional sector labels. */
  readonly allocation?: {
    readonly assets: readonly string[];
    readonly weights: Float64Array;
    readonly targets: Float64Array;
    readonly sectors?: readonly string[];
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
  if (returns) {
    out.observations = returns.length;
    out.volatility = orNull(volatility(returns, { frequency }));
    out.sharpe = orNull(sharpeRatio(returns, { frequency, riskFreeRate: input.riskFreeRate ?? 0.02 }));
    out.sortino = orNull(sortinoRatio(returns, { frequency, targetReturn: input.sortinoTarget ?? 0 }));
    out.maxDrawdown = maxDrawdown(returns);
    if (benchmark) {
      out.trackingError = orNull(trackingError(returns, benchmark, { frequency }));
      out.beta = orNull(beta(returns, benchmark));
    }
  } else if (benchmark) {
    throw new InputError("BENCHMARK_WITHOUT_RETURNS", "needs portfolio returns to compare with", "benchmark");
  }
  const { allocation } = input;
  if (allocation) {
    const { assets, weights, targets, sectors } = allocation;
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
      const { relative } = riskContributions(weights, input.covariance);
      const byAsset: Record<string, number> = {};
      assets.forEach((asset, i) => (byAsset[asset] = (byAsset[asset] ?? 0) + (relative[i] as number)));
      const bySector = sectors ? riskBySector(relative, sectors) : {};
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
  const checked = portfolioMetricsSchema.safeParse(out);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new InputError("METRICS_INVALID", issue?.message ?? "invalid metrics", issue?.path.join(".") || undefined);
  }
  return checked.data;
}
