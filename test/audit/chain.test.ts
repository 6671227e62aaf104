import { expect } from "chai";
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { GENESIS_HEAD, foldAuditChain, linkAuditHead, type AuditEntry } from "../../src/audit/chain.ts";

const EVENT: Hex = keccak256("0x01");
const payload = (i: number): Hex => keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(i)]));

function honestChain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let head: Hex = GENESIS_HEAD;
  for (let i = 0; i < n; i++) {
    const next = linkAuditHead(head, BigInt(i), EVENT, payload(i));
    entries.push({ index: BigInt(i), eventType: EVENT, prevHead: head, payloadHash: payload(i), head: next });
    head = next;
  }
  return entries;
}

describe("audit/chain", () => {
  it("links with keccak256(abi.encode(head, index, eventType, payloadHash))", () => {
    // Worked example from docs/audit-chain.md.
    const eventType: Hex = `0x${"11".repeat(32)}`;
    const payloadHash: Hex = `0x${"22".repeat(32)}`;
    const manual = keccak256(`0x${"00".repeat(32)}${"00".repeat(31)}00${"11".repeat(32)}${"22".repeat(32)}` as Hex);
    expect(linkAuditHead(GENESIS_HEAD, 0n, eventType, payloadHash)).to.equal(manual);
    expect(manual).to.equal("0x94a91d35734ec8c53f304d24a79791904643330bb60794f9c1528639e4c7b6ba");
  });

  it("folds an honest chain to its last head", () => {
    const entries = honestChain(5);
    const fold = foldAuditChain(entries);
    expect(fold.firstBreak).to.equal(null);
    expect(fold.count).to.equal(5);
    expect(fold.head).to.equal(entries[4]?.head);
  });

  it("reports a payload hash changed in the log as a forged link at that entry", () => {
    const entries = honestChain(4);
    const tampered = entries.map((e, i) => (i === 2 ? { ...e, payloadHash: payload(99) } : e));
    const fold = foldAuditChain(tampered);
    expect(fold.firstBreak?.position).to.equal(2);
    expect(fold.firstBreak?.reason).to.equal("forged-link");
    expect(fold.count).to.equal(2);
  });

  it("reports a dropped entry as an index gap", () => {
    const entries = honestChain(4);
    const fold = foldAuditChain([entries[0]!, entries[2]!, entries[3]!]);
    expect(fold.firstBreak).to.deep.include({ position: 1, reason: "gap", expected: "index 1", actual: "index 2" });
  });

  it("reports swapped entries as a reorder, not a gap", () => {
    const entries = honestChain(4);
    const fold = foldAuditChain([entries[0]!, entries[2]!, entries[1]!, entries[3]!]);
    expect(fold.firstBreak).to.deep.include({ position: 1, reason: "reorder", expected: "index 1", actual: "index 2" });
  });

  it("reports an entry whose previous head is not the fold so far as a forged link", () => {
    const entries = honestChain(3);
    const forged = entries.map((e, i) => (i === 1 ? { ...e, prevHead: payload(7) } : e));
    expect(foldAuditChain(forged).firstBreak).to.deep.include({ position: 1, reason: "forged-link" });
  });
});
