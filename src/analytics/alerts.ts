import { InputError } from "../errors.ts";
import type { MessageBus, PublishReceipt, Subscription } from "../bus/messageBus.ts";
import type { Alert } from "../bus/topics.ts";
import type { PortfolioMetrics } from "../bus/portfolioMetrics.ts";

/**
 * Alert thresholds; each rule is off when its threshold is absent. A value above its threshold
 * raises a `warning`, above twice the threshold a `critical` alert. A broken audit chain is always
 * `critical`.
 */
export interface AlertThresholds {
  /** Largest accepted max |w − w*|, fraction (the registry's drift threshold). */
  readonly maxDrift?: number;
  /**
   * Largest accepted max |w − w*| of the executed weights right after a settlement, fraction
   * (`postTrade.drift.maxAbs`; the keeper's `postTradeDriftThreshold`, default 0.01).
   */
  readonly maxPostTradeDrift?: number;
  /** Largest accepted annualised volatility, fraction (the volatility budget). */
  readonly maxVolatility?: number;
  /** Largest accepted slippage of any leg, basis points (the registry's max slippage). */
  readonly maxSlippageBps?: number;
  /** Largest accepted p95 optimisation runtime, milliseconds. */
  readonly maxRuntimeP95Ms?: number;
  /** Raise `chain-break` when the audit chain is not intact. Default true. */
  readonly chainBreak?: boolean;
}

function checkThreshold(value: number | undefined, path: string): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new InputError("THRESHOLD_INVALID", `must be a finite number ≥ 0, got ${value}`, path);
  }
}

/**
 * Compares one metrics record with the thresholds and returns the breaches (possibly none), one
 * alert per breached rule (per leg for slippage), stamped with the metrics' time.
 *
 * @example
 * ```ts
 * const alerts = evaluateAlerts(metrics, { maxDrift: 0.05, maxVolatility: 0.25, maxSlippageBps: 50 });
 * await publishAlerts(bus, alerts);
 * ```
 */
export function evaluateAlerts(metrics: PortfolioMetrics, thresholds: AlertThresholds): Alert[] {
  checkThreshold(thresholds.maxDrift, "thresholds.maxDrift");
  checkThreshold(thresholds.maxPostTradeDrift, "thresholds.maxPostTradeDrift");
  checkThreshold(thresholds.maxVolatility, "thresholds.maxVolatility");
  checkThreshold(thresholds.maxSlippageBps, "thresholds.maxSlippageBps");
  checkThreshold(thresholds.maxRuntimeP95Ms, "thresholds.maxRuntimeP95Ms");
  const { portfolio, at } = metrics;
  const alerts: Alert[] = [];
  const breach = (kind: Alert["kind"], value: number, threshold: number | undefined, text: string): void => {
    if (threshold === undefined || !(value > threshold)) return;
    const severity = value > 2 * threshold ? "critical" : "warning";
    alerts.push({ kind, severity, portfolio, message: text, value, threshold, at });
  };
  const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
  if (metrics.drift) {
    const { maxAbs } = metrics.drift;
    breach("drift", maxAbs, thresholds.maxDrift, `weight drift ${pct(maxAbs)} above ${pct(thresholds.maxDrift ?? 0)}`);
  }
  if (metrics.postTrade) {
    const { maxAbs } = metrics.postTrade.drift;
    const id = metrics.postTrade.instructionId;
    const worst = metrics.postTrade.weights.reduce(
      (w, x) => (Math.abs(x.weight - x.target) > Math.abs(w.weight - w.target) ? x : w),
      metrics.postTrade.weights[0] ?? { asset: "?", weight: 0, target: 0 },
    );
    breach(
      "drift",
      maxAbs,
      thresholds.maxPostTradeDrift,
      `post-trade drift ${pct(maxAbs)} (${worst.asset}: ${pct(worst.weight)} held, ${pct(worst.target)} target) above ${pct(
        thresholds.maxPostTradeDrift ?? 0,
      )} after instruction ${id.length > 12 ? `${id.slice(0, 10)}…` : id}`,
    );
  }
  if (metrics.volatility != null) {
    const v = metrics.volatility;
    breach(
      "volatility",
      v,
      thresholds.maxVolatility,
      `volatility ${pct(v)} above budget ${pct(thresholds.maxVolatility ?? 0)}`,
    );
  }
  for (const leg of metrics.slippage ?? []) {
    const text = `leg ${leg.leg} (${leg.tokenIn} → ${leg.tokenOut}) slipped ${leg.bps.toFixed(1)} bps, limit ${thresholds.maxSlippageBps ?? 0} bps`;
    breach("slippage", leg.bps, thresholds.maxSlippageBps, text);
  }
  if (metrics.optimizer) {
    const ms = metrics.optimizer.runtimeP95Ms;
    breach(
      "optimizer",
      ms,
      thresholds.maxRuntimeP95Ms,
      `optimiser p95 runtime ${ms.toFixed(0)} ms above ${thresholds.maxRuntimeP95Ms ?? 0} ms`,
    );
  }
  if (metrics.auditChain && !metrics.auditChain.intact && thresholds.chainBreak !== false) {
    const position = metrics.auditChain.firstBreakPosition;
    alerts.push({
      kind: "chain-break",
      severity: "critical",
      portfolio,
      message: `audit chain broken at entry ${position ?? "?"} after ${metrics.auditChain.count} valid entries`,
      ...(position === null ? {} : { value: position }),
      at,
    });
  }
  return alerts;
}

/**
 * Publishes alerts on `alerts`. Ids are content hashes, so evaluating the same metrics twice
 * (a redelivered `analytics.portfolio` message) publishes each alert once.
 *
 * @example
 * ```ts
 * await publishAlerts(bus, evaluateAlerts(metrics, thresholds));
 * ```
 */
export async function publishAlerts(bus: MessageBus, alerts: readonly Alert[]): Promise<PublishReceipt[]> {
  const receipts: PublishReceipt[] = [];
  for (const alert of alerts) receipts.push(await bus.publish("alerts", alert));
  return receipts;
}

/** Options of {@link alertOnMetrics}. */
export interface AlertOnMetricsOptions {
  /** Consumer group of the rule evaluator. Default `alert-rules`. */
  readonly durable?: string;
}

/**
 * Runs the alert rules on the bus: every `analytics.portfolio` message is evaluated against
 * `thresholds` and the breaches are published on `alerts`. Runs once per group however many
 * processes call it; a redelivered metrics message republishes identical alerts, which the bus
 * drops by content-hash id.
 *
 * @example
 * ```ts
 * const sub = await alertOnMetrics(bus, { maxDrift: 0.05, maxVolatility: 0.25, maxSlippageBps: 50 });
 * ```
 */
export async function alertOnMetrics(
  bus: MessageBus,
  thresholds: AlertThresholds,
  { durable = "alert-rules" }: AlertOnMetricsOptions = {},
): Promise<Subscription> {
  evaluateAlerts({ portfolio: "-", at: new Date(0).toISOString(), frequency: 1 }, thresholds); // fail fast on bad thresholds
  return bus.subscribe(
    "analytics.portfolio",
    async (m) => {
      await publishAlerts(bus, evaluateAlerts(m.payload, thresholds));
    },
    { durable },
  );
}
