// Folds a contract's AuditRecorded logs, as ethers returns them from `queryFilter`, with the
// auditor's own fold (src/audit/chain.ts).
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
