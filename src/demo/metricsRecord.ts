// The demo's metrics store: what its keeper cycles published on the in-process bus, kept in SQLite
// so that `portfolio dashboard --metrics-db` shows it after the demo's process (and bus) are gone.
import { rmSync } from "node:fs";
import { SqliteMetricsStore } from "../analytics/sqliteMetricsStore.ts";
import type { MessageBus } from "../bus/messageBus.ts";

/**
 * Copies the bus's retained `analytics.portfolio` and `alerts` messages into a fresh SQLite metrics
 * store at `path` (a previous file is replaced); returns how many of each were stored.
 *
 * @example
 * ```ts
 * await recordMetrics(bus, "out/demo/metrics.sqlite"); // { metrics: 4, alerts: 1 }
 * ```
 */
export async function recordMetrics(bus: MessageBus, path: string): Promise<{ metrics: number; alerts: number }> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  const store = SqliteMetricsStore.open(path);
  try {
    let metrics = 0;
    let alerts = 0;
    for (const m of await bus.history("analytics.portfolio", { limit: 100_000 })) {
      if (await store.insertMetrics(m.id, m.payload, m.seq)) metrics++;
    }
    for (const m of await bus.history("alerts", { limit: 100_000 })) {
      if (await store.insertAlert(m.id, m.payload, m.seq)) alerts++;
    }
    return { metrics, alerts };
  } finally {
    await store.close();
  }
}
