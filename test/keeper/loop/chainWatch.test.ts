// The chain-head watcher against Hardhat's in-process network: a snapshot restore (evm_revert)
// and a reorg at the same height are both noticed; blocks mined on top are not.
import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, type PublicClient } from "viem";
import { ChainHeadWatcher } from "../../../src/keeper/loop/chainWatch.ts";

const { provider } = await network.create();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;
const rpc = (method: string, params: unknown[] = []): Promise<unknown> => provider.request({ method, params });

describe("keeper/loop/ChainHeadWatcher (in-process hardhat network)", function () {
  it("continues while blocks are mined on top", async function () {
    const watcher = new ChainHeadWatcher(client);
    expect((await watcher.check()).kind).to.equal("first");
    expect((await watcher.check()).kind).to.equal("continued");
    await rpc("evm_mine");
    await rpc("evm_mine");
    const change = await watcher.check();
    expect(change.kind).to.equal("continued");
    expect(change.head.number).to.equal(await client.getBlockNumber());
  });

  it("reports rolled-back when the head goes below the block seen last (evm_revert)", async function () {
    const snapshot = await rpc("evm_snapshot");
    await rpc("evm_mine");
    await rpc("evm_mine");
    const watcher = new ChainHeadWatcher(client);
    const seen = (await watcher.check()).head;
    await rpc("evm_revert", [snapshot]);
    const change = await watcher.check();
    expect(change.kind).to.equal("rolled-back");
    if (change.kind !== "rolled-back") return;
    expect(change.previous).to.deep.equal(seen);
    expect(change.head.number < seen.number).to.equal(true);
    // The new head is what it remembers now.
    expect((await watcher.check()).kind).to.equal("continued");
  });

  it("reports reorged when the block at the height seen last has another hash", async function () {
    const snapshot = await rpc("evm_snapshot");
    await rpc("evm_mine");
    const watcher = new ChainHeadWatcher(client);
    const seen = (await watcher.check()).head;
    // Another chain of the same and greater height: revert, then mine blocks with other timestamps.
    await rpc("evm_revert", [snapshot]);
    await rpc("evm_increaseTime", [3_600]);
    await rpc("evm_mine");
    await rpc("evm_mine");
    const change = await watcher.check();
    expect(change.kind).to.equal("reorged");
    if (change.kind !== "reorged") return;
    expect(change.previous).to.deep.equal(seen);
    expect(change.head.number > seen.number).to.equal(true);
  });
});
