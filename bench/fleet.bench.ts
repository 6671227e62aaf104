// `npm run bench -- fleet`: the keeper fleet on one local `hardhat node` and one `nats-server -js`.
// N = 50 due portfolios (one deployed system, 49 more vaults on its Settlement), served by K = 1, 2,
// 3 `portfolio keeper fleet` processes, each with its own registry-keeper account: rebalances per
// minute, p95 latency from trigger to settlement, failover time after a SIGKILL, and double
// settlements (counted on chain; must be 0). The chain is reverted to the same snapshot for each K.
import { join } from "node:path";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhatNode, type HardhatNode } from "../test/helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../test/helpers/keeperSystem.ts";
import { startNatsServer } from "../test/helpers/natsServer.ts";
import { addPortfolios, settlementsByVault } from "../test/keeper/fleet/fleetSystem.ts";
import { startFleet, type FleetLogLine, type FleetProcess } from "../test/keeper/fleet/fleetProcess.ts";
import { formatMs, type BenchModule, type BenchTable } from "./harness.ts";

const N = 50;
const KS = [1, 2, 3] as const;
const LEASE_S = 5;
const CONCURRENCY = 4;
const SETTLE_TIMEOUT_MS = 240_000;

interface FleetRun {
  readonly k: number;
  readonly perMinute: number;
  readonly p95Ms: number;
  readonly failoverMs: number | null;
  readonly doubles: number;
  /** Portfolios settled at least once. */
  readonly settled: number;
}

const timeOf = (l: FleetLogLine): number => Date.parse(String(l["time"]));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`fleet bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runFleet(
  k: number,
  node: HardhatNode,
  sys: KeeperSystem,
  deploymentsDir: string,
  vaults: readonly string[],
  keys: readonly Hex[],
): Promise<FleetRun> {
  const nats = await startNatsServer();
  const procs: FleetProcess[] = [];
  try {
    for (const key of keys.slice(0, k)) {
      const i = procs.length;
      procs.push(
        startFleet(key, [
          ...[
            "--rpc",
            node.url,
            "--deployments",
            deploymentsDir,
            "--prices",
            sys.pricesPath,
            "--bundle",
            sys.bundlePath,
          ],
          ...["--inputs-dir", join(sys.dir, `bench-inputs-${k}-${i}`), "--bus", nats.url, "--lease", String(LEASE_S)],
          ...["--interval", "600", "--concurrency", String(CONCURRENCY), "--frontier-points", "0"],
        ]),
      );
    }
    // Bounded, so a run that leaves portfolios unsettled reports how many instead of hanging.
    await until(
      "every portfolio settled",
      async () => {
        const settled = await settlementsByVault(node, sys);
        return vaults.every((v) => (settled.get(v)?.length ?? 0) > 0);
      },
      SETTLE_TIMEOUT_MS,
    ).catch(() => undefined);
    const all = procs.flatMap((p) => p.logs);
    const firstLease = Math.min(...all.filter((l) => l.msg === "lease taken; serving portfolio").map(timeOf));
    const settledLogs = all.filter((l) => l.msg === "cycle settled");
    const lastSettled = Math.max(...settledLogs.map(timeOf));
    // Trigger → settled per portfolio, in the process that settled it (waiting for a cycle slot included).
    const latencies: number[] = [];
    for (const p of procs) {
      for (const s of p.logs.filter((l) => l.msg === "cycle settled")) {
        const trigger = p.logs
          .filter((l) => l.msg === "rebalance triggered" && l.portfolio === s.portfolio && timeOf(l) <= timeOf(s))
          .at(-1);
        if (trigger !== undefined) latencies.push(timeOf(s) - timeOf(trigger));
      }
    }
    let failoverMs: number | null = null;
    if (k > 1) {
      // SIGKILL the process serving the most portfolios; failover ends when each of them is served again.
      const victim = procs.reduce((busiest, p) => (served(p).size > served(busiest).size ? p : busiest));
      const orphans = [...served(victim)];
      const killedAt = Date.now();
      victim.child.kill("SIGKILL");
      await victim.exited;
      const survivors = procs.filter((p) => p !== victim);
      await until(
        "the killed process's portfolios taken over",
        () => orphans.every((o) => survivors.some((p) => served(p).has(o))),
        10 * LEASE_S * 1000,
      );
      const takenAt = orphans.map((o) =>
        Math.max(
          ...survivors.flatMap((p) =>
            p.logs.filter((l) => l.msg === "lease taken; serving portfolio" && l.portfolio === o).map(timeOf),
          ),
        ),
      );
      failoverMs = Math.max(...takenAt) - killedAt;
    }
    const settled = await settlementsByVault(node, sys);
    const doubles = [...settled.values()].reduce((sum, ids) => sum + Math.max(0, ids.length - 1), 0);
    return {
      k,
      perMinute: (vaults.length / Math.max(1, lastSettled - firstLease)) * 60_000,
      p95Ms: percentile(latencies, 95),
      failoverMs,
      doubles,
      settled: [...settled.values()].filter((ids) => ids.length > 0).length,
    };
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exited));
    await nats.stop();
  }
}

/** The portfolios a fleet process serves now, from its log. */
function served(p: FleetProcess): Set<string> {
  const now = new Set<string>();
  for (const l of p.logs) {
    if (l.portfolio === undefined) continue;
    if (l.msg === "lease taken; serving portfolio") now.add(l.portfolio);
    if (l.msg === "stopping portfolio") now.delete(l.portfolio);
  }
  return now;
}

export const fleetBench: BenchModule = {
  name: "fleet",
  async run(): Promise<readonly BenchTable[]> {
    const node = await hardhatNode();
    try {
      // Fifty vaults trade through the same pools: deep enough that none moves them past the slippage budget.
      const sys = await deployKeeperSystem(node, { poolDepthUsd: 20_000_000_000 });
      const fleet = await addPortfolios(sys, N);
      const third = generatePrivateKey();
      await node.rpc("hardhat_setBalance", [privateKeyToAccount(third).address, "0x56BC75E2D63100000"]);
      await (await sys.registry.getFunction("addKeeper")(privateKeyToAccount(third).address)).wait();
      const keys: Hex[] = [...sys.keeperKeys.slice(0, 2), third];
      const vaults = fleet.vaults.map((v) => v.toLowerCase());
      const runs: FleetRun[] = [];
      for (const k of KS) {
        const snapshot = await node.rpc<string>("evm_snapshot");
        runs.push(await runFleet(k, node, sys, fleet.dir, vaults, keys));
        await node.rpc("evm_revert", [snapshot]);
      }
      const base = runs[0] ?? { perMinute: Number.NaN };
      const rows = runs.map((r) => [
        String(r.k),
        r.perMinute.toFixed(1),
        `${(r.perMinute / base.perMinute).toFixed(2)}×`,
        formatMs(r.p95Ms),
        r.failoverMs === null ? "–" : formatMs(r.failoverMs),
        r.failoverMs === null ? "–" : (r.failoverMs / (LEASE_S * 1000)).toFixed(2),
        String(r.doubles),
        `${r.settled}/${N}`,
      ]);
      const worstFailover = Math.max(...runs.map((r) => r.failoverMs ?? 0));
      const doubles = runs.reduce((s, r) => s + r.doubles, 0);
      return [
        {
          title: `Keeper fleet: N = ${N} portfolios, K = 1, 2, 3 processes`,
          description:
            `One hardhat node and one nats-server -js on this machine; ${N} due portfolios on one Settlement; ` +
            `each process its own keeper account, --concurrency ${CONCURRENCY}, --lease ${LEASE_S} s. Rebalances per ` +
            "minute from the first lease taken to the last settlement; p95 from a portfolio's trigger to its " +
            "settlement (waiting for a cycle slot included); failover from a SIGKILL of the busiest process " +
            "until each of its portfolios is served again; double settlements counted on chain.",
          columns: [
            "K",
            "rebalances/min",
            "vs K = 1",
            "p95 trigger→settled",
            "failover",
            "failover / lease",
            "double settlements",
            "settled",
          ],
          rows,
          notes: [
            `failover target ≤ 2 lease periods (${2 * LEASE_S} s): ${worstFailover <= 2 * LEASE_S * 1000 ? "met" : "MISSED"} (worst ${formatMs(worstFailover)})`,
            `double settlements target 0: ${doubles === 0 ? "met" : "MISSED"}`,
            `every portfolio settled: ${runs.every((r) => r.settled === N) ? "yes" : "NO"}`,
            "All processes share one chain node and one machine's cores: K processes add liveness and overlap RPC waits, not chain capacity.",
          ],
        },
      ];
    } finally {
      await node.stop();
    }
  },
};
