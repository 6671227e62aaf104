// The fleet under faults, as processes on a real `hardhat node` and a real `nats-server -js`:
// K = 3 `keeper fleet` processes (each its own registry-keeper account) share N = 10 portfolios
// through JetStream KV leases; one is SIGKILLed mid-cycle and the NATS server is restarted once.
// Every portfolio (all due: never rebalanced) must settle exactly once, counted on chain, and an
// `ai.rebalance` signal must reach the portfolio's lease holder only.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { connect } from "@nats-io/transport-node";
import { createBus } from "../../../src/bus/createBus.ts";
import { Leases } from "../../../src/keeper/fleet/lease.ts";
import { NatsKvLeaseBackend } from "../../../src/keeper/fleet/natsLeases.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";
import { startNatsServer, type NatsServer } from "../../helpers/natsServer.ts";
import { addPortfolios, settlementsByVault, type FleetSystem } from "./fleetSystem.ts";
import { startFleet, type FleetProcess } from "./fleetProcess.ts";

const K = 3;
const N = 10;
const LEASE_S = 4;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("keeper fleet: 3 processes × 10 portfolios on NATS JetStream (SIGKILL, NATS restart)", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let nats: NatsServer;
  let sys: KeeperSystem;
  let fleet: FleetSystem;
  const keys: Hex[] = [];
  const procs: FleetProcess[] = [];

  before(async function () {
    [node, nats] = await Promise.all([hardhatNode(), startNatsServer()]);
    // Ten vaults trade through the same pools: deep enough that none moves them past the slippage budget.
    sys = await deployKeeperSystem(node, { poolDepthUsd: 20_000_000_000 });
    fleet = await addPortfolios(sys, N);
    // A third registry keeper: each fleet process signs with its own account.
    const third = generatePrivateKey();
    await node.rpc("hardhat_setBalance", [privateKeyToAccount(third).address, "0x56BC75E2D63100000"]);
    await (await sys.registry.getFunction("addKeeper")(privateKeyToAccount(third).address)).wait();
    keys.push(sys.keeperKeys[0]!, sys.keeperKeys[1]!, third);
  });
  after(async function () {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await Promise.all([node?.stop(), nats?.stop()]);
  });

  it("settles every due portfolio exactly once and routes a signal to its lease holder", async function () {
    for (let i = 0; i < K; i++) {
      procs.push(
        startFleet(keys[i]!, [
          ...["--rpc", node.url, "--deployments", fleet.dir, "--prices", sys.pricesPath, "--bundle", sys.bundlePath],
          ...["--inputs-dir", join(sys.dir, `inputs-${i}`), "--bus", nats.url, "--lease", String(LEASE_S)],
          ...["--interval", "60", "--ack-wait", "2", "--concurrency", "2"],
        ]),
      );
    }
    const vaults = fleet.vaults.map((v) => v.toLowerCase());
    // SIGKILL the first process seen starting a cycle of a portfolio not settled yet: mid-cycle.
    let victim: FleetProcess | undefined;
    let victimPortfolio: string | undefined;
    await until(
      "a cycle in progress",
      () => {
        for (const p of procs) {
          const started = p.logs.find(
            (l) => l.msg === "rebalance triggered" && !p.reports.some((r) => r.portfolio.toLowerCase() === l.portfolio),
          );
          if (started !== undefined) {
            victim = p;
            victimPortfolio = started.portfolio;
            return true;
          }
        }
        return false;
      },
      120_000,
    );
    victim!.child.kill("SIGKILL");
    await victim!.exited;
    const survivors = procs.filter((p) => p !== victim);
    // The NATS server goes away and comes back (same store) while the survivors take over.
    await nats.restart();

    await until(
      "every portfolio settled on chain",
      async () => {
        const onChain = await settlementsByVault(node, sys);
        return vaults.every((v) => (onChain.get(v)?.length ?? 0) > 0);
      },
      150_000,
    );
    // Two more lease periods: a second settlement of any portfolio would show up by now.
    await new Promise((r) => setTimeout(r, 2 * LEASE_S * 1000 + 2000));
    const onChain = await settlementsByVault(node, sys);
    for (const v of vaults)
      assert.equal(onChain.get(v)?.length, 1, `${v} settled ${onChain.get(v)?.length ?? 0} times`);
    assert.ok(victimPortfolio !== undefined);
    for (const p of survivors) assert.equal(p.child.exitCode, null, p.stderr().slice(-3000));
    // Every portfolio is served by a survivor now, and each by one only.
    const served = (p: FleetProcess): Set<string> => {
      const now = new Set<string>();
      for (const l of p.logs) {
        if (l.msg === "lease taken; serving portfolio" && l.portfolio !== undefined) now.add(l.portfolio);
        if (l.msg === "stopping portfolio" && l.portfolio !== undefined) now.delete(l.portfolio);
      }
      return now;
    };
    const servedBy = survivors.map(served);
    for (const v of vaults) {
      assert.equal(
        servedBy.filter((s) => s.has(v)).length,
        1,
        `${v} is served by ${servedBy.filter((s) => s.has(v)).length} processes`,
      );
    }

    // A signal for one portfolio reaches the process holding its lease, and no other.
    const target = vaults[0]!;
    const nc = await connect({ servers: nats.url });
    const lookup = new Leases({
      backend: await NatsKvLeaseBackend.open(nc, { periodMs: LEASE_S * 1000 }),
      holder: "test",
      account: "test",
      periodMs: LEASE_S * 1000,
    });
    const holder = await lookup.holderOf(target);
    await nc.close();
    assert.ok(holder !== null, "no lease holder for the target portfolio");
    const holderProc = survivors.find((p) => holder.holder.includes(`/${p.child.pid}/`));
    assert.ok(holderProc !== undefined, `the holder ${holder.holder} is no survivor`);
    const bus = await createBus(nats.url);
    const id = "fleet-signal-1";
    await bus.publish(
      "ai.rebalance",
      { portfolio: target, reason: "fleet test", requestedAt: new Date().toISOString(), id },
      { id },
    );
    await bus.close();
    await holderProc.waitLog(
      (l) => l.msg === "rebalance signal received" && l["signalId"] === id,
      "signal at the holder",
      30_000,
    );
    for (const p of survivors.filter((s) => s !== holderProc)) {
      assert.ok(!p.logs.some((l) => l["signalId"] === id), "a process without the lease received the signal");
    }

    for (const p of survivors) p.child.kill("SIGTERM");
    for (const p of survivors) assert.equal(await p.exited, 0, p.stderr().slice(-3000));
  });
});
