import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { InputError } from "../errors.ts";
import type { MessageBus, Subscription } from "../bus/messageBus.ts";
import { parsePayload, type Alert } from "../bus/topics.ts";
import type { MetricsQuery, MetricsStore, RecordFromBusOptions, StoredAlert, StoredMetrics } from "./metricsStore.ts";
import type { PortfolioMetrics } from "../bus/portfolioMetrics.ts";

type SqliteModule = typeof import("node:sqlite");

let sqlite: SqliteModule | undefined;

/**
 * Loads `node:sqlite` lazily. Node 22 marks it experimental and prints an ExperimentalWarning on
 * first load; exactly that warning is filtered out for the duration of the load, every other
 * warning still goes through.
 */
function loadSqlite(): SqliteModule {
  if (sqlite) return sqlite;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === "string" ? warning : warning.message;
    if (text.startsWith("SQLite is an experimental feature")) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    sqlite = process.getBuiltinModule("node:sqlite") as SqliteModule;
  } finally {
    process.emitWarning = emitWarning;
  }
  return sqlite;
}

// Schema migrations, applied in order inside a transaction each; PRAGMA user_version records how
// many ran. Append only: a released migration never changes.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE portfolio_metrics (
     id TEXT PRIMARY KEY,
     portfolio TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     bus_seq INTEGER,
     received_at TEXT NOT NULL,
     metrics TEXT NOT NULL CHECK (json_valid(metrics))
   ) STRICT;
   CREATE INDEX portfolio_metrics_by_time ON portfolio_metrics (portfolio, at_ms);`,
  `CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     portfolio TEXT,
     kind TEXT NOT NULL,
     severity TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     bus_seq INTEGER,
     received_at TEXT NOT NULL,
     alert TEXT NOT NULL CHECK (json_valid(alert))
   ) STRICT;
   CREATE INDEX alerts_by_time ON alerts (at_ms);
   CREATE INDEX alerts_by_portfolio ON alerts (portfolio, at_ms);`,
];

/** The schema version this code writes (number of migrations). */
export const METRICS_SCHEMA_VERSION = MIGRATIONS.length;

const DEFAULT_LIMIT = 10_000;

function range(query: MetricsQuery): { fromMs: number; toMs: number; limit: number } {
  const fromMs = query.from === undefined ? Number.MIN_SAFE_INTEGER : query.from.getTime();
  const toMs = query.to === undefined ? Number.MAX_SAFE_INTEGER : query.to.getTime();
  if (Number.isNaN(fromMs)) throw new InputError("INPUT_NOT_DATE", "must be a valid Date", "query.from");
  if (Number.isNaN(toMs)) throw new InputError("INPUT_NOT_DATE", "must be a valid Date", "query.to");
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError("STORE_INVALID_LIMIT", `must be an integer ≥ 1, got ${limit}`, "query.limit");
  }
  return { fromMs, toMs, limit };
}

interface MetricsRow {
  id: string;
  bus_seq: number | null;
  received_at: string;
  metrics: string;
}

interface AlertRow {
  id: string;
  bus_seq: number | null;
  received_at: string;
  alert: string;
}

/**
 * The embedded metrics store on SQLite (`node:sqlite`, no native build): one row per
 * `analytics.portfolio` message and per alert, keyed by the bus message id, indexed by portfolio
 * and time. Opening applies pending schema migrations; a database written by a newer version is
 * refused.
 *
 * @example
 * ```ts
 * const store = SqliteMetricsStore.open("metrics.sqlite");
 * await store.recordFromBus(bus);
 * const week = await store.queryMetrics({ portfolio: vault, from: new Date(Date.now() - 7 * 864e5) });
 * ```
 */
export class SqliteMetricsStore implements MetricsStore {
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database at `path` (`:memory:` for a transient store) and migrates it. */
  static open(path: string): SqliteMetricsStore {
    if (typeof path !== "string" || path.length === 0) {
      throw new InputError("STORE_INVALID_PATH", "must be a file path or :memory:", "path");
    }
    const { DatabaseSync } = loadSqlite();
    const db = new DatabaseSync(path);
    try {
      db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteMetricsStore(db);
  }

  /** The schema version of the open database. */
  schemaVersion(): number {
    return userVersion(this.#db);
  }

  async insertMetrics(id: string, metrics: PortfolioMetrics, seq: number | null = null): Promise<boolean> {
    const checked = parsePayload("analytics.portfolio", metrics);
    const result = this.#db
      .prepare(
        `INSERT INTO portfolio_metrics (id, portfolio, at_ms, bus_seq, received_at, metrics)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        checkId(id),
        checked.portfolio,
        Date.parse(checked.at),
        seq,
        new Date().toISOString(),
        JSON.stringify(checked),
      );
    return Number(result.changes) === 1;
  }

  async queryMetrics(query: MetricsQuery & { readonly portfolio: string }): Promise<StoredMetrics[]> {
    if (typeof query.portfolio !== "string" || query.portfolio.length === 0) {
      throw new InputError("STORE_INVALID_PORTFOLIO", "must be a non-empty string", "query.portfolio");
    }
    const { fromMs, toMs, limit } = range(query);
    const rows = this.#db
      .prepare(
        `SELECT id, bus_seq, received_at, metrics FROM (
           SELECT rowid AS r, * FROM portfolio_metrics WHERE portfolio = ? AND at_ms BETWEEN ? AND ?
           ORDER BY at_ms DESC, rowid DESC LIMIT ?
         ) ORDER BY at_ms, r`,
      )
      .all(query.portfolio, fromMs, toMs, limit) as unknown as MetricsRow[];
    return rows.map(toStoredMetrics);
  }

  async latestMetrics(portfolio: string): Promise<StoredMetrics | undefined> {
    const [latest] = await this.queryMetrics({ portfolio, limit: 1 });
    return latest;
  }

  async portfolios(): Promise<string[]> {
    const rows = this.#db.prepare("SELECT DISTINCT portfolio FROM portfolio_metrics ORDER BY portfolio").all();
    return rows.map((row) => String(row.portfolio));
  }

  async insertAlert(id: string, alert: Alert, seq: number | null = null): Promise<boolean> {
    const checked = parsePayload("alerts", alert);
    const params: SQLInputValue[] = [
      checkId(id),
      checked.portfolio ?? null,
      checked.kind,
      checked.severity,
      Date.parse(checked.at),
      seq,
      new Date().toISOString(),
      JSON.stringify(checked),
    ];
    const result = this.#db
      .prepare(
        `INSERT INTO alerts (id, portfolio, kind, severity, at_ms, bus_seq, received_at, alert)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(...params);
    return Number(result.changes) === 1;
  }

  async queryAlerts(query: MetricsQuery = {}): Promise<StoredAlert[]> {
    const { fromMs, toMs, limit } = range(query);
    const byPortfolio = query.portfolio === undefined ? "" : "AND portfolio = ?";
    const params: SQLInputValue[] = [fromMs, toMs, ...(query.portfolio === undefined ? [] : [query.portfolio]), limit];
    const rows = this.#db
      .prepare(
        `SELECT id, bus_seq, received_at, alert FROM (
           SELECT rowid AS r, * FROM alerts WHERE at_ms BETWEEN ? AND ? ${byPortfolio}
           ORDER BY at_ms DESC, rowid DESC LIMIT ?
         ) ORDER BY at_ms, r`,
      )
      .all(...params) as unknown as AlertRow[];
    return rows.map((row) => ({
      id: row.id,
      seq: row.bus_seq,
      receivedAt: row.received_at,
      alert: JSON.parse(row.alert) as Alert,
    }));
  }

  async recordFromBus(bus: MessageBus, options: RecordFromBusOptions = {}): Promise<Subscription[]> {
    const durable = options.durable ?? "metrics-store";
    const subscriptions = [
      await bus.subscribe(
        "analytics.portfolio",
        async (m) => {
          await this.insertMetrics(m.id, m.payload, m.seq);
        },
        { durable },
      ),
    ];
    if (options.alerts !== false) {
      subscriptions.push(
        await bus.subscribe(
          "alerts",
          async (m) => {
            await this.insertAlert(m.id, m.payload, m.seq);
          },
          { durable },
        ),
      );
    }
    return subscriptions;
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}

function checkId(id: string): string {
  if (typeof id !== "string" || id.length === 0 || id.length > 128) {
    throw new InputError("STORE_INVALID_ID", "must be a non-empty string of at most 128 characters", "id");
  }
  return id;
}

function toStoredMetrics(row: MetricsRow): StoredMetrics {
  return {
    id: row.id,
    seq: row.bus_seq,
    receivedAt: row.received_at,
    metrics: JSON.parse(row.metrics) as PortfolioMetrics,
  };
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
}

function migrate(db: DatabaseSync): void {
  const version = userVersion(db);
  if (version > MIGRATIONS.length) {
    throw new InputError(
      "STORE_SCHEMA_NEWER",
      `database schema version ${version} is newer than this code's ${MIGRATIONS.length}; upgrade the software`,
      "path",
    );
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[v] as string);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}
