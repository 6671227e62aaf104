// `npm run demo -- --rpc URL` against a real `npx hardhat node`: the script deploys with Ignition over
// http, writes the deployment file it is given, and prints follow-up commands (audit verify, audit
// replay, keeper once, dashboard) that this test runs exactly as printed; the dashboard they start
// fills every panel from the chain and the demo's files (headless Chromium checks the page).
// Everything the run writes goes to a temporary directory, never the work tree.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import type { DemoReport } from "../../src/demo/runDemo.ts";
import { toFunctionSelector, toHex } from "viem";
import { chromium } from "playwright-core";
import { hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";
import { startDashboardProcess, type DashboardProcess } from "../helpers/dashboardProcess.ts";
import { PANEL_IDS } from "../../src/dashboard/panels.ts";
import type { DashboardSnapshot } from "../../src/dashboard/snapshot.ts";
import { DEMO_SECTORS } from "../../src/demo/constraintSets.ts";
import { followReplayGuide } from "../helpers/replayGuide.ts";

const root = join(import.meta.dirname, "../..");
const journals = join(root, "ignition", "deployments");

function run(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(root, script), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_LOG_LEVEL: "warn", ...env },
    timeout: 110_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** A printed command: its `VAR=value` prefixes and the words after `npx portfolio`. */
interface Printed {
  readonly env: Record<string, string>;
  readonly args: string[];
}

/** Splits a POSIX shell line into words (plain words and '…' quoting, which is all the demo prints). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:'((?:[^']|'\\'')*)'|(\S+))/g)) words.push(m[1]?.replace(/'\\''/g, "'") ?? m[2]!);
  return words;
}

/** The `npx portfolio …` lines the demo printed after "Next,", keyed by their sub-command. */
function printedCommands(out: string): Map<string, Printed> {
  const lines = out.slice(out.indexOf("\nNext,")).split("\n");
  const commands = new Map<string, Printed>();
  for (const line of lines) {
    const words = shellWords(line.trim());
    const at = words.indexOf("npx");
    if (at < 0 || words[at + 1] !== "portfolio") continue;
    const env = Object.fromEntries(words.slice(0, at).map((w) => w.split("=", 2) as [string, string]));
    const args = words.slice(at + 2);
    commands.set(args[0] === "dashboard" ? "dashboard" : `${args[0]} ${args[1]}`, { env, args });
  }
  return commands;
}

/** Starts a printed `portfolio dashboard` (its args without the sub-command) on a free port. */
const startDashboard = (args: readonly string[]): Promise<DashboardProcess> =>
  startDashboardProcess("bin/portfolio.js", [...args.slice(1), "--port", "0"]);

describe("npm run demo -- --rpc (against hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;
  let outDir: string;
  let demo: { status: number | null; out: string };
  // The deployment file lives in a temporary directory, so the name need not be unique; it is the page title.
  const network = "localhost";
  let deploymentPath: string;
  let commands: Map<string, Printed>;
  let journalsBefore: Set<string>;

  before(async function () {
    node = await hardhatNode();
    const dir = mkdtempSync(join(tmpdir(), "demo-rpc-"));
    outDir = join(dir, "out");
    deploymentPath = join(dir, `${network}.json`);
    journalsBefore = new Set(existsSync(journals) ? readdirSync(journals) : []);
    demo = run("scripts/demo.ts", [
      "--rpc",
      node.url,
      "--network",
      network,
      "--out",
      outDir,
      "--deployment",
      deploymentPath,
    ]);
    commands = printedCommands(demo.out);
  });

  after(async function () {
    await node?.stop();
    // The journals this run's Ignition deployment left (git ignores them; the test tidies up).
    for (const dir of existsSync(journals) ? readdirSync(journals) : []) {
      if (!journalsBefore.has(dir)) rmSync(join(journals, dir), { recursive: true, force: true });
    }
  });

  it("settles four rebalances and records the deployment in the file it is given", function () {
    expect(demo.status, demo.out).to.equal(0);
    const report = JSON.parse(readFileSync(join(outDir, "demo-report.json"), "utf8")) as DemoReport;
    expect(report.rebalances.map((r) => r.status)).to.deep.equal(["settled", "settled", "settled", "settled"]);
    expect(report.chainVerified).to.equal(true);
    const deployment = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
    expect(deployment.contracts.ModelRegistry).to.equal(report.deployment.contracts.ModelRegistry);
    expect(deployment.optimizerBuildHash).to.equal(report.optimizerBuildHash);
    // An http deployment keeps an Ignition journal, under a fresh id so that runs never collide.
    const fresh = readdirSync(journals).filter((d) => !journalsBefore.has(d));
    expect(fresh).to.have.length(1);
    expect(existsSync(join(journals, fresh[0]!, "journal.jsonl"))).to.equal(true);
  });

  it("passes `portfolio audit verify` and `portfolio audit replay` against the node afterwards", function () {
    expect(demo.status, demo.out).to.equal(0);
    const verify = run("src/cli/main.ts", ["audit", "verify", "--rpc", node.url, "--deployment", deploymentPath]);
    expect(verify.status, verify.out).to.equal(0);
    // Registry, settlement, vault and oracle, each from the deployment's first block, links and payloads.
    expect(verify.out.match(/links\+payloads {2}ok$/gm), verify.out).to.have.length(4);

    const report = JSON.parse(readFileSync(join(outDir, "demo-report.json"), "utf8")) as DemoReport;
    const replay = run("src/cli/main.ts", [
      "audit",
      "replay",
      "--rpc",
      node.url,
      "--deployment",
      deploymentPath,
      "--instruction",
      report.rebalances[0]!.instructionId!,
      "--inputs-dir",
      join(outDir, "inputs"),
      "--bundle",
      join(outDir, "optimizer.mjs"),
    ]);
    expect(replay.status, replay.out).to.equal(0);
    expect(replay.out).to.contain("MATCH");
  });

  it("prints audit verify, audit replay, keeper once and dashboard commands that work as printed", async function () {
    expect(demo.status, demo.out).to.equal(0);
    expect([...commands.keys()]).to.deep.equal(["audit verify", "audit replay", "keeper once", "dashboard"]);
    const cli = (c: Printed): ReturnType<typeof run> => run("bin/portfolio.js", c.args, c.env);

    const verify = cli(commands.get("audit verify")!);
    expect(verify.status, verify.out).to.equal(0);
    expect(verify.out.match(/links\+payloads {2}ok$/gm), verify.out).to.have.length(4);

    const replay = cli(commands.get("audit replay")!);
    expect(replay.status, replay.out).to.equal(0);
    expect(replay.out).to.match(/^MATCH$/m);

    // The printed key is the demo's keeper; its cycle finds the last instruction already settled
    // or settles a new one, and either way exits 0.
    const keeper = commands.get("keeper once")!;
    expect(Object.keys(keeper.env)).to.deep.equal(["PORTFOLIO_KEEPER_KEY"]);
    const once = cli(keeper);
    expect(once.status, once.out).to.equal(0);
    const cycle = JSON.parse(once.stdout.trim().split("\n").at(-1)!) as { status: string; portfolio: string };
    expect(["settled", "already-settled", "nothing-to-do"]).to.include(cycle.status);

    const dashboard = await startDashboard(commands.get("dashboard")!.args);
    try {
      const snapshot = (await (await fetch(new URL("api/snapshot", dashboard.url))).json()) as DashboardSnapshot;
      expect(snapshot.portfolio.id).to.equal(network);
      expect(snapshot.settlements?.length).to.be.at.least(4);
      // Atomic settlements name their legs by the amounts out they report.
      const legs = snapshot.settlements!.slice(-4).map((r) => r.legs);
      expect(legs, "legs of the demo's rebalances, newest first").to.deep.equal(
        JSON.parse(readFileSync(join(outDir, "demo-report.json"), "utf8"))
          .rebalances.map((r: { legs: number }) => r.legs)
          .reverse(),
      );
    } finally {
      expect((await dashboard.stop()).code).to.equal(0);
    }
  });

  it("fills every dashboard panel from the chain and the demo's files (headless Chromium)", async function () {
    expect(demo.status, demo.out).to.equal(0);
    const dashboard = await startDashboard(commands.get("dashboard")!.args);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(dashboard.url);
      await page.waitForSelector("body[data-ready=true]");
      expect(await page.title()).to.equal(`${network} · Portfolio dashboard`);
      for (const id of PANEL_IDS) {
        const panel = page.locator(`[data-panel="${id}"]`);
        expect(await panel.locator('[data-testid$="-empty"]').count(), `panel ${id} says "no data yet"`).to.equal(0);
        expect((await panel.textContent())?.trim(), `panel ${id}`).to.not.equal("");
      }
      // The keeper's post-trade drift alerts (the demo's 1 bp threshold), from the metrics store.
      expect(await page.getByTestId("alerts-list").locator("li").count()).to.be.greaterThan(0);
      // Sectors from the registry's content-addressed constraint set, not "other".
      for (const [symbol, sector] of Object.entries(DEMO_SECTORS)) {
        const row = page.getByTestId(`weight-current-${symbol}`).locator("xpath=..");
        expect(await row.locator("td").first().textContent(), symbol).to.equal(sector);
      }
      for (const chart of ["weights", "risk-asset", "risk-sector", "frontier", "drift"]) {
        expect(await page.locator(`#chart-${chart} svg`).count(), chart).to.be.greaterThan(0);
      }
      // Frontier ticks with as many decimals as they need: no label twice on an axis.
      for (const axis of ["x", "y"]) {
        const labels = await page
          .locator(`#chart-frontier svg [aria-label="${axis}-axis tick label"] text`)
          .allTextContents();
        expect(labels.length, `${axis} ticks`).to.be.greaterThan(2);
        expect(new Set(labels).size, labels.join(" ")).to.equal(labels.length);
      }
      expect(errors).to.deep.equal([]);
      const shots = process.env["DASHBOARD_SCREENSHOT_DIR"] ?? mkdtempSync(join(tmpdir(), "dash-shot-"));
      await page.screenshot({ path: join(shots, "dashboard-chain.png"), fullPage: true });
      await page.locator(".panel-frontier").screenshot({ path: join(shots, "dashboard-frontier.png") });
    } finally {
      await browser.close();
      expect((await dashboard.stop()).code).to.equal(0);
    }
  });

  it("follows docs/audit-replay.md with ethers alone to the demo's own BLACK_LITTERMAN values", async function () {
    expect(demo.status, demo.out).to.equal(0);
    const report = JSON.parse(readFileSync(join(outDir, "demo-report.json"), "utf8")) as DemoReport;
    const bl = report.rebalances.find((r) => r.optimizerType === "BLACK_LITTERMAN");
    expect(bl?.instructionId, "the demo settles a Black-Litterman rebalance").to.be.a("string");
    const derived = await followReplayGuide({
      rpcUrl: node.url,
      settlement: report.deployment.contracts.Settlement,
      instructionId: bl!.instructionId!,
      inputsDir: join(outDir, "inputs"),
      bundlePath: join(outDir, "optimizer.mjs"),
    });
    expect(derived.instructionId).to.equal(bl!.instructionId);
    expect(derived.acceptedViews, "the demo's signed views were accepted and committed").to.be.greaterThan(0);
  });

  it("names a storage tamper of the registry's audit head or count (hardhat_setStorageAt)", async function () {
    expect(demo.status, demo.out).to.equal(0);
    const record = JSON.parse(readFileSync(deploymentPath, "utf8")) as DemoReport["deployment"];
    const registry = record.contracts.ModelRegistry;
    const head = await node.rpc<string>("eth_call", [
      { to: registry, data: toFunctionSelector("auditHead()") },
      "latest",
    ]);
    // The chain's slots, found by their values (storage layouts are not part of the ABI).
    let headSlot = -1;
    for (let slot = 0; slot < 64 && headSlot < 0; slot++) {
      if ((await node.rpc<string>("eth_getStorageAt", [registry, toHex(slot), "latest"])) === head) headSlot = slot;
    }
    expect(headSlot, "audit head slot").to.be.greaterThan(-1);
    const slotOf = (n: number): string => toHex(n, { size: 32 });
    const count = await node.rpc<string>("eth_getStorageAt", [registry, slotOf(headSlot + 1), "latest"]);
    const verify = (): { status: number | null; out: string } =>
      run("src/cli/main.ts", ["audit", "verify", "--rpc", node.url, "--deployment", deploymentPath]);

    const flipped = toHex(BigInt(head) ^ 1n, { size: 32 });
    await node.rpc("hardhat_setStorageAt", [registry, slotOf(headSlot), flipped]);
    const headTampered = verify();
    expect(headTampered.status, headTampered.out).to.equal(3);
    expect(headTampered.out).to.match(/audit chain of ModelRegistry breaks at entry \d+: head-mismatch/);
    await node.rpc("hardhat_setStorageAt", [registry, slotOf(headSlot), head]);

    await node.rpc("hardhat_setStorageAt", [registry, slotOf(headSlot + 1), toHex(BigInt(count) + 1n, { size: 32 })]);
    const countTampered = verify();
    expect(countTampered.status, countTampered.out).to.equal(3);
    expect(countTampered.out).to.match(/audit chain of ModelRegistry breaks at entry \d+: count-mismatch/);
    await node.rpc("hardhat_setStorageAt", [registry, slotOf(headSlot + 1), count]);
    expect(verify().status).to.equal(0);
  });
});
