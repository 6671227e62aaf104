// A keeper cycle keeps time by the chain, not the wall clock (#16 item 7), and leaves a record of
// every transaction it sends, written before the broadcast, naming mined-reverted ones (item 8).
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { serializeTransaction, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { replayInstruction } from "../../../src/audit/replayInstruction.ts";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import { runKeeperCycle } from "../../../src/keeper/cycle/runCycle.ts";
import { settlementRecordPath, type SettlementRecord } from "../../../src/keeper/cycle/settlementRecord.ts";
import { signViewSet } from "../../../src/views/signedViewSet.ts";
import { investorViewDomain } from "../../../src/views/typedData.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";
import { cycleContext } from "../../helpers/cycleContext.ts";

function context(sys: KeeperSystem, node: HardhatNode, keeper = 0): ReturnType<typeof cycleContext> {
  return cycleContext(sys, node.url, keeper, { inputsDir: join(sys.dir, `inputs-${keeper}`) });
}

/** Publishes one signed Black-Litterman view valid until `validUntil` (seconds) on the context's bus. */
async function publishView(sys: KeeperSystem, bus: InProcessBus, validUntil: bigint): Promise<void> {
  const signer = privateKeyToAccount(sys.viewSignerKey);
  const domain = investorViewDomain({ chainId: 31337, registry: sys.addresses["registry"] as Hex });
  const view = {
    viewSetVersion: 1n,
    assets: ["WBTC", "WETH"],
    pick: [10n ** 18n, -(10n ** 18n)],
    q: 10n ** 17n,
    confidence: 5n * 10n ** 17n,
    omega: 0n,
    nonce: 1n,
    validUntil,
    signer: signer.address,
  };
  const file = await signViewSet(signer, domain, [view]);
  await bus.publish("ai.bl_views", { viewSet: file, commitment: file.commitment });
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readRecord(path: string): SettlementRecord {
  return JSON.parse(readFileSync(path, "utf8")) as SettlementRecord;
}

describe("keeper cycle: chain time and settlement records (hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("refuses a view that is valid by the wall clock but expired at the chain's time; replay agrees", async () => {
    const sys = await deployKeeperSystem(node, { optimizerType: 1 });
    const ctx = context(sys, node);
    const wallNow = BigInt(Math.floor(Date.now() / 1000));
    await publishView(sys, ctx.bus, wallNow + 86_400n);
    // The chain runs two days ahead of the keeper's wall clock.
    await node.rpc("evm_increaseTime", [2 * 86_400]);
    await node.rpc("evm_mine");

    const report = await runKeeperCycle(ctx);
    assert.equal(report.viewsAccepted, 0, "expired at the chain's time");
    assert.equal(report.viewsRejected, 1);
    assert.ok(report.chainTimestamp >= Number(wallNow) + 2 * 86_400, "the report carries the chain's time");
    assert.equal(report.status, "settled");
    const replay = await replayInstruction(ctx.client, {
      settlement: ctx.deployment.settlement,
      instructionId: report.instructionId!,
      inputsDir: ctx.inputsDir,
      bundles: [sys.bundlePath],
    });
    assert.equal(replay.match, true);
  });

  it("caps the instruction's deadline at the earliest view's validUntil, by chain time", async () => {
    const sys = await deployKeeperSystem(node, { optimizerType: 1 });
    const ctx = context(sys, node);
    const latest = await ctx.client.getBlock({ blockTag: "latest" });
    // Valid for 10 minutes of chain time: shorter than the default 1 h instruction lifetime.
    const validUntil = latest.timestamp + 600n;
    await publishView(sys, ctx.bus, validUntil);
    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    assert.equal(report.viewsAccepted, 1);
    const instruction = JSON.parse(
      readFileSync(join(report.inputsPath, `instruction-${report.instructionId!.slice(2)}.json`), "utf8"),
    ) as { deadline: string };
    assert.equal(BigInt(instruction.deadline), validUntil);
  });

  it("writes settlement-<id>.json with the signed hash before the transaction is mined, then its outcome", async () => {
    const sys = await deployKeeperSystem(node);
    const ctx = context(sys, node);
    const keeper = sys.keepers[0]!.address;
    await node.rpc("evm_setAutomine", [false]);
    let cycle: ReturnType<typeof runKeeperCycle> | undefined;
    try {
      cycle = runKeeperCycle(ctx);
      await until(
        "the broadcast",
        async () => (await ctx.client.getTransactionCount({ address: keeper, blockTag: "pending" })) === 1,
      );
      // Broadcast, not mined: a keeper killed now would still leave this.
      const dir = readdirOnly(ctx.inputsDir);
      const pending = readRecord(dir);
      assert.equal(pending.status, "sent");
      assert.equal(pending.blockNumber, null);
      assert.equal(pending.attempts.length, 1);
      const tx = await ctx.client.getTransaction({ hash: pending.txHash });
      assert.equal(tx.from.toLowerCase(), keeper.toLowerCase());
      await node.rpc("evm_mine");
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
    const report = await cycle!;
    assert.equal(report.status, "settled");
    const done = readRecord(settlementRecordPath(report.inputsPath, report.instructionId!));
    assert.equal(done.status, "finalized");
    assert.equal(done.txHash, report.txHash);
    assert.equal(done.blockNumber, report.blockNumber);
  });

  it("a race loser whose transaction was mined and reverted reports that transaction", async () => {
    const sys = await deployKeeperSystem(node);
    const [a, b] = [context(sys, node, 0), context(sys, node, 1)];
    const pendingCount = (k: number) => async () =>
      (await a.client.getTransactionCount({ address: sys.keepers[k]!.address, blockTag: "pending" })) === 1;
    await node.rpc("evm_setAutomine", [false]);
    let cycles: Promise<Awaited<ReturnType<typeof runKeeperCycle>>>[] = [];
    try {
      cycles = [runKeeperCycle(a)];
      await until("keeper A's broadcast", pendingCount(0));
      // Take A's transaction out of the pool so B simulates on the same state and sends too, then
      // put A's exact bytes back: both are mined in one block and the second reverts.
      const sentA = readRecord(readdirOnly(a.inputsDir));
      const txA = await a.client.getTransaction({ hash: sentA.txHash });
      const rawA = serializeTransaction(
        {
          type: "eip1559",
          chainId: 31337,
          nonce: txA.nonce,
          to: txA.to!,
          data: txA.input,
          value: txA.value,
          gas: txA.gas,
          maxFeePerGas: txA.maxFeePerGas!,
          maxPriorityFeePerGas: txA.maxPriorityFeePerGas!,
        },
        { r: txA.r, s: txA.s, yParity: txA.yParity! },
      );
      await node.rpc("hardhat_dropTransaction", [sentA.txHash]);
      cycles.push(runKeeperCycle(b));
      await until("keeper B's broadcast", pendingCount(1));
      await node.rpc("eth_sendRawTransaction", [rawA]);
      await node.rpc("evm_mine");
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
    const reports = await Promise.all(cycles);
    assert.deepEqual(reports.map((r) => r.status).sort(), ["already-settled", "settled"]);
    const loser = reports.find((r) => r.status === "already-settled")!;
    assert.ok(loser.txHash !== null, "the mined, reverted transaction is named");
    const receipt = await a.client.getTransactionReceipt({ hash: loser.txHash });
    assert.equal(receipt.status, "reverted");
    assert.equal(loser.blockNumber, receipt.blockNumber.toString());
    const record = readRecord(settlementRecordPath(loser.inputsPath, loser.instructionId!));
    assert.equal(record.status, "reverted");
    assert.equal(record.txHash, loser.txHash);
    assert.ok(record.settledElsewhere !== undefined);
  });
});

/** The one settlement record under an inputs directory (one instruction per test). */
function readdirOnly(inputsDir: string): string {
  const found = readdirSync(inputsDir, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)settlement-[0-9a-f]{64}\.json$/.test(f))
    .map((f) => join(inputsDir, f));
  assert.equal(found.length, 1, `expected one settlement record under ${inputsDir}`);
  return found[0]!;
}
