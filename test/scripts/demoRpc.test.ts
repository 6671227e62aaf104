// `npm run demo -- --rpc URL` against a real `npx hardhat node`: the script deploys with Ignition over
// http, writes deployments/<network>.json, and the auditor commands pass against the node afterwards.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import type { DemoReport } from "../../src/demo/runDemo.ts";
import { toFunctionSelector, toHex } from "viem";
import { hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";
import { followReplayGuide } from "../helpers/replayGuide.ts";

const root = join(import.meta.dirname, "../..");
const journals = join(root, "ignition", "deployments");

function run(script: string, args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(root, script), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_LOG_LEVEL: "warn" },
    timeout: 110_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("npm run demo -- --rpc (against hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;
  let outDir: string;
  let demo: { status: number | null; out: string };
  const network = `rpc-test-${process.pid}`;
  const deploymentPath = join(root, "deployments", `${network}.json`);
  let journalsBefore: Set<string>;

  before(async function () {
    node = await hardhatNode();
    outDir = mkdtempSync(join(tmpdir(), "demo-rpc-"));
    journalsBefore = new Set(existsSync(journals) ? readdirSync(journals) : []);
    demo = run("scripts/demo.ts", ["--rpc", node.url, "--network", network, "--out", outDir]);
  });

  after(async function () {
    await node?.stop();
    rmSync(deploymentPath, { force: true });
    // The journals this run's Ignition deployment left (git ignores them; the test tidies up).
    for (const dir of existsSync(journals) ? readdirSync(journals) : []) {
      if (!journalsBefore.has(dir)) rmSync(join(journals, dir), { recursive: true, force: true });
    }
  });

  it("settles three rebalances and records the deployment in deployments/<network>.json", function () {
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
      join(outDir, "demo", "inputs"),
      "--bundle",
      join(outDir, "demo", "optimizer.mjs"),
    ]);
    expect(replay.status, replay.out).to.equal(0);
    expect(replay.out).to.contain("MATCH");
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
      inputsDir: join(outDir, "demo", "inputs"),
      bundlePath: join(outDir, "demo", "optimizer.mjs"),
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
