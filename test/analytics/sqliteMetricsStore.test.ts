import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import type { Alert } from "../../src/bus/topics.ts";
import { InputError } from "../../src/errors.ts";
import type { PortfolioMetrics } from "../../src/bus/portfolioMetrics.ts";
import { METRICS_SCHEMA_VERSION, SqliteMetricsStore } from "../../src/analytics/sqliteMetricsStore.ts";

const metricsAt = (portfolio: string, day: number, sharpe = day / 10): PortfolioMetrics => ({
  portfolio,
  at: new Date(Date.UTC(2026, 10, day)).toISOString(),
  frequency: 252,
  sharpe,
});

describe("analytics/SqliteMetricsStore", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "metrics-store-"));
    path = join(dir, "metrics.sqlite");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("migrates a new file to the current schema and keeps data across reopen", async () => {
    const store = SqliteMetricsStore.open(path);
    expect(store.schemaVersion()).to.equal(METRICS_SCHEMA_VERSION);
    expect(await store.insertMetrics("m1", metricsAt("0xa", 1))).to.equal(true);
    await store.close();
    const reopened = SqliteMetricsStore.open(path);
    expect(reopened.schemaVersion()).to.equal(METRICS_SCHEMA_VERSION);
    expect((await reopened.latestMetrics("0xa"))?.metrics).to.deep.equal(metricsAt("0xa", 1));
    await reopened.close();
  });

  it("refuses a database written by a newer schema", async () => {
    const store = SqliteMetricsStore.open(path);
    await store.close();
    const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
    const db = new DatabaseSync(path);
    db.exec("PRAGMA user_version = 99");
    db.close();
    try {
      SqliteMetricsStore.open(path);
      expect.fail("opened a newer schema");
    } catch (error) {
      expect((error as InputError).code).to.equal("STORE_SCHEMA_NEWER");
    }
  });

  it("queries by portfolio and inclusive time range, oldest first, limit keeping the most recent", async () => {
    const store = SqliteMetricsStore.open(path);
    for (const day of [5, 1, 3, 2, 4]) await store.insertMetrics(`a${day}`, metricsAt("0xa", day), day);
    await store.insertMetrics("b1", metricsAt("0xb", 3));
    const days = (rows: { metrics: PortfolioMetrics }[]): number[] =>
      rows.map((r) => new Date(r.metrics.at).getUTCDate());
    expect(days(await store.queryMetrics({ portfolio: "0xa" }))).to.deep.equal([1, 2, 3, 4, 5]);
    const range = await store.queryMetrics({
      portfolio: "0xa",
      from: new Date(Date.UTC(2026, 10, 2)),
      to: new Date(Date.UTC(2026, 10, 4)),
    });
    expect(days(range)).to.deep.equal([2, 3, 4]);
    expect(range.map((r) => r.seq)).to.deep.equal([2, 3, 4]);
    expect(days(await store.queryMetrics({ portfolio: "0xa", limit: 2 }))).to.deep.equal([4, 5]);
    expect((await store.latestMetrics("0xa"))?.id).to.equal("a5");
    expect(await store.latestMetrics("0xnone")).to.equal(undefined);
    expect(await store.portfolios()).to.deep.equal(["0xa", "0xb"]);
    await store.close();
  });

  it("stores a message id once and rejects invalid records without writing", async () => {
    const store = SqliteMetricsStore.open(path);
    expect(await store.insertMetrics("same", metricsAt("0xa", 1, 1))).to.equal(true);
    expect(await store.insertMetrics("same", metricsAt("0xa", 1, 2))).to.equal(false);
    expect((await store.queryMetrics({ portfolio: "0xa" })).map((r) => r.metrics.sharpe)).to.deep.equal([1]);
    const bad = await store
      .insertMetrics("bad", { ...metricsAt("0xa", 2), sharpe: Number.NaN })
      .catch((e: unknown) => e as InputError);
    expect((bad as InputError).path).to.equal("analytics.portfolio.sharpe");
    const limit = await store.queryMetrics({ portfolio: "0xa", limit: 0 }).catch((e: unknown) => e as InputError);
    expect((limit as InputError).path).to.equal("query.limit");
    expect((await store.queryMetrics({ portfolio: "0xa" })).length).to.equal(1);
    await store.close();
  });

  it("records every analytics.portfolio and alerts message from the bus, idempotently", async () => {
    const store = SqliteMetricsStore.open(path);
    const bus = new InProcessBus();
    await bus.publish("analytics.portfolio", metricsAt("0xa", 1)); // before the recorder: replayed from history
    await store.recordFromBus(bus);
    // A second recorder on the same database (a restarted one, or a redelivery) writes nothing twice.
    await store.recordFromBus(bus, { durable: "second-recorder" });
    await bus.publish("analytics.portfolio", metricsAt("0xa", 2));
    await bus.publish("analytics.portfolio", metricsAt("0xb", 2));
    const alert: Alert = {
      kind: "drift",
      severity: "warning",
      portfolio: "0xa",
      message: "drift",
      value: 0.06,
      threshold: 0.05,
      at: "2026-11-02T00:00:00.000Z",
    };
    await bus.publish("alerts", alert);
    const count = async (): Promise<number> =>
      (await store.queryMetrics({ portfolio: "0xa" })).length + (await store.queryMetrics({ portfolio: "0xb" })).length;
    const deadline = Date.now() + 5000;
    while ((await count()) < 3 || (await store.queryAlerts()).length < 1) {
      if (Date.now() > deadline) throw new Error("recorder did not store the messages");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await count()).to.equal(3);
    const stored = await store.queryMetrics({ portfolio: "0xa" });
    const history = await bus.history("analytics.portfolio");
    expect(stored.map((r) => r.id)).to.deep.equal(
      history.filter((m) => m.payload.portfolio === "0xa").map((m) => m.id),
    );
    const alerts = await store.queryAlerts({ portfolio: "0xa" });
    expect(alerts.map((a) => a.alert)).to.deep.equal([alert]);
    expect(await store.queryAlerts({ portfolio: "0xb" })).to.deep.equal([]);
    await bus.close();
    await store.close();
  });

  it("loads node:sqlite without printing its ExperimentalWarning", () => {
    const script = `
      const { SqliteMetricsStore } = await import(${JSON.stringify(new URL("../../src/analytics/sqliteMetricsStore.ts", import.meta.url).href)});
      const store = SqliteMetricsStore.open(":memory:");
      process.emitWarning("other warnings still print");
      await store.close();`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.not.contain("SQLite is an experimental feature");
    expect(run.stderr).to.contain("other warnings still print");
  });
});
