// The dashboard's metrics-store hooks over a real SQLite store, filled the way the demo fills it
// (src/demo/metricsRecord.ts: a bus's retained messages copied in).
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPortfolioMetrics } from "../../src/analytics/buildPortfolioMetrics.ts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import { recordMetrics } from "../../src/demo/metricsRecord.ts";
import { checkMetricsDb, openMetricsDb, storeHooks } from "../../src/dashboard/storeHooks.ts";
import { InputError } from "../../src/errors.ts";
import { symmetricFromRows } from "../../src/optimizer/matrix.ts";
import { expectNear } from "../helpers/expect.ts";

const VAULT = "0x5f3f1dBD7B74C6B46e8c44f98792A1dAf8d69154";

function metricsAt(at: string, weights: number[]): ReturnType<typeof buildPortfolioMetrics> {
  return buildPortfolioMetrics({
    portfolio: VAULT,
    at: new Date(at),
    returns: Float64Array.from([0.01, -0.005, 0.002, 0.004]),
    allocation: {
      assets: ["USDC", "AAPL"],
      weights: Float64Array.from(weights),
      targets: Float64Array.from([0.4, 0.6]),
      groups: [
        { name: "Cash", assets: ["USDC"] },
        { name: "Technology", assets: ["AAPL"] },
      ],
    },
    covariance: symmetricFromRows(
      [
        [0.0001, 0],
        [0, 0.09],
      ],
      "covariance",
    ),
  });
}

describe("dashboard/storeHooks over the demo's SQLite metrics store", () => {
  it("shows the recorded metrics, risk, drift, sectors and alerts of the vault, matched case-insensitively", async () => {
    const bus = new InProcessBus();
    await bus.publish("analytics.portfolio", metricsAt("2026-12-01T00:00:00Z", [0.5, 0.5]));
    await bus.publish("analytics.portfolio", metricsAt("2026-12-02T00:00:00Z", [0.41, 0.59]));
    await bus.publish("analytics.portfolio", { ...metricsAt("2026-12-02T00:00:00Z", [1, 0]), portfolio: "other" });
    await bus.publish("alerts", {
      kind: "drift",
      severity: "warning",
      portfolio: VAULT,
      message: "post-trade drift 1.00 %",
      at: "2026-12-02T00:00:01Z",
    });
    await bus.publish("alerts", {
      kind: "volatility",
      severity: "info",
      portfolio: "other",
      message: "x",
      at: "2026-12-02T00:00:02Z",
    });
    const path = join(mkdtempSync(join(tmpdir(), "store-hooks-")), "metrics.sqlite");
    expect(await recordMetrics(bus, path)).to.deep.equal({ metrics: 3, alerts: 2 });
    await bus.close();

    const fromStore = storeHooks(openMetricsDb(path, "--metrics-db"), ["localhost", VAULT.toLowerCase()]);
    try {
      const { hooks } = fromStore;
      const drift = await hooks.drift!();
      expect(drift?.map((d) => d.time)).to.deep.equal(["2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z"]);
      expectNear(drift![1]!.maxDrift, 0.01, 1e-12);
      const metrics = await hooks.metrics!();
      expect(metrics?.maxDrawdown).to.be.a("number");
      const risk = await hooks.risk!();
      expect(risk?.bySector.map((r) => r.name)).to.deep.equal(["Technology", "Cash"]);
      expect(await fromStore.sectors()).to.deep.equal({ USDC: "Cash", AAPL: "Technology" });
      const alerts = await hooks.alerts!();
      expect(alerts?.map((a) => a.kind)).to.deep.equal(["drift"]);
    } finally {
      await fromStore.close();
    }
  });

  it("refuses a missing store instead of creating an empty one", () => {
    const path = join(mkdtempSync(join(tmpdir(), "store-hooks-")), "none.sqlite");
    for (const open of [() => checkMetricsDb(path, "--metrics-db"), () => openMetricsDb(path, "--metrics-db")]) {
      try {
        open();
        expect.fail("opened a missing store");
      } catch (error) {
        expect(error).to.be.instanceOf(InputError);
        expect((error as InputError).code).to.equal("METRICS_DB_MISSING");
        expect((error as InputError).path).to.equal("--metrics-db");
      }
    }
  });
});
