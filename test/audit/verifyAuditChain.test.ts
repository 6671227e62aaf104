// Every kind of break `audit verify` names, produced on a real chain by a contract that can emit
// forged AuditRecorded logs and overwrite its own head and count (contracts/mocks/TamperableAudited.sol).
import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  custom,
  encodeAbiParameters,
  getAddress,
  keccak256,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { linkAuditHead, GENESIS_HEAD } from "../../src/audit/chain.ts";
import { verifyAuditChain, type VerifyAuditChainReturnType } from "../../src/audit/verifyAuditChain.ts";
import type { TamperableAudited } from "../../types/ethers-contracts/index.ts";

const { ethers, provider } = await network.create();
const client = createPublicClient({ transport: custom(provider) }) as PublicClient;

const A: Address = getAddress("0x00000000000000000000000000000000000000a1");
const B: Address = getAddress("0x00000000000000000000000000000000000000b2");
const GUARDIAN_UPDATED: Hex = keccak256(new TextEncoder().encode("GuardianUpdated(address,address)"));
const payloadOf = (a: Address, b: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: "address" }, { type: "address" }], [a, b]));

type Tamperable = TamperableAudited;

async function deploy(): Promise<Tamperable> {
  return (await ethers.deployContract("TamperableAudited")) as unknown as Tamperable;
}

/** A contract with `n` honest entries; returns it and the heads after each entry. */
async function honestChain(n: number): Promise<{ c: Tamperable; heads: Hex[] }> {
  const c = await deploy();
  const heads: Hex[] = [];
  let head = GENESIS_HEAD;
  for (let i = 0; i < n; i++) {
    await (await c.honest(A, B)).wait();
    head = linkAuditHead(head, BigInt(i), GUARDIAN_UPDATED, payloadOf(A, B));
    heads.push(head);
  }
  return { c, heads };
}

async function verify(c: Tamperable, payloads = true): Promise<VerifyAuditChainReturnType> {
  return verifyAuditChain(client, { address: getAddress(await c.getAddress()), payloads });
}

describe("verifyAuditChain", () => {
  it("passes an honest chain, checking each event and payload", async () => {
    const { c, heads } = await honestChain(3);
    const report = await verify(c);
    expect(report).to.deep.include({ ok: true, count: 3, head: heads[2], payloadsChecked: true, firstBreak: null });
  });

  it("names a missing entry a gap", async () => {
    const { c, heads } = await honestChain(1);
    const skipped = linkAuditHead(heads[0]!, 1n, GUARDIAN_UPDATED, payloadOf(A, B));
    await (
      await c.forge(2n, skipped, payloadOf(A, B), linkAuditHead(skipped, 2n, GUARDIAN_UPDATED, payloadOf(A, B)), A, B)
    ).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 1, reason: "gap" });
  });

  it("names an entry repeated out of order a reorder", async () => {
    const { c } = await honestChain(2);
    await (
      await c.forge(
        0n,
        GENESIS_HEAD,
        payloadOf(A, B),
        linkAuditHead(GENESIS_HEAD, 0n, GUARDIAN_UPDATED, payloadOf(A, B)),
        A,
        B,
      )
    ).wait();
    await (await c.forge(2n, GENESIS_HEAD, payloadOf(A, B), GENESIS_HEAD, A, B)).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 2, reason: "reorder" });
  });

  it("names a link whose previous head or head is not the fold a forged link", async () => {
    const { c, heads } = await honestChain(1);
    await (await c.forge(1n, heads[0]!, payloadOf(A, B), `0x${"66".repeat(32)}`, A, B)).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 1, reason: "forged-link" });
  });

  it("names a link with no event before it a missing event", async () => {
    const { c } = await honestChain(1);
    await (await c.linkWithPayload(0, A, B, payloadOf(A, B))).wait();
    const report = await verify(c);
    expect(report.firstBreak).to.deep.include({ position: 1, reason: "missing-event", actual: "none" });
    // The links themselves hold: only step 4 sees it.
    expect((await verify(c, false)).ok).to.equal(true);
  });

  it("names a link after another event an event mismatch", async () => {
    const { c } = await honestChain(1);
    await (await c.linkWithPayload(2, A, B, payloadOf(A, B))).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 1, reason: "event-mismatch" });
  });

  it("names a payload hash that is not the event's fields a payload mismatch", async () => {
    const { c } = await honestChain(2);
    await (await c.linkWithPayload(1, A, B, payloadOf(B, A))).wait();
    const report = await verify(c);
    expect(report.firstBreak).to.deep.include({ position: 2, reason: "payload-mismatch", actual: payloadOf(B, A) });
    expect(report.firstBreak?.expected).to.equal(`GuardianUpdated hashing to ${payloadOf(A, B)}`);
    expect((await verify(c, false)).ok).to.equal(true);
  });

  it("names a stored count that differs from the logs a count mismatch, and a stored head a head mismatch", async () => {
    const { c, heads } = await honestChain(2);
    await (await c.overwrite(heads[1]!, 3n)).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 2, reason: "count-mismatch" });
    await (await c.overwrite(`0x${"77".repeat(32)}`, 2n)).wait();
    expect((await verify(c)).firstBreak).to.deep.include({ position: 2, reason: "head-mismatch" });
  });
});
