// Dashboard sections from a metrics store: what a keeper published, read after the bus that carried
// it is gone (the demo writes one; `portfolio dashboard --metrics-db`).
import { existsSync, statSync } from "node:fs";
import { SqliteMetricsStore } from "../analytics/sqliteMetricsStore.ts";
import type { MetricsStore } from "../analytics/metricsStore.ts";
import type { PortfolioMetrics } from "../bus/portfolioMetrics.ts";
import { InputError } from "../errors.ts";
import { alertView, metricsHooks, sectorsOf } from "./busHooks.ts";
import type { SnapshotHooks } from "./chainSource.ts";

/** What {@link storeHooks} returns. */
export interface StoreHooks {
  /** `metrics`, `risk`, `frontier`, `drift` and `alerts`, re-read from the store on every snapshot. */
  readonly hooks: Pick<SnapshotHooks, "metrics" | "risk" | "frontier" | "drift" | "alerts">;
  /** Sector of each asset in the newest record that labels any. */
  sectors(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Alerts shown, newest first. */
const MAX_ALERTS = 100;

/**
 * Hooks over a {@link MetricsStore} for the portfolio known by any of `portfolio` (its name and/or
 * the vault address, matched case-insensitively): its metrics history, and the alerts that name it
 * or no portfolio.
 *
 * @example
 * ```ts
 * const fromStore = storeHooks(SqliteMetricsStore.open("out/demo/metrics.sqlite"), [vault]);
 * ```
 */
export function storeHooks(store: MetricsStore, portfolio: readonly string[]): StoreHooks {
  const ids = new Set(portfolio.map((p) => p.toLowerCase()));
  const records = async (): Promise<PortfolioMetrics[]> => {
    const names = (await store.portfolios()).filter((p) => ids.has(p.toLowerCase()));
    const rows = (await Promise.all(names.map((name) => store.queryMetrics({ portfolio: name })))).flat();
    return rows.map((r) => r.metrics).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  };
  return {
    hooks: {
      ...metricsHooks(records),
      alerts: async () => {
        const mine = (await store.queryAlerts()).filter(
          (r) => r.alert.portfolio === undefined || ids.has(r.alert.portfolio.toLowerCase()),
        );
        return mine
          .map((r) => alertView(r.alert))
          .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
          .slice(0, MAX_ALERTS);
      },
    },
    sectors: async () => sectorsOf(await records()),
    close: () => store.close(),
  };
}

/**
 * Opens an existing SQLite metrics store for {@link storeHooks}; a missing file is the user's to fix,
 * not an empty store to create.
 *
 * @throws {InputError} `METRICS_DB_MISSING` naming `field`.
 * @example
 * ```ts
 * const store = openMetricsDb("out/demo/metrics.sqlite", "--metrics-db");
 * ```
 */
export function openMetricsDb(path: string, field: string): MetricsStore {
  return SqliteMetricsStore.open(checkMetricsDb(path, field));
}

/**
 * `path` when a file is there to open as a metrics store.
 *
 * @throws {InputError} `METRICS_DB_MISSING` naming `field`.
 * @example
 * ```ts
 * checkMetricsDb("out/demo/metrics.sqlite", "--metrics-db");
 * ```
 */
export function checkMetricsDb(path: string, field: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError("METRICS_DB_MISSING", `no metrics store at ${path}`, field);
  }
  return path;
}
