import { expect } from "chai";
import { network } from "hardhat";
import type { Hex } from "viem";
import { foldAuditChain, type AuditEntry } from "../../src/audit/chain.ts";
import type { AuditedHarness } from "../../types/ethers-contracts/index.ts";

const { ethers } = await network.create();

describe("Audited (on-chain chain vs off-chain fold)", () => {
  let harness: AuditedHarness;

  beforeEach(async () => {
    harness = await ethers.deployContract("AuditedHarness");
  });

  it("emits AuditRecorded right after the audited event, and the off-chain fold equals auditHead()", async () => {
    for (let i = 0; i < 5; i++) {
      const tx = await harness.record(ethers.encodeBytes32String(`t${i}`), i * 10);
      await expect(tx).to.emit(harness, "AuditRecorded");
    }
    const logs = await harness.queryFilter(harness.filters.AuditRecorded());
    const entries: AuditEntry[] = logs.map((log) => ({
      index: log.args.index,
      eventType: log.args.eventType as Hex,
      prevHead: log.args.prevHead as Hex,
      payloadHash: log.args.payloadHash as Hex,
      head: log.args.head as Hex,
    }));
    const fold = foldAuditChain(entries);
    expect(fold.firstBreak).to.equal(null);
    expect(fold.head).to.equal(await harness.auditHead());
    expect(BigInt(fold.count)).to.equal(await harness.auditCount());
  });

  it("uses the audited event's selector as eventType", async () => {
    await harness.record(ethers.ZeroHash, 1);
    const [log] = await harness.queryFilter(harness.filters.AuditRecorded());
    expect(log?.args.eventType).to.equal(harness.interface.getEvent("Noted").topicHash);
  });
});
