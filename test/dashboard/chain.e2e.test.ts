// End-to-end on a real local chain: the demo settles three rebalances in-process, then the dashboard
// reads that chain (registry, vault, oracle, settlement events, governance, audit logs) and headless
// Chromium (Debian's `chromium`, driven by playwright-core) shows the numbers. Saves a screenshot.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { chromium, type Browser, type Page } from "playwright-core";
import { createPublicClient, custom, type PublicClient } from "viem";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import { chainHooks } from "../../src/dashboard/chainHooks.ts";
import { ChainSnapshotSource } from "../../src/dashboard/chainSource.ts";
import { formatPercent } from "../../src/dashboard/format.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { runDemo, type DemoReport } from "../../src/demo/runDemo.ts";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "../..");

describe("dashboard on a local chain with settled rebalances (headless Chromium)", function () {
  this.timeout(180_000);
  let connection: Awaited<ReturnType<typeof network.create>>;
  let report: DemoReport;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run)`);
    connection = await network.create();
    const transport = custom(connection.provider);
    report = await runDemo({
      transport,
      connection,
      network: "hardhat",
      root,
      outDir: mkdtempSync(join(tmpdir(), "dash-chain-")),
    });
    const client = createPublicClient({ transport }) as PublicClient;
    const d = report.deployment;
    const fromBlock = BigInt(d.blockNumber);
    const source = new ChainSnapshotSource({
      client,
      portfolio: { id: "demo", address: d.contracts.PortfolioVault, chainId: report.chainId },
      registry: d.contracts.ModelRegistry,
      audited: [
        { name: "ModelRegistry", address: d.contracts.ModelRegistry },
        { name: "Settlement", address: d.contracts.Settlement },
      ],
      fromBlock,
      hooks: chainHooks({
        client,
        vault: d.contracts.PortfolioVault,
        settlement: d.contracts.Settlement,
        oracle: d.contracts.ChainlinkPriceOracle,
        fromBlock,
        governance: parseDeployment(d, "demo deployment"),
      }),
    });
    dashboard = await startDashboard({ source, port: 0, intervalMs: 60_000 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(dashboard.url);
    await page.waitForSelector("body[data-ready=true]");
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await connection?.close();
  });

  const text = async (testId: string): Promise<string | null> => page.getByTestId(testId).textContent();

  it("lists every settled instruction as finalized", async () => {
    for (const r of report.rebalances) {
      expect(await text(`settlement-status-${r.instructionId}`)).to.equal("finalized");
    }
  });

  it("shows the vault's weights after the last rebalance beside its targets", async () => {
    const last = report.rebalances.at(-1)!;
    for (const [symbol, weight] of Object.entries(last.weightsAfter)) {
      expect(await text(`weight-current-${symbol}`)).to.equal(formatPercent(weight));
      expect(await text(`weight-target-${symbol}`)).to.equal(formatPercent(last.weights[symbol]!));
    }
  });

  it("shows both audit chains intact with their entry counts, and the registry's parameters", async () => {
    for (const chain of report.auditChains) {
      expect(await text(`audit-status-${chain.contract}`)).to.equal("✔ intact");
      expect(await text(`audit-count-${chain.contract}`)).to.equal(String(chain.entries));
    }
    expect(await page.getByText("BLACK_LITTERMAN").count()).to.be.greaterThan(0);
  });

  it("saves a screenshot of the settled portfolio", async () => {
    mkdirSync("out", { recursive: true });
    await page.screenshot({ path: "out/dashboard-chain.png", fullPage: true });
  });
});
