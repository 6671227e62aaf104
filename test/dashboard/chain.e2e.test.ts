// End-to-end on a real local chain: the demo settles four rebalances in-process (the last a rotation), then the DAO adds
// sector groups to its constraint set, a keeper cycle with a benchmark publishes its metrics (tracking
// error, beta, sector risk, the efficient frontier, post-trade drift) on a bus, and the dashboard reads
// that chain (registry, vault, oracle, settlement events, governance, audit logs) and that bus; headless
// Chromium (Debian's `chromium`, driven by playwright-core) shows the numbers. Saves a screenshot.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, custom, type Address, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import type { PortfolioMetrics } from "../../src/bus/portfolioMetrics.ts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import { modelRegistryAbi } from "../../src/protocol/abi.ts";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import { busHooks, type BusHooks } from "../../src/dashboard/busHooks.ts";
import { chainHooks } from "../../src/dashboard/chainHooks.ts";
import { ChainSnapshotSource } from "../../src/dashboard/chainSource.ts";
import { formatNumber, formatPercent, testKey } from "../../src/dashboard/format.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import { HARDHAT_MNEMONIC, runDemo, type DemoReport } from "../../src/demo/runDemo.ts";
import { runKeeperCycle, type CycleReport } from "../../src/keeper/cycle/runCycle.ts";
import { parseKeeperDeployment } from "../../src/protocol/deployment.ts";
import { MemoryNonceStore } from "../../src/views/nonceStore.ts";

const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "../..");

describe("dashboard on a local chain with settled rebalances (headless Chromium)", function () {
  this.timeout(240_000);
  let connection: Awaited<ReturnType<typeof network.create>>;
  let report: DemoReport;
  let cycle: CycleReport;
  let metrics: PortfolioMetrics;
  let bus: InProcessBus;
  let fromBus: BusHooks;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  const groups = [
    { name: "Cash", assets: ["USDC"], lower: 0.1 }, // reachable within the 30 % turnover from the rotation's ~0 %
    { name: "Technology", assets: ["AAPL", "AMZN"], upper: 0.65 },
    { name: "Financials", assets: ["JPM"], upper: 0.65 },
    { name: "Energy", assets: ["XOM"], upper: 0.65 },
    { name: "Health Care", assets: ["PFE"], upper: 0.65 },
  ];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run)`);
    connection = await network.create();
    const transport = custom(connection.provider);
    const outDir = mkdtempSync(join(tmpdir(), "dash-chain-"));
    report = await runDemo({
      transport,
      connection,
      network: "hardhat",
      root,
      outDir,
    });
    const client = createPublicClient({ transport }) as PublicClient;
    const d = report.deployment;
    const registry = d.contracts.ModelRegistry as Address;
    const work = outDir;

    // The DAO labels sectors in its constraint set (the timelock, impersonated, stands in for a
    // passed proposal: the demo already exercised the 48 h governance path).
    const current = await client.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "constraintSet",
    });
    // The demo's constraint sets are content-addressed: the registry's URI names the file in constraint-sets/.
    const constraintSet = JSON.parse(readFileSync(join(work, "constraint-sets", current.uri), "utf8")) as {
      constraints: Record<string, unknown>;
    };
    constraintSet.constraints["groups"] = groups;
    const text = `${JSON.stringify(constraintSet, null, 2)}\n`;
    const uri = join(work, "constraint-set-sectors.json");
    writeFileSync(uri, text);
    const owner = await client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "owner" });
    await connection.provider.request({ method: "hardhat_impersonateAccount", params: [owner] });
    await connection.provider.request({ method: "hardhat_setBalance", params: [owner, "0xDE0B6B3A7640000"] });
    const timelock = createWalletClient({ account: owner, transport });
    const hash = await timelock.writeContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "setConstraintSet",
      args: [{ ...current, uri, contentHash: `0x${createHash("sha256").update(text).digest("hex")}` as Hex }],
      chain: null,
    });
    await client.waitForTransactionReceipt({ hash });

    // The benchmark: an equal-weight index of the five risky assets, from the keeper's own price file.
    const rows = readFileSync(join(work, "prices.csv"), "utf8").trim().split("\n");
    const header = rows[0]!.split(",");
    const risky = header.map((_h, j) => j).filter((j) => j > 0 && header[j] !== "USDC");
    const first = rows[1]!.split(",");
    const index = rows
      .slice(1)
      .map((line) => {
        const cells = line.split(",");
        const level = risky.reduce((s, j) => s + Number(cells[j]) / Number(first[j]), 0) / risky.length;
        return `${cells[0]},${level.toFixed(10)}`;
      })
      .join("\n");
    const benchmarkPricesPath = join(work, "benchmark.csv");
    writeFileSync(benchmarkPricesPath, `date,EW5\n${index}\n`);

    bus = new InProcessBus();
    cycle = await runKeeperCycle({
      client,
      account: mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 1 }),
      deployment: parseKeeperDeployment(JSON.parse(JSON.stringify(d)), "deployment"),
      pricesPath: join(work, "prices.csv"),
      bundlePath: join(work, "optimizer.mjs"),
      inputsDir: join(work, "inputs"),
      bus,
      nonces: new MemoryNonceStore(),
      logger: pino({ level: "silent" }),
      benchmarkPricesPath,
      // 1 bp, far below the 1 pp default: the executed weights' rounding drift is alerted and shown.
      postTradeDriftThreshold: 0.0001,
    });
    // New groups mean new inputs and, from the BLACK_LITTERMAN weights without the demo's views, new
    // targets: the cycle settles a fourth rebalance.
    if (cycle.status !== "settled") throw new Error(`the sector cycle ended ${cycle.status}, not settled`);
    const [published] = await bus.history("analytics.portfolio");
    metrics = published!.payload;

    const fromBlock = BigInt(d.blockNumber);
    fromBus = await busHooks(bus, { portfolio: d.contracts.PortfolioVault });
    const source = new ChainSnapshotSource({
      client,
      portfolio: { id: "demo", address: d.contracts.PortfolioVault, chainId: report.chainId },
      registry,
      audited: [
        { name: "ModelRegistry", address: d.contracts.ModelRegistry },
        { name: "Settlement", address: d.contracts.Settlement },
        { name: "PortfolioVault", address: d.contracts.PortfolioVault },
        { name: "ChainlinkPriceOracle", address: d.contracts.ChainlinkPriceOracle },
      ],
      fromBlock,
      hooks: {
        ...chainHooks({
          client,
          vault: d.contracts.PortfolioVault,
          settlement: d.contracts.Settlement,
          oracle: d.contracts.ChainlinkPriceOracle,
          fromBlock,
          governance: parseDeployment(d, "demo deployment"),
          sectors: () => fromBus.sectors(),
        }),
        ...fromBus.hooks,
      },
      subscribe: fromBus.subscribe,
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
    await fromBus?.close();
    await bus?.close();
    await connection?.close();
  });

  const text = async (testId: string): Promise<string | null> => page.getByTestId(testId).textContent();

  it("lists every settled instruction as finalized", async () => {
    const ids = [...report.rebalances.map((r) => r.instructionId), cycle.instructionId];
    for (const id of ids) expect(await text(`settlement-status-${id}`)).to.equal("finalized");
  });

  it("shows the vault's weights after the last rebalance beside its targets", async () => {
    // The chain's balances at the oracle prices are the keeper's executed weights.
    for (const w of metrics.postTrade!.weights) {
      expect(await text(`weight-current-${w.asset}`)).to.equal(formatPercent(w.weight));
      expect(await text(`weight-target-${w.asset}`)).to.equal(formatPercent(w.target));
    }
  });

  it("labels each asset with its sector from the constraint set's groups", async () => {
    const rows = page.locator('[data-testid^="weight-current-"]').locator("xpath=..");
    for (const g of groups) {
      for (const asset of g.assets) {
        const row = rows.filter({ has: page.getByTestId(`weight-current-${asset}`) });
        expect(await row.locator("td").first().textContent()).to.equal(g.name);
      }
    }
  });

  it("shows the post-trade drift alert of the settled cycle on the alerts panel", async () => {
    const drift = metrics.postTrade!.drift.maxAbs;
    expect(drift).to.be.greaterThan(0.0001);
    const alert = page.locator('[data-kind="drift"]');
    expect(await alert.count()).to.equal(1);
    expect(await alert.textContent()).to.contain("post-trade drift");
    expect(await alert.locator(".badge").textContent()).to.equal(drift > 0.0002 ? "critical" : "warning");
  });

  it("shows the keeper's tracking error and beta against its benchmark", async () => {
    expect(metrics.trackingError).to.be.a("number").and.greaterThan(0);
    expect(metrics.beta).to.be.a("number");
    expect(await text("metric-tracking-error")).to.equal(formatPercent(metrics.trackingError!));
    expect(await text("metric-beta")).to.equal(formatNumber(metrics.beta!, 2));
    expect(await text("metric-sharpe")).to.equal(formatNumber(metrics.sharpe!, 2));
  });

  it("shows the risk contribution of every sector of the constraint set, summing to the portfolio's risk", async () => {
    const bySector = metrics.riskContribution!.bySector;
    expect(Object.keys(bySector).sort()).to.deep.equal(groups.map((g) => g.name).sort());
    for (const g of groups) {
      const share = g.assets.reduce((s, a) => s + metrics.riskContribution!.byAsset[a]!, 0);
      expect(Math.abs(bySector[g.name]! - share)).to.be.lessThan(1e-12);
      expect(await text(`rc-sector-share-${testKey(g.name)}`)).to.equal(formatPercent(share));
    }
    expect(await page.locator("#chart-risk-sector svg rect").count()).to.be.at.least(groups.length);
  });

  it("draws the keeper's efficient frontier with the current and target portfolios on it", async () => {
    const f = metrics.frontier!;
    expect(await text("frontier-points")).to.equal(String(f.points.length));
    expect(await text("frontier-current-volatility")).to.equal(formatPercent(f.current.volatility));
    expect(await text("frontier-current-return")).to.equal(formatPercent(f.current.expectedReturn));
    expect(await text("frontier-target-volatility")).to.equal(formatPercent(f.target!.volatility));
    expect(await text("frontier-min-variance-volatility")).to.equal(formatPercent(f.minVariance.volatility));
    // One small dot per frontier point plus the marked portfolios.
    const marked = 3 + (f.maxSharpe === null ? 0 : 1);
    expect(await page.locator("#chart-frontier svg circle").count()).to.equal(f.points.length + marked);
  });

  it("shows the four audit chains intact with their entry counts, and the registry's parameters", async () => {
    for (const chain of report.auditChains) {
      // The sector update adds one registry entry; the keeper's settlement adds the settlement's; a
      // settlement changes nothing the vault audits (deposits, withdrawals, its asset list) nor the
      // oracle (its feeds).
      const count = Number(await text(`audit-count-${chain.contract}`));
      expect(await text(`audit-status-${chain.contract}`)).to.equal("✔ intact");
      if (chain.contract === "ModelRegistry") expect(count).to.equal(chain.entries + 1);
      else if (chain.contract === "PortfolioVault" || chain.contract === "ChainlinkPriceOracle") {
        expect(count).to.equal(chain.entries);
      } else expect(count).to.be.greaterThan(chain.entries);
    }
    // The rotation proposal left MARKOWITZ as the registry's current optimiser.
    expect(await page.getByText("MARKOWITZ").count()).to.be.greaterThan(0);
  });

  it("saves a screenshot of the settled portfolio (into a temporary directory, never the work tree)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "dash-shot-")), "dashboard-chain.png");
    await page.screenshot({ path, fullPage: true });
    expect(existsSync(path)).to.equal(true);
  });
});
