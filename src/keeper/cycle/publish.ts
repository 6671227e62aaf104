// What a keeper cycle publishes: metrics on `analytics.portfolio`, alerts on `alerts`.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { evaluateAlerts, publishAlerts } from "../../analytics/alerts.ts";
import type { MessageBus } from "../../bus/messageBus.ts";
import type { Alert } from "../../bus/topics.ts";
import type { PriceTable } from "../../optimizer/estimators/priceTable.ts";
import type { OptimizerModel } from "../../optimizer/model.ts";
import { readBenchmarkPrices } from "./benchmark.ts";
import { cycleMetrics, type CycleExecution } from "./metrics.ts";
import type { CycleReport, KeeperCycleContext } from "./types.ts";

export type { CycleExecution } from "./metrics.ts";

/** Default largest max |w − target| of the executed weights before a post-trade drift alert: 1 percentage point. */
export const DEFAULT_POST_TRADE_DRIFT_THRESHOLD = 0.01;

/** The registry limits the published metrics are checked against. */
export interface PublishLimits {
  /** Annualised volatility budget, fraction. */
  readonly volatilityBudget: number;
  readonly maxSlippageBps: number;
}

/**
 * Publishes the cycle's PortfolioMetrics ({@link cycleMetrics}) on `analytics.portfolio`, then the
 * breaches on `alerts`: realised volatility above the registry's budget, a leg filled worse than
 * its slippage limit, and — after a settlement — executed weights further than the context's
 * `postTradeDriftThreshold` (default {@link DEFAULT_POST_TRADE_DRIFT_THRESHOLD}) from the targets.
 * Pre-trade drift is not alerted: those are the weights this cycle rebalances. A failure is logged,
 * never thrown: metrics must not undo a settlement.
 *
 * @example
 * ```ts
 * await publishMetrics(ctx, log, { report, currentWeights, marketData, problem, model: result.model }, limits, execution);
 * ```
 */
export async function publishMetrics(
  ctx: KeeperCycleContext,
  log: Logger,
  cycle: {
    readonly report: CycleReport;
    readonly currentWeights: readonly number[];
    readonly marketData: string;
    readonly problem: Readonly<Record<string, unknown>>;
    readonly model: OptimizerModel | null;
    readonly modelUnavailable?: string | undefined;
  },
  limits: PublishLimits,
  execution?: CycleExecution,
): Promise<void> {
  if (ctx.bus === undefined) return;
  const runtimesMs = Float64Array.from(ctx.runtimeSamples ?? [cycle.report.optimizerRuntimeMs]);
  try {
    const metrics = cycleMetrics({
      ...cycle,
      benchmark: await benchmarkOf(ctx, log),
      execution,
      runtimesMs,
      at: new Date((ctx.now ?? Date.now)()),
      ...(ctx.frontierPoints === undefined ? {} : { frontierPoints: ctx.frontierPoints }),
    });
    await ctx.bus.publish("analytics.portfolio", metrics);
    await publishAlerts(
      ctx.bus,
      evaluateAlerts(metrics, {
        maxVolatility: limits.volatilityBudget,
        maxSlippageBps: limits.maxSlippageBps,
        maxPostTradeDrift: ctx.postTradeDriftThreshold ?? DEFAULT_POST_TRADE_DRIFT_THRESHOLD,
      }),
    );
  } catch (error) {
    log.warn({ err: String(error) }, "could not publish metrics");
  }
}

/** The configured benchmark, or why there is none: a bad benchmark file costs tracking error and beta, not the metrics. */
async function benchmarkOf(ctx: KeeperCycleContext, log: Logger): Promise<PriceTable | { unavailable: string }> {
  if (ctx.benchmarkPricesPath === undefined) return { unavailable: "no benchmark configured (--benchmark-prices)" };
  try {
    return await readBenchmarkPrices(ctx.benchmarkPricesPath);
  } catch (error) {
    log.warn({ err: String(error) }, "benchmark unusable");
    return { unavailable: `benchmark unusable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Logs an alert and publishes it on `alerts` (a failure to publish is only logged). */
export async function publishAlert(bus: MessageBus | undefined, log: Logger, alert: Omit<Alert, "at">): Promise<void> {
  log.error({ alert }, alert.message);
  if (bus === undefined) return;
  try {
    await bus.publish("alerts", { ...alert, at: new Date().toISOString() }, { id: randomUUID() });
  } catch (error) {
    log.warn({ err: String(error) }, "could not publish alert");
  }
}
