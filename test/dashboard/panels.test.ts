import { expect } from "chai";
import { renderPage } from "../../src/dashboard/page.ts";
import { PANEL_IDS, renderPanels } from "../../src/dashboard/panels.ts";
import { emptySnapshot } from "../../src/dashboard/snapshot.ts";
import { loadFixture } from "./helpers.ts";

/** The text of the element carrying `data-testid="id"` (elements here have no nested markup). */
function byTestId(html: string, id: string): string | undefined {
  const match = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1];
}

describe("dashboard/panels", () => {
  const snap = loadFixture();
  const page = renderPage(snap);

  it("shows weights, targets and their difference in percent with two decimals", () => {
    expect(byTestId(page, "weight-current-WETH")).to.equal("33.95%");
    expect(byTestId(page, "weight-target-WETH")).to.equal("32.00%");
    expect(byTestId(page, "weight-diff-WETH")).to.equal("+1.95 pp");
    expect(byTestId(page, "weight-diff-USDC")).to.equal("-2.00 pp");
    expect(byTestId(page, "weight-current-total")).to.equal("100.00%");
    expect(byTestId(page, "weight-target-total")).to.equal("100.00%");
  });

  it("shows risk contributions by asset and sector with budgets, and the frontier's marked portfolios", () => {
    expect(byTestId(page, "rc-asset-share-WETH")).to.equal("44.52%");
    expect(byTestId(page, "rc-asset-budget-WETH")).to.equal("45.00%");
    expect(byTestId(page, "rc-asset-budget-USDC")).to.equal("—");
    expect(byTestId(page, "rc-sector-share-L1")).to.equal("71.67%");
    expect(byTestId(page, "risk-volatility")).to.equal("44.88%");
    expect(byTestId(page, "frontier-current-volatility")).to.equal("44.88%");
    expect(byTestId(page, "frontier-current-return")).to.equal("23.70%");
    // Sharpe of the max-Sharpe point: (0.0805 − 0.045) / 0.0768.
    expect(byTestId(page, "frontier-max-sharpe-sharpe")).to.equal("0.46");
  });

  it("says why a metric is missing when the source gives a reason, and leaves out an undefined max-Sharpe point", () => {
    const { maxSharpe: _omitted, ...frontier } = snap.frontier!;
    const html = renderPage({
      ...snap,
      frontier,
      metrics: {
        ...snap.metrics!,
        trackingError: null,
        beta: null,
        unavailable: { trackingError: "no benchmark configured", beta: "no benchmark configured", other: "x" },
      },
    });
    expect(byTestId(html, "metric-tracking-error")).to.equal("—");
    expect(byTestId(html, "metrics-unavailable")).to.equal("Tracking error and Beta: no benchmark configured.");
    expect(byTestId(html, "frontier-max-sharpe-volatility")).to.equal(undefined);
    expect(byTestId(html, "frontier-min-variance-volatility")).to.not.equal(undefined);
  });

  it("shows settlements with status, latency and slippage, and audit chains with their status", () => {
    const [fin, rolled] = snap.settlements!;
    expect(byTestId(page, `settlement-status-${fin!.instructionId}`)).to.equal("finalized");
    expect(byTestId(page, `settlement-latency-${fin!.instructionId}`)).to.equal("24.0 s");
    expect(byTestId(page, `settlement-slippage-${fin!.instructionId}`)).to.equal("12.4 bp");
    expect(byTestId(page, `settlement-status-${rolled!.instructionId}`)).to.equal("rolled-back");
    expect(byTestId(page, `settlement-reason-${rolled!.instructionId}`)).to.contain("Settlement__LegBelowLimit");
    expect(byTestId(page, "audit-status-ModelRegistry")).to.equal("✔ intact");
    expect(byTestId(page, "audit-count-ModelRegistry")).to.equal("7");
    expect(byTestId(page, "audit-status-RebalanceSettlement")).to.equal("✘ broken");
    expect(byTestId(page, "audit-break-RebalanceSettlement")).to.equal("at entry 12: head-mismatch");
  });

  it("shows proposals, parameters, metrics and alerts", () => {
    expect(byTestId(page, "proposal-for-1093847561029384756")).to.equal("2,400,000");
    expect(byTestId(page, "proposal-state-1093847561029384756")).to.equal("Queued");
    expect(byTestId(page, "param-drift-threshold")).to.equal("5.00%");
    expect(byTestId(page, "param-optimizer")).to.equal("BLACK_LITTERMAN");
    expect(byTestId(page, "metric-sharpe")).to.equal("1.42");
    expect(byTestId(page, "metric-max-drawdown")).to.equal("18.70%");
    expect(byTestId(page, "alert-0-severity")).to.equal("critical");
    expect(byTestId(page, "alert-0-message")).to.equal(
      "Audit chain of RebalanceSettlement breaks at entry 12 (head-mismatch)",
    );
  });

  it("shows a proposal's backtest evidence: its summary and short hash under the description", () => {
    const sha256 = `0x${"5e".repeat(31)}a1`;
    const summary = "backtest 2020-03-02…2020-08-11, calendar:monthly: Sharpe 1.10 → 1.30";
    const first = snap.proposals![0]!;
    const html = renderPanels({
      ...snap,
      proposals: [{ ...first, description: `Raise δ to 8\n\nEvidence: sha256 ${sha256} — ${summary}` }],
    }).proposals;
    const k = first.id;
    expect(byTestId(html, `proposal-description-${k}`)).to.equal("Raise δ to 8");
    expect(byTestId(html, `proposal-evidence-${k}`)).to.equal(summary);
    expect(byTestId(html, `proposal-evidence-hash-${k}`)).to.equal("0x5e5e…5ea1");
    expect(html).to.contain(`title="${sha256}"`);
    expect(byTestId(page, `proposal-evidence-${k}`)).to.equal(undefined);
  });

  it('says "no data yet" for every absent section instead of showing zeros', () => {
    const panels = renderPanels(emptySnapshot({ id: "p", address: null, chainId: null }));
    for (const id of PANEL_IDS.filter((p) => p !== "header")) {
      expect(panels[id], id).to.match(/data-testid="[a-z]+-empty">No .* data yet\.</);
    }
  });

  it("escapes text from the sources, in the HTML and in the embedded JSON", () => {
    const evil = "</script><script>alert(1)</script>";
    const html = renderPage({
      ...snap,
      alerts: [{ ...snap.alerts![0]!, message: evil }],
      proposals: [{ ...snap.proposals![0]!, description: `<b onclick="x">${evil}` }],
    });
    expect(html).not.to.contain("<script>alert(1)");
    expect(html).not.to.contain("<b onclick");
    expect(html.match(/<script/g)).to.have.length(2);
  });
});
