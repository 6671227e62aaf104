// The keeper's Prometheus metrics (docs/observability.md lists every name): one dedicated registry
// per process, so a library user's global prom-client registry is never written to, and a keeper
// fleet can put several portfolios into one registry through the `portfolio` label.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { LegSlippage } from "../../bus/portfolioMetrics.ts";
import type { Alert } from "../../bus/topics.ts";
import type { CycleReport } from "../cycle/types.ts";
import type { LoopEvaluation } from "../loop/runLoop.ts";

/** What the metrics take from a loop evaluation ({@link LoopEvaluation} is one). */
export type EvaluationFacts = Pick<LoopEvaluation, "outcome" | "cycleRan" | "durationMs"> & {
  readonly report?: CycleReport | undefined;
};

/** Prefix of every keeper metric name. */
export const METRIC_PREFIX = "portfolio_keeper_";

/** The SIEM sinks alerts are forwarded to, the `sink` label of the forwarding metrics. */
export type SiemSinkName = "syslog" | "webhook";

/** Why a forwarded alert was given up: the queue was full, or every retry failed. */
export type SiemDropReason = "queue-full" | "failed";

/** Options of {@link KeeperMetrics}. */
export interface KeeperMetricsOptions {
  /** Registry to register into (default a new one). */
  readonly registry?: Registry;
  /** Also collect prom-client's default Node process metrics (`process_*`, `nodejs_*`) into it. */
  readonly processMetrics?: boolean;
}

/**
 * The keeper's metrics on a dedicated prom-client {@link Registry}. Every series carries the
 * `portfolio` label (the vault address) given to each method.
 *
 * @example
 * ```ts
 * const metrics = new KeeperMetrics();
 * metrics.evaluated(vault, { outcome: "settled", cycleRan: true, durationMs: 4200, report });
 * const text = await metrics.registry.metrics(); // Prometheus text format
 * ```
 */
export class KeeperMetrics {
  readonly registry: Registry;
  private readonly evaluations: Counter<"portfolio" | "outcome">;
  private readonly cycles: Counter<"portfolio" | "outcome">;
  private readonly cycleSeconds: Histogram<"portfolio" | "outcome">;
  private readonly iterations: Histogram<"portfolio">;
  private readonly optimizerSeconds: Histogram<"portfolio">;
  private readonly gas: Histogram<"portfolio" | "status">;
  private readonly slippage: Histogram<"portfolio">;
  private readonly alerts: Counter<"portfolio" | "kind" | "severity">;
  private readonly lastBlock: Gauge<"portfolio">;
  private readonly lastTimestamp: Gauge<"portfolio">;
  private readonly forwarded: Counter<"portfolio" | "sink">;
  private readonly dropped: Counter<"portfolio" | "sink" | "reason">;
  private readonly queued: Gauge<"portfolio" | "sink">;

  constructor(options: KeeperMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
    const name = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;
    this.evaluations = new Counter({
      name: name("evaluations_total"),
      help: "Trigger evaluations by outcome: a cycle's status, refused, no-trigger, or failed (the loop backs off)",
      labelNames: ["portfolio", "outcome"],
      registers,
    });
    this.cycles = new Counter({
      name: name("cycles_total"),
      help: "Cycles run (a trigger fired) by outcome: settled, already-settled, nothing-to-do, halted, refused, failed",
      labelNames: ["portfolio", "outcome"],
      registers,
    });
    this.cycleSeconds = new Histogram({
      name: name("cycle_duration_seconds"),
      help: "Wall time of a cycle, from chain read to recorded outcome, seconds",
      labelNames: ["portfolio", "outcome"],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.iterations = new Histogram({
      name: name("solver_iterations"),
      help: "Solver iterations of each optimisation the pinned optimiser ran",
      labelNames: ["portfolio"],
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
      registers,
    });
    this.optimizerSeconds = new Histogram({
      name: name("optimizer_duration_seconds"),
      help: "Wall time of each optimisation, seconds",
      labelNames: ["portfolio"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.gas = new Histogram({
      name: name("settlement_gas_used"),
      help: "Gas used by each mined settlement transaction this keeper sent, by the cycle's status",
      labelNames: ["portfolio", "status"],
      buckets: [100_000, 200_000, 300_000, 500_000, 750_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000, 5_000_000],
      registers,
    });
    this.slippage = new Histogram({
      name: name("slippage_bps"),
      help: "Slippage of each settled leg against the oracle price, basis points (positive = cost)",
      labelNames: ["portfolio"],
      buckets: [-50, -20, -10, 0, 5, 10, 20, 30, 50, 80, 100, 200],
      registers,
    });
    this.alerts = new Counter({
      name: name("alerts_total"),
      help: "Alerts this keeper raised on the alerts topic, by kind and severity",
      labelNames: ["portfolio", "kind", "severity"],
      registers,
    });
    this.lastBlock = new Gauge({
      name: name("last_settled_block"),
      help: "Block number of this keeper's last settled rebalance",
      labelNames: ["portfolio"],
      registers,
    });
    this.lastTimestamp = new Gauge({
      name: name("last_settled_timestamp_seconds"),
      help: "Chain time (block.timestamp) of the block the last settled cycle read, seconds since the epoch",
      labelNames: ["portfolio"],
      registers,
    });
    this.forwarded = new Counter({
      name: name("siem_forwarded_total"),
      help: "Alerts delivered to a SIEM sink",
      labelNames: ["portfolio", "sink"],
      registers,
    });
    this.dropped = new Counter({
      name: name("siem_dropped_total"),
      help: "Alerts a SIEM sink gave up: queue-full (oldest dropped) or failed (every retry failed, or refused)",
      labelNames: ["portfolio", "sink", "reason"],
      registers,
    });
    this.queued = new Gauge({
      name: name("siem_queue_length"),
      help: "Alerts not yet delivered to a SIEM sink, the one being sent included",
      labelNames: ["portfolio", "sink"],
      registers,
    });
  }

  /** Records how one loop evaluation ended (and its cycle, when one ran). */
  evaluated(portfolio: string, evaluation: EvaluationFacts): void {
    const { outcome, report } = evaluation;
    this.evaluations.inc({ portfolio, outcome });
    if (!evaluation.cycleRan) return;
    this.cycles.inc({ portfolio, outcome });
    this.cycleSeconds.observe({ portfolio, outcome }, evaluation.durationMs / 1000);
    // An instruction found settled before optimising ran no optimiser: no iterations to record.
    if (report !== undefined && report.weights.length > 0) {
      this.iterations.observe({ portfolio }, report.iterations);
      this.optimizerSeconds.observe({ portfolio }, report.optimizerRuntimeMs / 1000);
    }
    if (report?.status === "settled" && report.blockNumber !== null) {
      this.lastBlock.set({ portfolio }, Number(report.blockNumber));
      this.lastTimestamp.set({ portfolio }, report.chainTimestamp);
    }
  }

  /** Records the gas a mined settlement transaction used. */
  gasUsed(portfolio: string, status: string, gas: bigint): void {
    this.gas.observe({ portfolio, status }, Number(gas));
  }

  /** Records each settled leg's slippage, from the metrics the cycle published. */
  legSlippage(portfolio: string, legs: readonly LegSlippage[]): void {
    for (const leg of legs) this.slippage.observe({ portfolio }, leg.bps);
  }

  /** Counts an alert the keeper raised. */
  alert(portfolio: string, alert: Pick<Alert, "kind" | "severity">): void {
    this.alerts.inc({ portfolio, kind: alert.kind, severity: alert.severity });
  }

  /** Records a SIEM sink's delivery, drop, or queue length. */
  siem(portfolio: string, sink: SiemSinkName, event: SiemEvent): void {
    if (event.kind === "forwarded") this.forwarded.inc({ portfolio, sink });
    else if (event.kind === "dropped") this.dropped.inc({ portfolio, sink, reason: event.reason });
    else this.queued.set({ portfolio, sink }, event.length);
  }
}

/** What a SIEM sink reports to {@link KeeperMetrics.siem}. */
export type SiemEvent =
  | { readonly kind: "forwarded" }
  | { readonly kind: "dropped"; readonly reason: SiemDropReason }
  | { readonly kind: "queued"; readonly length: number };
