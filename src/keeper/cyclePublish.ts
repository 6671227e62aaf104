// What a keeper cycle publishes: metrics on `analytics.portfolio`, alerts on `alerts`.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { evaluateAlerts, publishAlerts } from "../analytics/alerts.ts";
import { buildPortfolioMetrics } from "../analytics/buildPortfolioMetrics.ts";
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
 * runtime and iterations; a realised volatility above the budget also goes out on `alerts`.
 */
export async function publishMetrics(
  ctx: KeeperCycleContext,
  log: Logger,
  report: CycleReport,
  currentWeights: readonly number[],
  marketData: string,
  volatilityBudget: number,
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
    });
    await ctx.bus.publish("analytics.portfolio", metrics);
    // Realised volatility above the registry's budget is an alert; drift is not checked here
    // because these weights are the pre-trade ones this very cycle rebalances.
    await publishAlerts(ctx.bus, evaluateAlerts(metrics, { maxVolatility: volatilityBudget }));
  } catch (error) {
    log.warn({ err: String(error) }, "could not publish metrics");
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
