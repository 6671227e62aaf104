// Fault injection against `portfolio keeper run` as a process, on a real `hardhat node` and a real
// `nats-server -js`, both started and stopped here on loopback ports: a keeper killed holding a
// signal, SIGTERM in every state, a stalled then restarted node, evm_revert under a running
// keeper, two vaults on one NATS, a NATS restart. Every case checks the chain (settlements,
// nonces) and that each signal published was handled.
import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http, parseEventLogs, type Address } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { createBus } from "../../../src/bus/createBus.ts";
import { signalRecordPath } from "../../../src/keeper/loop/signalInbox.ts";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { freePort, hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";
import { startNatsServer, type NatsServer } from "../../helpers/natsServer.ts";

const CLI = "src/cli/main.ts";
/** The bound on shutdown after SIGTERM, ms. */
const SHUTDOWN_BOUND_MS = 2_000;

interface LogLine {
  readonly msg: string;
  readonly signalId?: string;
  readonly signalIds?: string[];
  readonly [field: string]: unknown;
}

/** A `keeper run` process with its parsed log lines and reports. */
interface KeeperProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly reports: { status: string; instructionId: string | null }[];
  waitLog(predicate: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Sends `sig` and resolves with the exit code and how long the exit took, ms. */
  stop(sig: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  stderr(): string;
}

// Every keeper started, so none outlives the suite whatever fails.
const children = new Set<ChildProcess>();
/** Each SIGTERM's exit time, ms, for the worst case the suite reports (docs/keeper.md). */
const shutdownTimes: number[] = [];

function startKeeper(sys: KeeperSystem, node: HardhatNode, bus: string, extra: readonly string[] = []): KeeperProcess {
  const args = [
    CLI,
    "keeper",
    "run",
    ...["--rpc", node.url, "--deployment", sys.deploymentPath, "--prices", sys.pricesPath],
    ...["--bundle", sys.bundlePath, "--inputs-dir", join(sys.dir, "inputs"), "--bus", bus],
    ...["--interval", "60", "--ack-wait", "2", ...extra],
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!, PORTFOLIO_LOG_LEVEL: "info" },
  });
  const logs: LogLine[] = [];
  const reports: { status: string; instructionId: string | null }[] = [];
  let err = "";
  let errTail = "";
  let outTail = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    errTail += chunk.toString();
    const lines = errTail.split("\n");
    errTail = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) logs.push(JSON.parse(l) as LogLine);
  });
  child.stdout!.on("data", (chunk: Buffer) => {
    outTail += chunk.toString();
    const lines = outTail.split("\n");
    outTail = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) reports.push(JSON.parse(l) as (typeof reports)[number]);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  children.add(child);
  return {
    child,
    logs,
    reports,
    stderr: () => err,
    waitLog: async (predicate, what, timeoutMs = 40_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs.find(predicate);
        if (hit !== undefined) return hit;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`keeper: no ${what} (exit ${String(child.exitCode)}):\n${err.slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: async (sig) => {
      const started = performance.now();
      child.kill(sig);
      const code = await exited;
      const ms = performance.now() - started;
      if (sig === "SIGTERM") shutdownTimes.push(ms);
      return { code, ms };
    },
  };
}

/** Publishes a signal for `vault` through the CLI (`portfolio keeper signal`); returns its receipt. */
function publishSignal(bus: string, vault: string, id: string): { id: string; duplicate: boolean } {
  const r = spawnSync(
    process.execPath,
    [CLI, "keeper", "signal", "--bus", bus, "--vault", vault, "--reason", "fault test", "--id", id],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { id: string; duplicate: boolean };
}

/** Publishes many signals through one bus client (faster than a process each). */
async function publishSignals(bus: string, signals: readonly { vault: string; id: string }[]): Promise<void> {
  const client = await createBus(bus);
  try {
    for (const { vault, id } of signals) {
      const requestedAt = new Date().toISOString();
      await client.publish("ai.rebalance", { portfolio: vault, reason: "fault test", requestedAt, id }, { id });
    }
  } finally {
    await client.close();
  }
}

function processedIds(sys: KeeperSystem): string[] {
  const path = signalRecordPath(join(sys.dir, "inputs"), sys.addresses["vault"]!);
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, "utf8")) as { processed: { id: string }[] }).processed.map((e) => e.id);
}

async function waitProcessed(sys: KeeperSystem, ids: readonly string[], timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ids.every((id) => processedIds(sys).includes(id))) {
    if (Date.now() > deadline)
      throw new Error(`signals not processed: ${ids.join(", ")} (have ${processedIds(sys).join(", ")})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The chain's view: settled instruction ids, and the keeper's mined and pending nonces. */
async function chainCounts(
  node: HardhatNode,
  sys: KeeperSystem,
): Promise<{ settled: string[]; mined: number; pending: number }> {
  const client = createPublicClient({ transport: http(node.url) });
  const logs = await client.getLogs({ address: sys.addresses["settlement"] as Address, fromBlock: 0n });
  const events = parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" });
  const settled = events.map((e) => String((e.args as { id?: unknown }).id));
  const address = sys.keepers[0]!.address;
  const mined = await client.getTransactionCount({ address });
  const pending = await client.getTransactionCount({ address, blockTag: "pending" });
  return { settled, mined, pending };
}

/** Settlements are unique and each settled report's; nothing is left pending (no nonce gap). */
async function assertChainConsistent(
  node: HardhatNode,
  sys: KeeperSystem,
  keepers: readonly KeeperProcess[],
): Promise<void> {
  const { settled, mined, pending } = await chainCounts(node, sys);
  assert.equal(new Set(settled).size, settled.length, "an instruction settled twice");
  const reported = keepers.flatMap((k) => k.reports).filter((r) => r.status === "settled");
  for (const r of reported)
    assert.ok(settled.includes(String(r.instructionId)), `reported ${r.instructionId} not on chain`);
  assert.ok(settled.length >= reported.length);
  assert.equal(pending, mined, "a keeper transaction is stuck in the pool (nonce gap)");
}

describe("portfolio keeper run under faults (hardhat node + nats-server -js)", function () {
  this.timeout(150_000);
  let node: HardhatNode;
  let nats: NatsServer;
  const keys = [generatePrivateKey(), generatePrivateKey()] as const;
  let first: KeeperSystem;

  before(async () => {
    [node, nats] = await Promise.all([hardhatNode(), startNatsServer()]);
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    if (shutdownTimes.length > 0) {
      const worst = Math.max(...shutdownTimes).toFixed(0);
      process.stdout.write(`      keeper SIGTERM → exit: worst ${worst} ms of ${shutdownTimes.length}\n`);
    }
    await Promise.all([node?.stop(), nats?.stop()]);
  });

  it("a stalled node: SIGTERM mid-request exits < 2 s; after the node is killed and restarted the keeper rejoins with backoff", async () => {
    // This system is the node's first deployment, so a redeployment on the fresh chain has its addresses.
    first = await deployKeeperSystem(node, { keeperKeys: keys });
    const vault = first.addresses["vault"]!;
    const k1 = startKeeper(first, node, nats.url);
    await k1.waitLog((l) => l.msg === "keeper started", "start");
    await k1.waitLog(() => k1.reports.length > 0, "first report", 60_000);
    node.pause();
    publishSignal(nats.url, vault, "stall-1");
    await k1.waitLog((l) => l.msg === "rebalance signal received" && l.signalId === "stall-1", "the signal");
    await new Promise((r) => setTimeout(r, 500)); // its chain reads now hang on the stalled node
    const stalled = await k1.stop("SIGTERM");
    assert.equal(stalled.code, 0, k1.stderr());
    assert.ok(stalled.ms < SHUTDOWN_BOUND_MS, `SIGTERM with a request hanging took ${stalled.ms} ms`);

    await node.stop();
    const k2 = startKeeper(first, node, nats.url);
    await k2.waitLog((l) => l.msg === "cycle failed; backing off", "a failed cycle while the node is down");
    // Frozen while the node restarts and the system is redeployed, so it meets the node whole
    // (a half-deployed system would be refused, which is another test).
    k2.child.kill("SIGSTOP");
    await node.start();
    const again = await deployKeeperSystem(node, { keeperKeys: keys });
    assert.equal(again.addresses["vault"], vault, "redeployed at the same addresses");
    k2.child.kill("SIGCONT");
    const redeployed = Date.now();
    // The handed-back signal is redelivered to the new keeper and settles on the new chain.
    await waitProcessed(first, ["stall-1"], 30_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${k2.stderr().slice(-6000)}`);
    });
    assert.ok(Date.now() - redeployed < 30_000, "rejoined within the backoff, not the 60 s interval");
    await k2.waitLog((l) => l.msg === "keeper recovered", "recovery");
    const idle = await k2.stop("SIGTERM");
    assert.ok(idle.ms < SHUTDOWN_BOUND_MS, `SIGTERM while idle took ${idle.ms} ms`);
    const { settled } = await chainCounts(node, first);
    assert.equal(settled.length, 1, "one settlement on the fresh chain");
    await assertChainConsistent(node, first, [k2]);
  });

  it("SIGKILL after receipt, before ack: the signal is redelivered and handled once; SIGTERM mid-cycle and idle < 2 s", async () => {
    const sys = await deployKeeperSystem(node);
    const vault = sys.addresses["vault"]!;
    const k3 = startKeeper(sys, node, nats.url);
    await k3.waitLog(() => k3.reports.length > 0, "first report", 60_000);
    // A stalled node holds the cycle the signal triggers, so the kill lands between receipt and ack.
    node.pause();
    await publishSignals(nats.url, [{ vault, id: "kill-1" }]);
    await k3.waitLog((l) => l.msg === "rebalance signal received" && l.signalId === "kill-1", "the signal");
    k3.child.kill("SIGKILL");
    node.resume();
    assert.deepEqual(processedIds(sys), [], "nothing recorded before the cycle ended");
    // Published again with the same id: JetStream drops it (Nats-Msg-Id).
    assert.equal(publishSignal(nats.url, vault, "kill-1").duplicate, true);

    const k4 = startKeeper(sys, node, nats.url);
    await waitProcessed(sys, ["kill-1"]);
    await publishSignals(nats.url, [{ vault, id: "term-1" }]);
    await k4.waitLog((l) => l.msg === "rebalance triggered" && (l.signalIds ?? []).includes("term-1"), "term-1 cycle");
    const midCycle = await k4.stop("SIGTERM");
    assert.equal(midCycle.code, 0, k4.stderr());
    assert.ok(midCycle.ms < SHUTDOWN_BOUND_MS, `SIGTERM mid-cycle took ${midCycle.ms} ms`);

    // The signal interrupted mid-cycle was handed back, and the next keeper handles it.
    const k5 = startKeeper(sys, node, nats.url);
    await waitProcessed(sys, ["term-1"]);
    await k5.waitLog((l) => l.msg === "triggers evaluated", "an evaluation");
    await new Promise((r) => setTimeout(r, 300));
    const idle = await k5.stop("SIGTERM");
    assert.ok(idle.ms < SHUTDOWN_BOUND_MS, `SIGTERM while idle took ${idle.ms} ms`);
    assert.deepEqual(processedIds(sys), ["kill-1", "term-1"], "each signal handled once");
    await assertChainConsistent(node, sys, [k3, k4, k5]);
  });

  it("evm_revert under a running keeper: it notices, resyncs its nonce and settles again", async () => {
    const sys = await deployKeeperSystem(node);
    const snapshot = await node.rpc<string>("evm_snapshot");
    const k = startKeeper(sys, node, nats.url);
    await k.waitLog(() => k.reports.some((r) => r.status === "settled"), "a settlement", 60_000);
    assert.equal((await chainCounts(node, sys)).mined, 1);
    await node.rpc("evm_revert", [snapshot]);
    assert.equal((await chainCounts(node, sys)).mined, 0, "the settlement is undone");
    await publishSignals(nats.url, [{ vault: sys.addresses["vault"]!, id: "revert-1" }]);
    await k.waitLog((l) => l.msg === "chain moved back; resyncing", "the rollback");
    await waitProcessed(sys, ["revert-1"]);
    const { settled, mined } = await chainCounts(node, sys);
    assert.equal(settled.length, 1, "settled again on the reverted chain");
    assert.equal(mined, 1, "with the nonce the revert gave back");
    await k.stop("SIGTERM");
    await assertChainConsistent(node, sys, []);
  });

  it("two keepers, two vaults, one NATS: none sees the other's signals, and all survive a NATS restart", async () => {
    const [a, b] = [await deployKeeperSystem(node), await deployKeeperSystem(node)];
    const ka = startKeeper(a, node, nats.url);
    const kb = startKeeper(b, node, nats.url);
    await Promise.all([
      ka.waitLog(() => ka.reports.length > 0, "a's report", 60_000),
      kb.waitLog(() => kb.reports.length > 0, "b's report", 60_000),
    ]);
    const va = a.addresses["vault"]!;
    const vb = b.addresses["vault"]!;
    await publishSignals(nats.url, [
      { vault: va, id: "a-1" },
      { vault: vb, id: "b-1" },
      { vault: va, id: "a-2" },
      { vault: vb, id: "b-2" },
    ]);
    await Promise.all([waitProcessed(a, ["a-1", "a-2"]), waitProcessed(b, ["b-1", "b-2"])]);

    await nats.restart();
    await publishSignals(nats.url, [
      { vault: va, id: "a-3" },
      { vault: vb, id: "b-3" },
    ]);
    await Promise.all([waitProcessed(a, ["a-3"]), waitProcessed(b, ["b-3"])]);
    for (const k of [ka, kb]) {
      const { ms } = await k.stop("SIGTERM");
      assert.ok(ms < SHUTDOWN_BOUND_MS, `SIGTERM took ${ms} ms`);
    }
    assert.deepEqual([...processedIds(a)].sort(), ["a-1", "a-2", "a-3"]);
    assert.deepEqual([...processedIds(b)].sort(), ["b-1", "b-2", "b-3"]);
    for (const k of [ka, kb])
      assert.ok(!k.logs.some((l) => l.msg.includes("another vault")), "a foreign signal arrived");
    await assertChainConsistent(node, a, [ka]);
    await assertChainConsistent(node, b, [kb]);
  });

  it("a keeper started with NATS unreachable exits 2 with BUS_UNREACHABLE naming the URL, on one line", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        "keeper",
        "run",
        "--rpc",
        node.url,
        "--deployment",
        first.deploymentPath,
        "--prices",
        first.pricesPath,
        "--bus",
        url,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, PORTFOLIO_KEEPER_KEY: first.keeperKeys[0]!, PORTFOLIO_LOG_LEVEL: "warn" },
        timeout: 30_000,
      },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /BUS_UNREACHABLE/);
    assert.ok(r.stderr.includes(url), r.stderr);
  });
});
