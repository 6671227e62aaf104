import { createHash } from "node:crypto";
import type { PortfolioMetrics } from "../bus/portfolioMetrics.ts";
import type { BusMessage, MessageBus, Subscription } from "../bus/messageBus.ts";
import type { Alert } from "../bus/topics.ts";
import type { SnapshotHooks } from "./chainSource.ts";
import type {
  AlertView,
  AuditChainView,
  DriftPoint,
  FrontierPoint,
  FrontierView,
  MetricsView,
  RiskContribution,
  RiskView,
} from "./snapshot.ts";

/** Options of {@link busHooks}. */
export interface BusHooksOptions {
  /**
   * The portfolio's identifiers on the bus: its configured name and/or the PortfolioVault address.
   * Matching is case-insensitive (addresses arrive checksummed or lower-case).
   */
  readonly portfolio: string | readonly string[];
  /** Oldest message read from the retained history at start. Default: 30 days before now. */
  readonly since?: Date;
  /** Alerts kept and shown, newest first. Default 100. */
  readonly maxAlerts?: number;
  /** Metrics records kept for the drift series and latency median. Default 5000. */
  readonly maxMetrics?: number;
}

/** What {@link busHooks} returns. */
export interface BusHooks {
  /** `metrics`, `alerts`, `drift`, `risk` and `frontier`, each `null` until the bus has carried data for it. */
  readonly hooks: Pick<SnapshotHooks, "metrics" | "alerts" | "drift" | "risk" | "frontier">;
  /** Sector of each asset in the latest metrics record that labels any (the keeper's constraint-set groups). */
  sectors(): Record<string, string>;
  /** Registers a listener called on every new `alerts` or `analytics.portfolio` message; returns its unregister. */
  subscribe(listener: () => void): () => void;
  /** Closes the two bus subscriptions (not the bus). */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** Median of a list; `null` when empty. */
function median(xs: readonly number[]): number | null {
  const s = [...xs].sort((a, b) => a - b);
  const hi = s[s.length >> 1];
  const lo = s[(s.length - 1) >> 1];
  return hi === undefined || lo === undefined ? null : (lo + hi) / 2;
}

/**
 * Maps the latest {@link PortfolioMetrics} (plus the history, for the settlement-latency median) to the
 * dashboard's {@link MetricsView}. Units agree on both sides (ratios unitless; tracking error and
 * drawdown fractions; runtime ms; latency seconds), so no scaling is applied; an absent field becomes
 * `null`. `settlementLatencySeconds` is the median over the distinct settlements in `history`, since
 * each record carries only its last settlement's latency.
 */
export function metricsView(latest: PortfolioMetrics, history: readonly PortfolioMetrics[]): MetricsView {
  const latencies = new Map<string, number>();
  for (const m of history) if (m.settlement) latencies.set(m.settlement.instructionId, m.settlement.latencySeconds);
  return {
    sharpe: latest.sharpe ?? null,
    sortino: latest.sortino ?? null,
    trackingError: latest.trackingError ?? null,
    beta: latest.beta ?? null,
    maxDrawdown: latest.maxDrawdown ?? null,
    optimisationP95Ms: latest.optimizer?.runtimeP95Ms ?? null,
    solverIterations: latest.optimizer?.iterations ?? null,
    settlementLatencySeconds: median([...latencies.values()]),
    ...(latest.observations === undefined
      ? {}
      : { window: `${latest.observations} periods at ${latest.frequency} per year` }),
    ...(latest.unavailable === undefined ? {} : { unavailable: latest.unavailable }),
  };
}

/**
 * Maps relative risk contributions (shares summing to 1) and annualised volatility σ_p to the
 * dashboard's {@link RiskView}: `contribution = share × σ_p`, so the contributions sum to σ_p as
 * {@link RiskContribution} requires. `null` without both inputs. Budgets are not on the bus: `null`.
 */
export function riskView(m: PortfolioMetrics): RiskView | null {
  if (m.riskContribution == null || m.volatility == null) return null;
  const volatility = m.volatility;
  const rows = (shares: Readonly<Record<string, number>>): RiskContribution[] =>
    Object.entries(shares)
      .map(([name, share]) => ({ name, contribution: share * volatility, share, budget: null }))
      .sort((a, b) => b.share - a.share);
  return { volatility, byAsset: rows(m.riskContribution.byAsset), bySector: rows(m.riskContribution.bySector) };
}

/**
 * Maps the keeper's published frontier (annualised fractions, `expectedReturn`) to the dashboard's
 * {@link FrontierView} (same units, `return`), points in increasing volatility. `null` when the
 * record has no frontier.
 *
 * @example
 * ```ts
 * const view = frontierView(metrics); // { points: [{ volatility, return }, …], current, target, minVariance, … }
 * ```
 */
export function frontierView(m: PortfolioMetrics): FrontierView | null {
  const f = m.frontier;
  if (f == null) return null;
  const point = (p: { volatility: number; expectedReturn: number }): FrontierPoint => ({
    volatility: p.volatility,
    return: p.expectedReturn,
  });
  return {
    points: [...f.points].sort((a, b) => a.volatility - b.volatility).map(point),
    current: point(f.current),
    ...(f.target === undefined ? {} : { target: point(f.target) }),
    minVariance: point(f.minVariance),
    ...(f.maxSharpe === null ? {} : { maxSharpe: point(f.maxSharpe) }),
    riskFreeRate: f.riskFreeRate,
  };
}

/** An {@link Alert} as the page shows it: same units, `at` normalised to ISO 8601 UTC. */
export function alertView(a: Alert): AlertView {
  return {
    kind: a.kind,
    severity: a.severity,
    ...(a.portfolio === undefined ? {} : { portfolio: a.portfolio }),
    message: a.message,
    ...(a.value === undefined ? {} : { value: a.value }),
    ...(a.threshold === undefined ? {} : { threshold: a.threshold }),
    at: new Date(a.at).toISOString(),
  };
}

/**
 * Dashboard hooks fed by the keeper's bus: `metrics`, `risk`, `frontier` and `drift` from `analytics.portfolio`,
 * `alerts` from `alerts`. State is the retained history (from `since`) plus every live message; the
 * live subscriptions have no durable group and start at `"new"`, so every dashboard sees every
 * message and none steals from the keeper's consumer groups. Alerts of other portfolios are left out;
 * alerts naming no portfolio (keeper, dead-letter) are shown.
 *
 * @example
 * ```ts
 * const bus = await createBus("nats://127.0.0.1:4222");
 * const fromBus = await busHooks(bus, { portfolio: ["dao-treasury", vault] });
 * const source = new ChainSnapshotSource({ client, portfolio, hooks: { ...chain, ...fromBus.hooks }, subscribe: fromBus.subscribe });
 * ```
 */
export async function busHooks(bus: MessageBus, options: BusHooksOptions): Promise<BusHooks> {
  const ids = new Set((typeof options.portfolio === "string" ? [options.portfolio] : options.portfolio).map(lower));
  const since = options.since ?? new Date(Date.now() - 30 * DAY_MS);
  const maxAlerts = options.maxAlerts ?? 100;
  const maxMetrics = options.maxMetrics ?? 5000;
  const alerts = new Map<string, BusMessage<"alerts">>();
  const metrics = new Map<string, BusMessage<"analytics.portfolio">>();
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of listeners) l();
  };
  const bySeq = <M extends BusMessage>(map: Map<string, M>): M[] => [...map.values()].sort((a, b) => a.seq - b.seq);
  const trim = <M extends BusMessage>(map: Map<string, M>, max: number): void => {
    if (map.size <= max) return;
    for (const m of bySeq(map).slice(0, map.size - max)) map.delete(m.id);
  };
  const addAlert = (m: BusMessage<"alerts">): boolean => {
    if (m.payload.portfolio !== undefined && !ids.has(lower(m.payload.portfolio))) return false;
    alerts.set(m.id, m);
    trim(alerts, maxAlerts);
    return true;
  };
  const addMetrics = (m: BusMessage<"analytics.portfolio">): boolean => {
    if (!ids.has(lower(m.payload.portfolio))) return false;
    metrics.set(m.id, m);
    trim(metrics, maxMetrics);
    return true;
  };

  // Subscribe before reading history so that nothing published in between is lost; the maps are
  // keyed by message id, so a message seen both ways counts once.
  const subscriptions: Subscription[] = [];
  subscriptions.push(await bus.subscribe("alerts", (m) => void (addAlert(m) && notify()), { deliver: "new" }));
  subscriptions.push(
    await bus.subscribe("analytics.portfolio", (m) => void (addMetrics(m) && notify()), { deliver: "new" }),
  );
  for (const m of await bus.history("alerts", { since, limit: 100_000 })) addAlert(m);
  for (const m of await bus.history("analytics.portfolio", { since, limit: 100_000 })) addMetrics(m);

  // Records in the time they describe (`at`), which a late republish does not disturb.
  const records = (): PortfolioMetrics[] =>
    [...metrics.values()].map((m) => m.payload).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const fromRecords = metricsHooks(async () => records());
  return {
    hooks: {
      ...fromRecords,
      alerts: async () => {
        if (alerts.size === 0) return null;
        return [...alerts.values()]
          .map((m) => alertView(m.payload))
          .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
      },
    },
    sectors: () => sectorsOf(records()),
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      listeners.clear();
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

/**
 * The `metrics`, `risk`, `frontier` and `drift` hooks over a history of {@link PortfolioMetrics}
 * records in the time they describe (`at`, oldest first), wherever they are kept: the bus
 * ({@link busHooks}) or a metrics store (`storeHooks`). Each is `null` until a record carries it.
 *
 * @example
 * ```ts
 * const hooks = metricsHooks(async () => (await store.queryMetrics({ portfolio })).map((r) => r.metrics));
 * ```
 */
export function metricsHooks(
  records: () => Promise<readonly PortfolioMetrics[]>,
): Pick<SnapshotHooks, "metrics" | "risk" | "frontier" | "drift"> {
  return {
    metrics: async () => {
      const all = await records();
      const last = all.at(-1);
      return last === undefined ? null : metricsView(last, all);
    },
    risk: async () => {
      const last = (await records()).at(-1);
      return last === undefined ? null : riskView(last);
    },
    frontier: async () => {
      // The newest record that carries a frontier: a cycle whose frontier failed keeps the last one.
      const last = (await records()).findLast((m) => m.frontier != null);
      return last === undefined ? null : frontierView(last);
    },
    drift: async () => {
      const points: DriftPoint[] = (await records()).flatMap((m) =>
        m.drift == null ? [] : [{ time: new Date(m.at).toISOString(), maxDrift: m.drift.maxAbs, l1Drift: m.drift.l1 }],
      );
      return points.length === 0 ? null : points;
    },
  };
}

/**
 * Sector of each asset in the newest record that labels any (the keeper's constraint-set groups).
 *
 * @example
 * ```ts
 * sectorsOf(records); // { USDC: "Cash", AAPL: "Technology", … }
 * ```
 */
export function sectorsOf(records: readonly PortfolioMetrics[]): Record<string, string> {
  const last = records.findLast((m) => m.weights?.some((w) => w.sector !== undefined));
  return Object.fromEntries(
    (last?.weights ?? []).flatMap((w) => (w.sector === undefined ? [] : [[w.asset, w.sector]])),
  );
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** Options of {@link chainBreakAlerter}. */
export interface ChainBreakAlerterOptions {
  /** Portfolio id stamped on the alerts. */
  readonly portfolio: string;
  /** Clock for `at`; tests pass a fixed one. */
  readonly now?: () => Date;
}

/**
 * Returns a function that publishes one critical `chain-break` alert on `alerts` for each broken
 * audit chain it is shown, at most once per break: a break is identified by contract address, first
 * bad position and the hash found there, remembered in this process and used as the message id, so
 * that several dashboards (or a restart within the bus's dedup window) publish it once.
 *
 * @example
 * ```ts
 * const alertBreaks = chainBreakAlerter(bus, { portfolio: "dao-treasury" });
 * const snap = await source.snapshot();
 * await alertBreaks(snap.audit ?? []);
 * ```
 */
export function chainBreakAlerter(
  bus: MessageBus,
  { portfolio, now = () => new Date() }: ChainBreakAlerterOptions,
): (audit: readonly AuditChainView[]) => Promise<Alert[]> {
  const published = new Set<string>();
  return async (audit) => {
    const sent: Alert[] = [];
    for (const chain of audit) {
      if (chain.ok) continue;
      const position = chain.firstBreak?.position;
      const brk = `${chain.address.toLowerCase()}:${position ?? "head"}:${chain.firstBreak?.actual ?? chain.head}`;
      const key = `chain-break-${createHash("sha256").update(brk).digest("hex")}`;
      if (published.has(key)) continue;
      const alert: Alert = {
        kind: "chain-break",
        severity: "critical",
        portfolio,
        message:
          chain.firstBreak === undefined
            ? `${chain.name} audit chain does not match the contract's head (${chain.count} entries)`
            : `${chain.name} audit chain broken at entry ${chain.firstBreak.position}: ${chain.firstBreak.reason}`,
        ...(position === undefined ? {} : { value: position }),
        at: now().toISOString(),
      };
      await bus.publish("alerts", alert, { id: key });
      published.add(key);
      sent.push(alert);
    }
    return sent;
  };
}
