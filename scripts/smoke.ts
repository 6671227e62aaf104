// Smoke run of the pipeline until the end-to-end demo exists: compile, deploy to the in-process
// chain, write one audited entry and check the off-chain fold against the contract's head.
import { network } from "hardhat";
import type { Hex } from "viem";
import { foldAuditChain } from "../src/audit/chain.ts";

const { ethers } = await network.create();
const [deployer] = await ethers.getSigners();
const harness = await ethers.deployContract("AuditedHarness");
await harness.waitForDeployment();
await (await harness.record(ethers.encodeBytes32String("smoke"), 1)).wait();

const logs = await harness.queryFilter(harness.filters.AuditRecorded());
const fold = foldAuditChain(
  logs.map((log) => ({
    index: log.args.index,
    eventType: log.args.eventType as Hex,
    prevHead: log.args.prevHead as Hex,
    payloadHash: log.args.payloadHash as Hex,
    head: log.args.head as Hex,
  })),
);
const onChainHead = await harness.auditHead();
console.log(`deployer        ${deployer?.address}`);
console.log(`AuditedHarness  ${await harness.getAddress()}`);
console.log(`audit head      ${onChainHead} (${fold.count} entr${fold.count === 1 ? "y" : "ies"})`);
if (fold.firstBreak !== null || fold.head !== onChainHead) {
  console.error("smoke: audit chain fold does not match the contract");
  process.exitCode = 1;
} else {
  console.log("smoke: ok");
}
