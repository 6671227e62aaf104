// Folds a contract's AuditRecorded logs, as ethers returns them from `queryFilter`, with the
// auditor's own fold (src/audit/chain.ts).
import { expect } from "chai";
import { AbiCoder, keccak256, type BaseContract, type Log, type TransactionReceipt } from "ethers";
import type { Hex } from "viem";
import { foldAuditChain, type AuditFold } from "../../src/audit/chain.ts";

/** The fields of an `AuditRecorded` log that the fold reads (TypeChain's typed `args`). */
export interface AuditRecordedLog {
  readonly args: {
    readonly index: bigint;
    readonly eventType: string;
    readonly prevHead: string;
    readonly payloadHash: string;
    readonly head: string;
  };
}

/** `foldAuditChain` over `queryFilter(contract.filters.AuditRecorded())`. */
export function foldAuditLogs(logs: readonly AuditRecordedLog[]): AuditFold {
  return foldAuditChain(
    logs.map(({ args }) => ({
      index: args.index,
      eventType: args.eventType as Hex,
      prevHead: args.prevHead as Hex,
      payloadHash: args.payloadHash as Hex,
      head: args.head as Hex,
    })),
  );
}

/**
 * For every AuditRecorded log `contract` emitted in `receipt`, checks that the log right before it is
 * the audited event it names and that its payloadHash is keccak256(abi.encode(all event fields in
 * declaration order)). Returns the audited event names in order.
 */
export function checkAuditedPayloads(contract: BaseContract, receipt: TransactionReceipt): string[] {
  const iface = contract.interface;
  const mine = receipt.logs.filter((l: Log) => l.address === contract.target);
  const names: string[] = [];
  for (let k = 0; k < mine.length; k++) {
    const audit = iface.parseLog(mine[k]!);
    if (audit?.name !== "AuditRecorded") continue;
    const event = iface.parseLog(mine[k - 1]!);
    expect(event, "an audited event precedes AuditRecorded").to.not.equal(null);
    expect(audit.args.eventType).to.equal(event!.topic);
    const types = event!.fragment.inputs.map((p) => p.type);
    const payload = keccak256(AbiCoder.defaultAbiCoder().encode(types, [...event!.args]));
    expect(audit.args.payloadHash, `${event!.name} payload`).to.equal(payload);
    names.push(event!.name);
  }
  return names;
}
