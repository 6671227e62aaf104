import { expect } from "chai";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import type { PortfolioMetrics } from "../../src/bus/portfolioMetrics.ts";
import type { Alert } from "../../src/bus/topics.ts";
import { busHooks, chainBreakAlerter } from "../../src/dashboard/busHooks.ts";
import type { AuditChainView } from "../../src/dashboard/snapshot.ts";
import { expectClose } from "../analytics/expectClose.ts";
import { DRIFT_ALERT } from "./helpers.ts";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

const METRICS: PortfolioMetrics = {
  portfolio: VAULT.toLowerCase(),
  at: "2026-11-23T15:00:00Z",
  frequency: 252,
  observations: 252,
  volatility: 0.2,
  trackingError: 0.04,
  sharpe: 1.25,
  sortino: 1.8,
  beta: 0.9,
  maxDrawdown: 0.12,
  drift: { maxAbs: 0.061, l1: 0.15 },
  riskContribution: { byAsset: { WETH: 0.25, WBTC: 0.75 }, bySector: { L1: 1 } },
  optimizer: { runtimeP95Ms: 42, samples: 20, iterations: 17 },
  settlement: { instructionId: "0x01", latencySeconds: 30, latencyBlocks: 3 },
};

const ALERT: Alert = { ...DRIFT_ALERT, kind: "drift", portfolio: "dao-treasury", at: "2026-11-23T15:05:00+01:00" };

describe("dashboard/busHooks", () => {
  let bus: InProcessBus;
  beforeEach(() => (bus = new InProcessBus()));
  afterEach(() => bus.close());

  it("is null on every section before the bus carried anything", async () => {
    const h = await busHooks(bus, { portfolio: "dao-treasury" });
    expect(await h.hooks.metrics!()).to.equal(null);
    expect(await h.hooks.alerts!()).to.equal(null);
    expect(await h.hooks.drift!()).to.equal(null);
    expect(await h.hooks.risk!()).to.equal(null);
    expect(await h.hooks.frontier!()).to.equal(null);
    await h.close();
  });

  it("shows the keeper's published frontier with the current and target portfolios, keeping the last one a later record lacks", async () => {
    const frontier = {
      riskFreeRate: 0.02,
      points: [
        { volatility: 0.3, expectedReturn: 0.2 },
        { volatility: 0.1, expectedReturn: 0.05 },
        { volatility: 0.15, expectedReturn: 0.12 },
      ],
      current: { volatility: 0.2, expectedReturn: 0.08 },
      target: { volatility: 0.16, expectedReturn: 0.12 },
      minVariance: { volatility: 0.1, expectedReturn: 0.05 },
      maxSharpe: null,
    };
    await bus.publish("analytics.portfolio", { ...METRICS, at: "2026-11-23T14:00:00Z", frontier });
    await bus.publish("analytics.portfolio", {
      ...METRICS,
      frontier: null,
      unavailable: { frontier: "infeasible", beta: "no benchmark configured" },
    });
    const h = await busHooks(bus, { portfolio: VAULT });
    expect(await h.hooks.frontier!()).to.deep.equal({
      points: [
        { volatility: 0.1, return: 0.05 },
        { volatility: 0.15, return: 0.12 },
        { volatility: 0.3, return: 0.2 },
      ],
      current: { volatility: 0.2, return: 0.08 },
      target: { volatility: 0.16, return: 0.12 },
      minVariance: { volatility: 0.1, return: 0.05 },
      riskFreeRate: 0.02,
    });
    expect((await h.hooks.metrics!())?.unavailable).to.deep.equal({
      frontier: "infeasible",
      beta: "no benchmark configured",
    });
    await h.close();
  });

  it("maps retained metrics and alerts of its portfolio to the dashboard's views and units", async () => {
    await bus.publish("analytics.portfolio", {
      ...METRICS,
      at: "2026-11-23T14:00:00Z",
      drift: { maxAbs: 0.02, l1: 0.05 },
      settlement: { instructionId: "0x00", latencySeconds: 10, latencyBlocks: 1 },
    });
    await bus.publish("analytics.portfolio", METRICS);
    await bus.publish("analytics.portfolio", { ...METRICS, portfolio: "other", sharpe: -3 });
    await bus.publish("alerts", ALERT);
    await bus.publish("alerts", { ...ALERT, portfolio: "other", message: "not ours" });
    await bus.publish("alerts", {
      kind: "keeper",
      severity: "critical",
      message: "RPC down",
      at: "2026-11-23T13:00:00Z",
    });

    const h = await busHooks(bus, { portfolio: ["dao-treasury", VAULT] });
    expect(await h.hooks.metrics!()).to.deep.equal({
      sharpe: 1.25,
      sortino: 1.8,
      trackingError: 0.04,
      beta: 0.9,
      maxDrawdown: 0.12,
      optimisationP95Ms: 42,
      solverIterations: 17,
      settlementLatencySeconds: 20, // median of the two settlements, 10 s and 30 s
      window: "252 periods at 252 per year",
    });
    expect(await h.hooks.drift!()).to.deep.equal([
      { time: "2026-11-23T14:00:00.000Z", maxDrift: 0.02, l1Drift: 0.05 },
      { time: "2026-11-23T15:00:00.000Z", maxDrift: 0.061, l1Drift: 0.15 },
    ]);
    const risk = (await h.hooks.risk!())!;
    expect(risk.volatility).to.equal(0.2);
    expect(risk.byAsset.map((r) => [r.name, r.share, r.budget])).to.deep.equal([
      ["WBTC", 0.75, null],
      ["WETH", 0.25, null],
    ]);
    // Relative shares times σ_p: absolute contributions that sum to σ_p.
    expectClose(risk.byAsset[0]!.contribution, 0.15, 1e-15);
    expectClose(
      risk.byAsset.reduce((s, r) => s + r.contribution, 0),
      0.2,
      1e-15,
    );
    expect(risk.bySector).to.deep.equal([{ name: "L1", contribution: 0.2, share: 1, budget: null }]);
    expect(await h.hooks.alerts!()).to.deep.equal([
      // 15:05+01:00 is 14:05Z: after the keeper alert at 13:00Z, so first.
      { ...DRIFT_ALERT, at: "2026-11-23T14:05:00.000Z" },
      { kind: "keeper", severity: "critical", message: "RPC down", at: "2026-11-23T13:00:00.000Z" },
    ]);
    await h.close();
  });

  it("notifies subscribers of a new alert and shows it first", async () => {
    await bus.publish("alerts", ALERT);
    const h = await busHooks(bus, { portfolio: "dao-treasury" });
    let notified = 0;
    const unsubscribe = h.subscribe(() => (notified += 1));
    const fired = new Promise<void>((resolve) => h.subscribe(resolve));
    await bus.publish("alerts", {
      kind: "slippage",
      severity: "critical",
      portfolio: "dao-treasury",
      message: "leg 0 slipped 120 bps",
      value: 120,
      threshold: 50,
      at: "2026-11-23T16:00:00Z",
    });
    await fired;
    expect(notified).to.equal(1);
    const alerts = (await h.hooks.alerts!())!;
    expect(alerts.map((a) => [a.kind, a.value, a.threshold])).to.deep.equal([
      ["slippage", 120, 50],
      ["drift", 0.061, 0.05],
    ]);
    // An alert of another portfolio changes nothing and notifies no one.
    await bus.publish("alerts", { ...ALERT, portfolio: "other", message: "elsewhere" });
    await bus.publish("analytics.portfolio", { ...METRICS, portfolio: "dao-treasury" });
    await new Promise((r) => setTimeout(r, 20));
    expect(notified).to.equal(2); // the metrics message only
    expect(await h.hooks.metrics!()).to.not.equal(null);
    unsubscribe();
    await h.close();
  });

  it("keeps only the newest maxAlerts alerts", async () => {
    for (let i = 0; i < 5; i++) await bus.publish("alerts", { ...ALERT, at: `2026-11-23T1${i}:00:00Z` });
    const h = await busHooks(bus, { portfolio: "dao-treasury", maxAlerts: 2 });
    expect((await h.hooks.alerts!())!.map((a) => a.at)).to.deep.equal([
      "2026-11-23T14:00:00.000Z",
      "2026-11-23T13:00:00.000Z",
    ]);
    await h.close();
  });
});

describe("dashboard/chainBreakAlerter", () => {
  const intact: AuditChainView = {
    name: "ModelRegistry",
    address: VAULT,
    head: `0x${"11".repeat(32)}`,
    count: 4,
    ok: true,
  };
  const broken: AuditChainView = {
    name: "Settlement",
    address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    head: `0x${"22".repeat(32)}`,
    count: 3,
    ok: false,
    firstBreak: {
      position: 3,
      reason: "prev-mismatch",
      expected: `0x${"33".repeat(32)}`,
      actual: `0x${"44".repeat(32)}`,
    },
  };

  it("publishes one critical chain-break alert per break, however often the break is seen", async () => {
    const bus = new InProcessBus();
    const at = new Date("2026-11-23T17:00:00Z");
    const alertBreaks = chainBreakAlerter(bus, { portfolio: "dao-treasury", now: () => at });
    expect(await alertBreaks([intact])).to.deep.equal([]);
    const sent = await alertBreaks([intact, broken]);
    expect(sent).to.have.length(1);
    await alertBreaks([intact, broken]);
    // A second dashboard on the same bus: the message id dedups it.
    await chainBreakAlerter(bus, { portfolio: "dao-treasury" })([broken]);
    const published = await bus.history("alerts");
    expect(published.map((m) => m.payload)).to.deep.equal([
      {
        kind: "chain-break",
        severity: "critical",
        portfolio: "dao-treasury",
        message: "Settlement audit chain broken at entry 3: prev-mismatch",
        value: 3,
        at: "2026-11-23T17:00:00.000Z",
      },
    ]);
    // A different break (the chain broke further along) is a new alert.
    await alertBreaks([{ ...broken, firstBreak: { ...broken.firstBreak!, position: 5 } }]);
    expect(await bus.history("alerts")).to.have.length(2);
    await bus.close();
  });

  it("shows the published chain-break on the bus hooks' alerts", async () => {
    const bus = new InProcessBus();
    const h = await busHooks(bus, { portfolio: "dao-treasury" });
    const fired = new Promise<void>((resolve) => h.subscribe(resolve));
    await chainBreakAlerter(bus, { portfolio: "dao-treasury" })([broken]);
    await fired;
    expect((await h.hooks.alerts!())!.map((a) => [a.kind, a.severity])).to.deep.equal([["chain-break", "critical"]]);
    await h.close();
    await bus.close();
  });
});
