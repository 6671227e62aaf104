import { expect } from "chai";
import { Registry } from "prom-client";
import { KeeperMetrics, METRIC_PREFIX } from "../../../src/keeper/observability/metrics.ts";
import type { CycleReport } from "../../../src/keeper/cycle/types.ts";
import { parseExposition, sampleValue, samplesOf } from "./exposition.ts";

const VAULT = "0x00000000000000000000000000000000000000Aa";

function report(overrides: Partial<CycleReport>): CycleReport {
  return {
    cycleId: "c1",
    chainTimestamp: 1_765_000_000,
    status: "settled",
    portfolio: VAULT,
    instructionId: `0x${"11".repeat(32)}`,
    inputsHash: `0x${"22".repeat(32)}`,
    buildHash: `0x${"33".repeat(32)}`,
    nonce: "1",
    txHash: `0x${"44".repeat(32)}`,
    blockNumber: "42",
    assets: ["USDC", "WETH"],
    weights: [0.5, 0.5],
    targetWeightsWad: ["500000000000000000", "500000000000000000"],
    legs: 1,
    skipped: [],
    iterations: 17,
    optimizerRuntimeMs: 120,
    cycleMs: 900,
    inputsPath: "/tmp/x",
    viewsAccepted: 0,
    viewsRejected: 0,
    model: null,
    ...overrides,
  };
}

describe("keeper/observability/metrics", () => {
  it("counts evaluations and cycles by their own outcome names, on a registry of its own", async () => {
    const metrics = new KeeperMetrics();
    metrics.evaluated(VAULT, { outcome: "no-trigger", cycleRan: false, durationMs: 5 });
    metrics.evaluated(VAULT, { outcome: "failed", cycleRan: false, durationMs: 5 });
    metrics.evaluated(VAULT, { outcome: "settled", cycleRan: true, durationMs: 2_500, report: report({}) });
    metrics.evaluated(VAULT, { outcome: "refused", cycleRan: true, durationMs: 400 });
    // Found settled before optimising: no optimiser ran, so no iterations are recorded.
    metrics.evaluated(VAULT, {
      outcome: "already-settled",
      cycleRan: true,
      durationMs: 300,
      report: report({ status: "already-settled", weights: [], iterations: 0, txHash: null, blockNumber: null }),
    });
    const page = parseExposition(await metrics.registry.metrics());
    const p = { portfolio: VAULT };
    expect(sampleValue(page, `${METRIC_PREFIX}evaluations_total`, { ...p, outcome: "no-trigger" })).to.equal(1);
    expect(sampleValue(page, `${METRIC_PREFIX}evaluations_total`, { ...p, outcome: "failed" })).to.equal(1);
    expect(samplesOf(page, `${METRIC_PREFIX}cycles_total`).map((s) => [s.labels["outcome"], s.value])).to.deep.equal([
      ["settled", 1],
      ["refused", 1],
      ["already-settled", 1],
    ]);
    expect(sampleValue(page, `${METRIC_PREFIX}cycle_duration_seconds_sum`, { ...p, outcome: "settled" })).to.equal(2.5);
    expect(sampleValue(page, `${METRIC_PREFIX}solver_iterations_count`, p)).to.equal(1);
    expect(sampleValue(page, `${METRIC_PREFIX}solver_iterations_sum`, p)).to.equal(17);
    expect(sampleValue(page, `${METRIC_PREFIX}last_settled_block`, p)).to.equal(42);
    expect(sampleValue(page, `${METRIC_PREFIX}last_settled_timestamp_seconds`, p)).to.equal(1_765_000_000);
    expect(page.types.get(`${METRIC_PREFIX}cycle_duration_seconds`)).to.equal("histogram");
    expect(page.types.get(`${METRIC_PREFIX}cycles_total`)).to.equal("counter");
    expect(page.types.get(`${METRIC_PREFIX}last_settled_block`)).to.equal("gauge");
    // The process-wide default registry is left alone.
    const { register } = await import("prom-client");
    expect(register.getSingleMetric(`${METRIC_PREFIX}cycles_total`)).to.equal(undefined);
  });

  it("puts two portfolios into one shared registry apart by the portfolio label (a fleet)", async () => {
    const registry = new Registry();
    const metrics = new KeeperMetrics({ registry });
    const other = "0x00000000000000000000000000000000000000bB";
    metrics.legSlippage(VAULT, [{ leg: 0, tokenIn: "USDC", tokenOut: "WETH", bps: 31.5 }]);
    metrics.legSlippage(other, [
      { leg: 0, tokenIn: "USDC", tokenOut: "WETH", bps: -2 },
      { leg: 1, tokenIn: "USDC", tokenOut: "WBTC", bps: 12 },
    ]);
    metrics.gasUsed(VAULT, "settled", 412_345n);
    metrics.alert(VAULT, { kind: "drift", severity: "warning" });
    metrics.alert(VAULT, { kind: "drift", severity: "warning" });
    metrics.siem(VAULT, "webhook", { kind: "dropped", reason: "queue-full" });
    const page = parseExposition(await registry.metrics());
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_count`, { portfolio: VAULT })).to.equal(1);
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_count`, { portfolio: other })).to.equal(2);
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_sum`, { portfolio: other })).to.equal(10);
    // A -2 bps improvement falls in the le="0" bucket, 12 bps in le="20" but not le="10".
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_bucket`, { portfolio: other, le: "0" })).to.equal(1);
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_bucket`, { portfolio: other, le: "10" })).to.equal(1);
    expect(sampleValue(page, `${METRIC_PREFIX}slippage_bps_bucket`, { portfolio: other, le: "20" })).to.equal(2);
    expect(
      sampleValue(page, `${METRIC_PREFIX}settlement_gas_used_sum`, { portfolio: VAULT, status: "settled" }),
    ).to.equal(412_345);
    expect(
      sampleValue(page, `${METRIC_PREFIX}alerts_total`, { portfolio: VAULT, kind: "drift", severity: "warning" }),
    ).to.equal(2);
    expect(
      sampleValue(page, `${METRIC_PREFIX}siem_dropped_total`, {
        portfolio: VAULT,
        sink: "webhook",
        reason: "queue-full",
      }),
    ).to.equal(1);
  });
});
