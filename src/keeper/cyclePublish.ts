// What a keeper cycle publishes: metrics on `analytics.portfolio`, alerts on `alerts`.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { evaluateAlerts, publishAlerts } from "../analytics/alerts.ts";
import { buildPortfolioMetrics } from "../analytics/buildPortfolioMetrics.ts";
import type { LegExecution, SettlementTimes } from "../analytics/executionMetrics.ts";
import type { MessageBus } from "../bus/messageBus.ts";
import type { Alert } from "../bus/topics.ts";
import { parsePricesCsv } from "../optimizer/estimators/priceTable.ts";
import type { CycleReport, KeeperCycleContext } from "./cycle.ts";
import { INPUT_FILES } from "./cycleInputs.ts";
import { portfolioRiskMeasures } from "./riskMeasures.ts";

/**
 * Publishes the cycle's PortfolioMetrics on `analytics.portfolio`: return metrics (volatility,
 * Sharpe, Sortino, max drawdown) of the current weights over the last year of the price file, risk
 * contributions on its sample covariance, drift against the new targets, and the optimiser's p95
 * runtime and iterations, and for a settled cycle each leg's slippage against the oracle and the
 * settlement latency; breaches of the volatility budget and the slippage limit go out on `alerts`.
 */
export async function publishMetrics(
  ctx: KeeperCycleContext,
  log: Logger,
  report: CycleReport,
  currentWeights: readonly number[],
  marketData: string,
  limits: { readonly volatilityBudget: number; readonly maxSlippageBps: number },
  execution?: CycleExecution,
): Promise<void> {
  if (ctx.bus === undefined) return;
  const runtimes = Float64Array.from(ctx.runtimeSamples ?? [report.optimizerRuntimeMs]);
  try {
    const risk = portfolioRiskMeasures(
      parsePricesCsv(marketData, INPUT_FILES.marketData),
      report.assets,
      currentWeights,
      {
        window: 252,
      },
    );
    const metrics = buildPortfolioMetrics({
      portfolio: report.portfolio,
      at: new Date((ctx.now ?? Date.now)()),
      returns: risk.returns,
      allocation: {
        assets: report.assets,
        weights: Float64Array.from(currentWeights),
        targets: Float64Array.from(report.weights),
      },
      covariance: risk.covariance,
      optimizer: { runtimesMs: runtimes, iterations: report.iterations },
      ...(execution === undefined ? {} : { legs: execution.legs, settlement: execution.settlement }),
    });
    await ctx.bus.publish("analytics.portfolio", metrics);
    // Realised volatility above the budget and a leg filled worse than the slippage limit are
    // alerts; drift is not checked here because these are the pre-trade weights this cycle rebalances.
    await publishAlerts(
      ctx.bus,
      evaluateAlerts(metrics, { maxVolatility: limits.volatilityBudget, maxSlippageBps: limits.maxSlippageBps }),
    );
  } catch (error) {
    log.warn({ err: String(error) }, "could not publish metrics");
  }
}

/** What a settled cycle executed: each leg's fill against the oracle, and when it settled. */
export interface CycleExecution {
  readonly legs: readonly (LegExecution & { readonly tokenIn: string; readonly tokenOut: string })[];
  readonly settlement: SettlementTimes & { readonly instructionId: string };
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
