// `portfolio keeper once` and `portfolio audit replay` as processes against a real `hardhat node`:
// a keeper killed after broadcasting does not settle twice when rerun, and the auditor's replay
// reproduces the on-chain weights hash from the stored inputs and catches tampered ones.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http, parseEventLogs } from "viem";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";

const CLI = "src/cli/main.ts";

function cliArgs(sys: KeeperSystem, node: HardhatNode, inputsDir: string): string[] {
  return [
    "--rpc",
    node.url,
    "--deployment",
    sys.deploymentPath,
    "--prices",
    sys.pricesPath,
    "--bundle",
    sys.bundlePath,
    "--inputs-dir",
    inputsDir,
  ];
}

function run(
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_LOG_LEVEL: "warn", ...env },
    timeout: 90_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function finalized(node: HardhatNode, settlement: string): Promise<number> {
  const client = createPublicClient({ transport: http(node.url) });
  const logs = await client.getLogs({ address: settlement as `0x${string}`, fromBlock: 0n });
  return parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" }).length;
}

describe("portfolio keeper once / audit replay (hardhat node)", function () {
  this.timeout(150_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("settles once; audit replay matches; tampered inputs exit 3", async () => {
    const sys = await deployKeeperSystem(node);
    const inputsDir = join(sys.dir, "inputs");
    const once = run(["keeper", "once", ...cliArgs(sys, node, inputsDir)], {
      PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!,
    });
    assert.equal(once.status, 0, once.stderr);
    const report = JSON.parse(once.stdout) as { status: string; instructionId: string; inputsHash: string };
    assert.equal(report.status, "settled");

    const replayArgs = [
      "audit",
      "replay",
      "--rpc",
      node.url,
      "--deployment",
      sys.deploymentPath,
      "--instruction",
      report.instructionId,
      "--inputs-dir",
      inputsDir,
      "--bundle",
      sys.bundlePath,
      "--json",
    ];
    const replay = run(replayArgs);
    assert.equal(replay.status, 0, replay.stderr);
    const r = JSON.parse(replay.stdout) as { match: boolean; onChainWeightsHash: string; replayedWeightsHash: string };
    assert.equal(r.match, true);
    assert.equal(r.replayedWeightsHash, r.onChainWeightsHash);

    // One changed price in the stored market data: it no longer hashes to the recorded inputsHash.
    const market = join(inputsDir, report.inputsHash.slice(2), "market-data.csv");
    const original = readFileSync(market);
    copyFileSync(market, `${market}.bak`);
    appendFileSync(market, "2099-01-01,1,1,1\n");
    const tampered = run(replayArgs);
    assert.equal(tampered.status, 3, tampered.stderr);
    assert.match(tampered.stderr, /INPUTS_TAMPERED/);
    assert.notDeepEqual(readFileSync(market), original);

    // Without the key the keeper refuses to start (bad input), and sends nothing.
    const noKey = run(["keeper", "once", ...cliArgs(sys, node, inputsDir)], { PORTFOLIO_KEEPER_KEY: "" });
    assert.equal(noKey.status, 2, noKey.stderr);
  });

  it("a keeper killed after broadcasting: the rerun reports already-settled and nothing settles twice", async () => {
    const sys = await deployKeeperSystem(node);
    const inputsDir = join(sys.dir, "inputs");
    const keeper = sys.keepers[0]!.address;
    const client = createPublicClient({ transport: http(node.url) });
    // Hold the transaction in the mempool so the process dies between broadcast and confirmation.
    await node.rpc("evm_setAutomine", [false]);
    const child = spawn(process.execPath, [CLI, "keeper", "once", ...cliArgs(sys, node, inputsDir)], {
      env: { ...process.env, PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!, PORTFOLIO_LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      const deadline = Date.now() + 60_000;
      while ((await client.getTransactionCount({ address: keeper, blockTag: "pending" })) === 0) {
        if (Date.now() > deadline) throw new Error("the keeper never broadcast");
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill("SIGKILL");
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await node.rpc("evm_setAutomine", [true]);
    }
    await node.rpc("evm_mine");
    assert.equal(await finalized(node, sys.addresses["settlement"]!), 1, "the broadcast settlement was mined");

    const rerun = run(["keeper", "once", ...cliArgs(sys, node, inputsDir)], {
      PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!,
    });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.equal((JSON.parse(rerun.stdout) as { status: string }).status, "already-settled");
    assert.equal(await finalized(node, sys.addresses["settlement"]!), 1);
    assert.equal(await client.getTransactionCount({ address: keeper }), 1, "the rerun sent nothing");

    // A second keeper with the same inputs also leaves it alone.
    const other = run(["keeper", "once", ...cliArgs(sys, node, inputsDir)], {
      PORTFOLIO_KEEPER_KEY: sys.keeperKeys[1]!,
    });
    assert.equal(other.status, 0, other.stderr);
    assert.equal(await finalized(node, sys.addresses["settlement"]!), 1);
  });

  it("keeper run: settles on its first trigger and shuts down cleanly on SIGTERM", async () => {
    const sys = await deployKeeperSystem(node);
    const child = spawn(
      process.execPath,
      [CLI, "keeper", "run", ...cliArgs(sys, node, join(sys.dir, "inputs")), "--interval", "1"],
      { env: { ...process.env, PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!, PORTFOLIO_LOG_LEVEL: "info" } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while ((await finalized(node, sys.addresses["settlement"]!)) === 0) {
        if (Date.now() > deadline) throw new Error(`no settlement from keeper run:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      child.kill("SIGTERM");
      assert.equal(await exited, 0, stderr);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    const lines = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; triggers?: { kind: string }[] });
    assert.ok(lines.some((l) => l.msg === "rebalance triggered" && l.triggers?.some((t) => t.kind === "calendar")));
    assert.ok(lines.some((l) => l.msg === "shutting down"));
    assert.equal(lines.at(-1)?.msg, "keeper stopped");
    assert.equal(await finalized(node, sys.addresses["settlement"]!), 1);
  });

  it("refuses (exit 3) when the local bundle is not the pinned build", async () => {
    const sys = await deployKeeperSystem(node);
    const tampered = join(sys.dir, "other.mjs");
    copyFileSync(sys.bundlePath, tampered);
    appendFileSync(tampered, "\n");
    const args = cliArgs(sys, node, join(sys.dir, "inputs"));
    args[args.indexOf("--bundle") + 1] = tampered;
    const r = run(["keeper", "once", ...args], { PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]! });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /BUILD_HASH_MISMATCH/);
  });

  it("refuses (exit 2) malformed analytics options, naming them, before anything is sent", async () => {
    const sys = await deployKeeperSystem(node);
    const args = cliArgs(sys, node, join(sys.dir, "inputs"));
    const env = { PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]! };
    const drift = run(["keeper", "once", ...args, "--post-trade-drift", "2"], env);
    assert.equal(drift.status, 2, drift.stderr);
    assert.match(drift.stderr, /--post-trade-drift: must be a fraction in \[0, 1\], got 2/);
    const points = run(["keeper", "once", ...args, "--frontier-points", "-1"], env);
    assert.equal(points.status, 2, points.stderr);
    assert.match(points.stderr, /--frontier-points/);
    assert.equal(await finalized(node, sys.addresses["settlement"]!), 0);
  });
});
