import { decodeEventLog, getAbiItem, toEventSelector, type Address, type Hex, type Log, type PublicClient } from "viem";
import { auditedAbi } from "../protocol/abi.ts";
import type { AuditEntry } from "./chain.ts";

/** The `AuditRecorded` event of `contracts/interfaces/IAudited.sol`. */
export const auditRecordedEvent = getAbiItem({ abi: auditedAbi, name: "AuditRecorded" });

const AUDIT_RECORDED_TOPIC: Hex = toEventSelector(auditRecordedEvent);

/** Parameters of {@link readAuditEntries}. */
export interface ReadAuditEntriesParameters {
  readonly address: Address;
  /** First block to scan; the chain must be read from its first entry for a full verification. */
  readonly fromBlock?: bigint;
  /** Last block to scan (default the latest): pin it to compare with the contract's head at that block. */
  readonly toBlock?: bigint;
}

/** An audit entry with the log it came from and the log of the same contract just before it. */
export interface LocatedAuditEntry extends AuditEntry {
  readonly blockNumber: bigint;
  readonly transactionHash: Hex;
  readonly logIndex: number;
  /** The contract's log right before the `AuditRecorded` one in the same transaction, if any. */
  readonly event: Log | null;
}

/**
 * Reads every log of one contract in log order and returns its `AuditRecorded` entries, each with
 * the log that precedes it (the audited event it should link).
 *
 * @example
 * ```ts
 * const entries = await readAuditEntries(client, { address: registry });
 * const { head, firstBreak } = foldAuditChain(entries);
 * ```
 */
export async function readAuditEntries(
  client: PublicClient,
  { address, fromBlock = 0n, toBlock }: ReadAuditEntriesParameters,
): Promise<LocatedAuditEntry[]> {
  const logs = await client.getLogs({ address, fromBlock, toBlock: toBlock ?? "latest" });
  const entries: LocatedAuditEntry[] = [];
  for (const [k, log] of logs.entries()) {
    if (log.topics[0]?.toLowerCase() !== AUDIT_RECORDED_TOPIC) continue;
    // Logs of mined blocks (this scan reads no pending ones) always carry their location.
    if (log.blockNumber === null || log.transactionHash === null || log.logIndex === null) continue;
    const { args } = decodeEventLog({ abi: [auditRecordedEvent], data: log.data, topics: log.topics, strict: true });
    const before = k > 0 ? logs[k - 1] : undefined;
    const adjacent =
      before !== undefined && before.transactionHash === log.transactionHash && before.logIndex === log.logIndex - 1;
    entries.push({
      index: args.index,
      eventType: args.eventType,
      prevHead: args.prevHead,
      payloadHash: args.payloadHash,
      head: args.head,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
      event: adjacent ? before : null,
    });
  }
  return entries;
}
