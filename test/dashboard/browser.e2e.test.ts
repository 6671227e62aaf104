// End-to-end: the dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core)
// against the settled-rebalance fixture. Checks the numbers a person reads, that every chart drew an
// SVG, that an alert published through the source appears live over SSE, and saves a screenshot.
import { expect } from "chai";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { MemorySnapshotSource } from "../../src/dashboard/sources.ts";
import { DRIFT_ALERT, loadFixture } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

describe("dashboard in headless Chromium (end to end)", function () {
  this.timeout(60_000);
  const fixture = loadFixture();
  const source = new MemorySnapshotSource(fixture);
  const pageErrors: string[] = [];
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run)`);
    dashboard = await startDashboard({ source, port: 0, intervalMs: 60_000 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(dashboard.url);
    await page.waitForSelector("body[data-ready=true]");
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  const text = async (testId: string): Promise<string | null> => page.getByTestId(testId).textContent();

  it("shows the portfolio's weights, targets and risk contributions", async () => {
    expect(await text("portfolio-id")).to.equal("dao-treasury");
    expect(await text("portfolio-nav")).to.equal("12,456,789.12 USDC");
    expect(await text("weight-current-WETH")).to.equal("33.95%");
    expect(await text("weight-target-WETH")).to.equal("32.00%");
    expect(await text("weight-current-USDC")).to.equal("23.00%");
    expect(await text("weight-target-USDC")).to.equal("25.00%");
    expect(await text("weight-current-total")).to.equal("100.00%");
    expect(await text("rc-asset-share-WBTC")).to.equal("27.15%");
    expect(await text("rc-asset-budget-WBTC")).to.equal("27.00%");
    expect(await text("rc-sector-share-DeFi")).to.equal("28.28%");
    expect(await text("frontier-current-volatility")).to.equal("44.88%");
    expect(await text("drift-latest-max")).to.equal("2.00%");
  });

  it("shows settlement statuses, audit-chain status, proposals and the alert", async () => {
    const [fin1, rolled, fin2] = fixture.settlements!;
    expect(await text(`settlement-status-${fin1!.instructionId}`)).to.equal("finalized");
    expect(await text(`settlement-status-${rolled!.instructionId}`)).to.equal("rolled-back");
    expect(await text(`settlement-status-${fin2!.instructionId}`)).to.equal("finalized");
    expect(await text(`settlement-gas-${fin1!.instructionId}`)).to.equal("612,345");
    expect(await text("audit-status-ModelRegistry")).to.equal("✔ intact");
    expect(await text("audit-status-RebalanceSettlement")).to.equal("✘ broken");
    expect(await text("audit-count-PortfolioVault")).to.equal("23");
    const intact = await page.getByTestId("audit-status-ModelRegistry").evaluate((el) => getComputedStyle(el).color);
    const broken = await page
      .getByTestId("audit-status-RebalanceSettlement")
      .evaluate((el) => getComputedStyle(el).color);
    expect(intact).to.equal("rgb(26, 127, 55)");
    expect(broken).to.equal("rgb(192, 38, 45)");
    expect(await text("proposal-state-1093847561029384756")).to.equal("Queued");
    expect(await text("alert-0-message")).to.equal(fixture.alerts![0]!.message);
    expect(await page.getByTestId("alerts-list").locator("li").count()).to.equal(1);
    expect(await text("metric-settlement-latency")).to.equal("24.0 s");
  });

  it("draws every chart as SVG with the data's marks", async () => {
    for (const id of ["chart-weights", "chart-risk-asset", "chart-risk-sector", "chart-frontier", "chart-drift"]) {
      expect(await page.locator(`#${id} svg`).count(), id).to.be.greaterThan(0);
    }
    // Ten bars: current and target for each of five assets.
    expect(await page.locator('#chart-weights svg [aria-label="bar"] rect').count()).to.equal(10);
    expect(await page.locator('#chart-risk-asset svg [aria-label="bar"] rect').count()).to.equal(5);
    // Frontier: the line, and dots for its 16 points plus the 4 marked portfolios.
    expect(await page.locator('#chart-frontier svg [aria-label="line"] path').count()).to.equal(1);
    expect(await page.locator('#chart-frontier svg [aria-label="dot"] circle').count()).to.equal(16 + 4);
    expect(await page.locator('#chart-drift svg [aria-label="line"] path').count()).to.equal(2);
    expect(await text("live-status")).to.equal("live");
  });

  it("shows an alert published through the source within moments, over Server-Sent Events", async () => {
    source.update((s) => ({ ...s, alerts: [DRIFT_ALERT, ...(s.alerts ?? [])] }));
    await page.waitForFunction(
      (message) => document.querySelector('[data-testid="alert-0-message"]')?.textContent === message,
      DRIFT_ALERT.message,
      { timeout: 5_000 },
    );
    expect(await page.getByTestId("alerts-list").locator("li").count()).to.equal(2);
    expect(await text("alert-0-severity")).to.equal("warning");
    expect(await text("alert-0-value")).to.equal("6.10% (limit 5.00%)");
    expect(await text("alert-1-kind")).to.equal("chain-break");
    // The charts are redrawn after the panels are swapped in.
    expect(await page.locator("#chart-risk-sector svg").count()).to.be.greaterThan(0);
    expect(pageErrors).to.deep.equal([]);
  });

  it("saves a full-page screenshot", async () => {
    // A temporary directory unless told (DASHBOARD_SCREENSHOT_DIR=docs/img refreshes the docs' copy).
    const dir = process.env["DASHBOARD_SCREENSHOT_DIR"] ?? mkdtempSync(join(tmpdir(), "dash-shot-"));
    const path = join(dir, "dashboard.png");
    const png = await page.screenshot({ path, fullPage: true });
    expect(png.subarray(1, 4).toString()).to.equal("PNG");
    expect(png.length).to.be.greaterThan(50_000);
  });
});
