import { expect } from "chai";
import { expectClose } from "./expectClose.ts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import { InputError } from "../../src/errors.ts";
import { alertOnMetrics, evaluateAlerts, publishAlerts } from "../../src/analytics/alerts.ts";
import { buildPortfolioMetrics } from "../../src/analytics/buildPortfolioMetrics.ts";
import type { PortfolioMetrics } from "../../src/bus/portfolioMetrics.ts";
import { symmetricFromRows } from "../../src/optimizer/matrix.ts";
import { sharpeRatio } from "../../src/analytics/returnMetrics.ts";

const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);
const base: PortfolioMetrics = { portfolio: "0xvault", at: "2026-11-24T00:00:00.000Z", frequency: 252 };

describe("analytics/alerts", () => {
  it("raises nothing inside the thresholds", () => {
    const metrics: PortfolioMetrics = {
      ...base,
      drift: { maxAbs: 0.04, l1: 0.08 },
      volatility: 0.2,
      slippage: [{ leg: 0, tokenIn: "WETH", tokenOut: "USDC", bps: 30 }],
      optimizer: { runtimeP95Ms: 80, samples: 20, iterations: 12 },
      auditChain: { intact: true, count: 10, firstBreakPosition: null },
    };
    expect(
      evaluateAlerts(metrics, { maxDrift: 0.05, maxVolatility: 0.25, maxSlippageBps: 50, maxRuntimeP95Ms: 100 }),
    ).to.deep.equal([]);
  });

  it("raises one alert per breached rule, warning above the threshold and critical above twice it", () => {
    const metrics: PortfolioMetrics = {
      ...base,
      drift: { maxAbs: 0.06, l1: 0.12 },
      volatility: 0.6,
      slippage: [
        { leg: 0, tokenIn: "WETH", tokenOut: "USDC", bps: 30 },
        { leg: 1, tokenIn: "USDC", tokenOut: "WBTC", bps: 75 },
      ],
      optimizer: { runtimeP95Ms: 250, samples: 20, iterations: 400 },
      auditChain: { intact: false, count: 7, firstBreakPosition: 7 },
    };
    const alerts = evaluateAlerts(metrics, {
      maxDrift: 0.05,
      maxVolatility: 0.25,
      maxSlippageBps: 50,
      maxRuntimeP95Ms: 100,
    });
    expect(alerts.map((a) => [a.kind, a.severity, a.value, a.threshold])).to.deep.equal([
      ["drift", "warning", 0.06, 0.05],
      ["volatility", "critical", 0.6, 0.25],
      ["slippage", "warning", 75, 50],
      ["optimizer", "critical", 250, 100],
      ["chain-break", "critical", 7, undefined],
    ]);
    expect(alerts.every((a) => a.portfolio === "0xvault" && a.at === base.at)).to.equal(true);
    expect(alerts[2]!.message).to.contain("leg 1 (USDC → WBTC)");
    expect(evaluateAlerts(metrics, { chainBreak: false })).to.deep.equal([]);
  });

  it("post-trade drift: the executed weights' max |w − target| against its own threshold, naming the worst asset", () => {
    const metrics: PortfolioMetrics = {
      ...base,
      drift: { maxAbs: 0.3, l1: 0.6 }, // pre-trade drift: what the rebalance fixed, not alerted here
      postTrade: {
        instructionId: "0xabc",
        weights: [
          { asset: "USDC", weight: 0.512, target: 0.5 },
          { asset: "WETH", weight: 0.488, target: 0.5 },
        ],
        drift: { maxAbs: 0.012, l1: 0.024 },
      },
    };
    expect(evaluateAlerts(metrics, { maxPostTradeDrift: 0.02 })).to.deep.equal([]);
    const [warning] = evaluateAlerts(metrics, { maxPostTradeDrift: 0.01 });
    expect([warning?.kind, warning?.severity, warning?.value, warning?.threshold]).to.deep.equal([
      "drift",
      "warning",
      0.012,
      0.01,
    ]);
    expect(warning?.message).to.equal(
      "post-trade drift 1.20 % (USDC: 51.20 % held, 50.00 % target) above 1.00 % after instruction 0xabc",
    );
    expect(evaluateAlerts(metrics, { maxPostTradeDrift: 0.005 })[0]?.severity).to.equal("critical");
  });

  it("rejects a negative or non-finite threshold", () => {
    const error = (() => {
      try {
        evaluateAlerts(base, { maxDrift: -1 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).path).to.equal("thresholds.maxDrift");
  });

  it("publishes alerts once even when the same metrics are evaluated twice", async () => {
    const bus = new InProcessBus();
    const metrics: PortfolioMetrics = { ...base, drift: { maxAbs: 0.2, l1: 0.3 } };
    const first = await publishAlerts(bus, evaluateAlerts(metrics, { maxDrift: 0.05 }));
    const again = await publishAlerts(bus, evaluateAlerts(metrics, { maxDrift: 0.05 }));
    expect(first.map((r) => r.duplicate)).to.deep.equal([false]);
    expect(again.map((r) => r.duplicate)).to.deep.equal([true]);
    expect((await bus.history("alerts")).length).to.equal(1);
    await bus.close();
  });
});

describe("analytics/alertOnMetrics", () => {
  it("turns every analytics.portfolio message into its alerts, once per breach", async () => {
    const bus = new InProcessBus();
    const sub = await alertOnMetrics(bus, { maxDrift: 0.05, maxSlippageBps: 50 });
    const metrics: PortfolioMetrics = {
      ...base,
      drift: { maxAbs: 0.07, l1: 0.1 },
      slippage: [{ leg: 0, tokenIn: "WETH", tokenOut: "USDC", bps: 120 }],
    };
    await bus.publish("analytics.portfolio", metrics);
    await bus.publish("analytics.portfolio", metrics, { id: "same-metrics-again" });
    await bus.publish("analytics.portfolio", {
      ...base,
      at: "2026-11-25T00:00:00.000Z",
      drift: { maxAbs: 0.01, l1: 0.02 },
    });
    const deadline = Date.now() + 5000;
    while ((await bus.history("alerts")).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const alerts = (await bus.history("alerts")).map((m) => [m.payload.kind, m.payload.severity]);
    expect(alerts).to.deep.equal([
      ["drift", "warning"],
      ["slippage", "critical"],
    ]);
    await sub.close();
    await bus.close();
  });

  it("refuses bad thresholds before subscribing", async () => {
    const bus = new InProcessBus();
    const error = await alertOnMetrics(bus, { maxVolatility: Number.NaN }).catch((e: unknown) => e);
    expect((error as InputError).path).to.equal("thresholds.maxVolatility");
    await bus.close();
  });
});

describe("analytics/buildPortfolioMetrics", () => {
  it("bundles every metric into a valid record the bus accepts", async () => {
    const returns = Float64Array.of(0.01, 0.02, -0.01, 0.03);
    const benchmark = Float64Array.of(0.01, 0.01, 0.0, 0.02);
    const metrics = buildPortfolioMetrics({
      portfolio: "0xvault",
      at: new Date("2026-11-24T00:00:00Z"),
      frequency: 4,
      riskFreeRate: 0.04,
      returns,
      benchmark,
      allocation: {
        assets: ["WETH", "USDC"],
        weights: Float64Array.of(0.65, 0.35),
        targets: Float64Array.of(0.6, 0.4),
        sectors: ["crypto", "cash"],
      },
      covariance: symmetricFromRows(
        [
          [0.04, 0.006],
          [0.006, 0.09],
        ],
        "covariance",
      ),
      optimizer: { runtimesMs: Float64Array.from({ length: 20 }, (_, i) => i + 1), iterations: 14 },
      legs: [
        {
          tokenIn: "WETH",
          tokenOut: "USDC",
          amountIn: 10n ** 18n,
          amountOut: 1_990_000_000n,
          decimalsIn: 18,
          decimalsOut: 6,
          priceIn: { answer: 2000_00000000n, decimals: 8 },
          priceOut: { answer: 1_00000000n, decimals: 8 },
        },
      ],
      settlement: { instructionId: "0x01", issuedAt: 100n, issuedBlock: 10n, finalizedAt: 124n, finalizedBlock: 12n },
      auditChain: { intact: true, count: 3, firstBreakPosition: null },
    });
    expect(metrics.observations).to.equal(4);
    expect(metrics.sharpe).to.equal(sharpeRatio(returns, { frequency: 4, riskFreeRate: 0.04 }));
    expectClose(metrics.sortino, 5, 1e-12);
    expectClose(metrics.maxDrawdown, 0.01, 1e-15);
    expectClose(metrics.drift!.maxAbs, 0.05, 1e-15);
    expect(metrics.weights).to.deep.equal([
      { asset: "WETH", weight: 0.65, target: 0.6, sector: "crypto" },
      { asset: "USDC", weight: 0.35, target: 0.4, sector: "cash" },
    ]);
    const rc = metrics.riskContribution!;
    expectClose(rc.byAsset.WETH! + rc.byAsset.USDC!, 1, 1e-12);
    expect(rc.bySector.crypto).to.equal(rc.byAsset.WETH);
    expect(metrics.optimizer).to.deep.equal({ runtimeP95Ms: 19, samples: 20, iterations: 14 });
    expect(metrics.slippage).to.deep.equal([{ leg: 0, tokenIn: "WETH", tokenOut: "USDC", bps: 50 }]);
    expect(metrics.settlement).to.deep.equal({ instructionId: "0x01", latencySeconds: 24, latencyBlocks: 2 });
    const bus = new InProcessBus();
    await bus.publish("analytics.portfolio", metrics);
    expect((await bus.history("analytics.portfolio"))[0]!.payload).to.deep.equal(metrics);
    await bus.close();
  });

  it("without a benchmark, tracking error and beta are null with the reason; with a partial one, they use the aligned pair", () => {
    const returns = Float64Array.of(0.01, -0.02, 0.015, 0.005);
    const none = buildPortfolioMetrics({
      portfolio: "p",
      at: new Date(0),
      returns,
      benchmarkUnavailable: "no benchmark configured",
    });
    expect([none.trackingError, none.beta]).to.deep.equal([null, null]);
    expect(none.unavailable).to.deep.equal({
      trackingError: "no benchmark configured",
      beta: "no benchmark configured",
    });
    // Three of the four periods have a benchmark return: TE and beta over those, volatility over all four.
    const r = Float64Array.of(0.01, 0.015, 0.005);
    const b = Float64Array.of(0.02, 0.01, 0.0);
    const partial = buildPortfolioMetrics({
      portfolio: "p",
      at: new Date(0),
      returns,
      benchmark: { returns: r, benchmark: b },
    });
    // Closed forms: active = (−0.01, 0.005, 0.005), mean 0, sd = √(1.5e-4 / 2); beta = Σ(r−r̄)(b−b̄)/Σ(b−b̄)² = 0.5e-4/2e-4.
    expectClose(partial.trackingError, Math.sqrt(1.5e-4 / 2) * Math.sqrt(252), 1e-12);
    expectClose(partial.beta, 0.25, 1e-12);
    expect(partial.observations).to.equal(4);
    expect(partial.unavailable).to.equal(undefined);
    const grouped = buildPortfolioMetrics({
      portfolio: "p",
      at: new Date(0),
      allocation: {
        assets: ["A", "B", "C"],
        weights: f64(0.5, 0.3, 0.2),
        targets: f64(0.4, 0.4, 0.2),
        groups: [{ name: "g", assets: ["A", "C"] }],
      },
      covariance: symmetricFromRows(
        [
          [0.04, 0, 0],
          [0, 0.04, 0],
          [0, 0, 0.04],
        ],
        "covariance",
      ),
      postTrade: { instructionId: "0x1", weights: f64(0.41, 0.39, 0.2) },
    });
    expect(grouped.weights?.map((w) => w.sector)).to.deep.equal(["g", "(ungrouped)", "g"]);
    // Equal variances, no correlation: RC_i = w_i² / Σ w_j² = (0.25, 0.09, 0.04) / 0.38.
    expectClose(grouped.riskContribution!.bySector["g"], 0.29 / 0.38, 1e-12);
    expectClose(grouped.riskContribution!.bySector["(ungrouped)"], 0.09 / 0.38, 1e-12);
    expectClose(grouped.postTrade!.drift.maxAbs, 0.01, 1e-12);
    expectClose(grouped.postTrade!.drift.l1, 0.02, 1e-12);
  });

  it("turns undefined ratios into null and refuses inputs that do not fit together", () => {
    const flat = buildPortfolioMetrics({ portfolio: "p", at: new Date(0), returns: Float64Array.of(0.01, 0.01, 0.01) });
    expect([flat.sharpe, flat.sortino, flat.volatility, flat.maxDrawdown]).to.deep.equal([null, null, 0, 0]);
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as InputError).code;
      }
      return "none";
    };
    expect(
      code(() => buildPortfolioMetrics({ portfolio: "p", at: new Date(0), benchmark: Float64Array.of(0, 0) })),
    ).to.equal("BENCHMARK_WITHOUT_RETURNS");
    expect(code(() => buildPortfolioMetrics({ portfolio: "p", at: new Date(Number.NaN) }))).to.equal("INPUT_NOT_DATE");
    expect(
      code(() =>
        buildPortfolioMetrics({
          portfolio: "p",
          at: new Date(0),
          postTrade: { instructionId: "0x1", weights: f64(1) },
        }),
      ),
    ).to.equal("POST_TRADE_WITHOUT_TARGETS");
    expect(code(() => buildPortfolioMetrics({ portfolio: "", at: new Date(0) }))).to.equal("METRICS_INVALID");
  });
});
