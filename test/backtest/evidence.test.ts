import { expect } from "chai";
import {
  buildEvidence,
  evidenceBytes,
  evidenceInputsOf,
  evidenceSha256,
  verifyEvidence,
  type EvidenceInputs,
} from "../../src/backtest/evidence.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { sha256Hex } from "../../src/protocol/inputs.ts";
import { randomPrices } from "../helpers/backtestPrices.ts";

const prices = randomPrices(["A", "B", "C", "D"], 300, 5);
const inputs: EvidenceInputs = {
  current: { objective: "min-variance" },
  proposed: { objective: "min-variance", constraints: { bounds: { upper: 0.3 } } },
  prices,
  rebalance: "calendar:monthly",
  lookback: 60,
  costs: { costBps: 10 },
};

describe("backtest/evidence", () => {
  const report = buildEvidence(inputs, optimize);
  const file = JSON.parse(new TextDecoder().decode(evidenceBytes(report))) as unknown;

  it("backtests current and proposed over the same dates and policy, with a one-line summary", () => {
    expect(report.current.metrics.startDate).to.equal(report.proposed.metrics.startDate);
    expect(report.current.rebalances.map((k) => k.date)).to.deep.equal(report.proposed.rebalances.map((k) => k.date));
    for (const k of report.proposed.rebalances) for (const w of k.targetWeights) expect(w <= 0.3 + 1e-7).to.equal(true);
    expect(report.current.rebalances.some((k) => k.targetWeights.some((w) => w > 0.3 + 1e-6))).to.equal(true);
    expect(report.summary).to.match(
      /^backtest \d{4}-\d\d-\d\d…\d{4}-\d\d-\d\d, calendar:monthly: Sharpe -?\d+\.\d\d → -?\d+\.\d\d, max drawdown [\d.]+% → [\d.]+%, turnover [\d.]+% → [\d.]+%\/yr, costs [\d.]+% → [\d.]+%\/yr$/,
    );
    expect(report.summary.split("\n")).to.have.length(1);
  });

  it("the hash is sha256 of the canonical bytes and the same on a second run", () => {
    expect(evidenceSha256(report)).to.equal(sha256Hex(evidenceBytes(report)));
    expect(evidenceSha256(buildEvidence(inputs, optimize))).to.equal(evidenceSha256(report));
    expect(report.inputs.pricesSha256).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("verifyEvidence accepts the report and its hash", () => {
    const check = verifyEvidence(file, inputs, optimize, evidenceSha256(report));
    expect(check).to.deep.equal({
      ok: true,
      reportSha256: evidenceSha256(report),
      recomputedSha256: evidenceSha256(report),
      mismatches: [],
    });
  });

  it("verifyEvidence names a tampered field, a wrong claimed hash and other prices", () => {
    const tampered = structuredClone(file) as { proposed: { metrics: { sharpe: number } } };
    tampered.proposed.metrics.sharpe += 0.5;
    const a = verifyEvidence(tampered, inputs, optimize);
    expect(a.ok).to.equal(false);
    expect(a.mismatches.join("\n")).to.contain("proposed.metrics.sharpe");

    const b = verifyEvidence(file, inputs, optimize, `0x${"0".repeat(64)}`);
    expect(b.ok).to.equal(false);
    expect(b.mismatches[0]).to.contain("claimed hash");

    const other = {
      ...inputs,
      prices: { ...prices, rows: prices.rows.map((r) => r.map((p) => (p === null ? null : p * 1.0001))) },
    };
    const c = verifyEvidence(file, other, optimize);
    expect(c.ok).to.equal(false);
    expect(c.mismatches.join("\n")).to.contain("inputs.pricesSha256");
  });

  it("evidenceInputsOf rebuilds the inputs from the report itself, so a verifier needs only it and the prices", () => {
    expect(report.current.problem).to.deep.equal(inputs.current);
    expect(report.proposed.problem).to.deep.equal(inputs.proposed);
    expect(verifyEvidence(file, evidenceInputsOf(file, prices), optimize, evidenceSha256(report)).ok).to.equal(true);
    const swapped = structuredClone(file) as { proposed: { problem: unknown } };
    swapped.proposed.problem = { objective: "min-variance" };
    const check = verifyEvidence(swapped, evidenceInputsOf(swapped, prices), optimize);
    expect(check.ok).to.equal(false);
    expect(check.mismatches.join("\n")).to.contain("proposed.");
    expect(() => evidenceInputsOf({ version: 1 }, prices, "--report")).to.throw(/--report: is not an evidence report/);
  });
});
