import { getAbiItem, type Address, type Hex, type PublicClient } from "viem";
import { auditedAbi } from "../protocol/abi.ts";
import type { AuditEntry } from "./chain.ts";

/** The `AuditRecorded` event of `contracts/interfaces/IAudited.sol`. */
export const auditRecordedEvent = getAbiItem({ abi: auditedAbi, name: "AuditRecorded" });

/** Parameters of {@link readAuditEntries}. */
export interface ReadAuditEntriesParameters {
  readonly address: Address;
  /** First block to scan; the chain must be read from its first entry for a full verification. */
  readonly fromBlock?: bigint;
}

/**
 * Reads every `AuditRecorded` log of one contract, in log order.
 *
 * @example
 * ```ts
 * const entries = await readAuditEntries(client, { address: registry });
 * const { head, firstBreak } = foldAuditChain(entries);
 * ```
 */
export async function readAuditEntries(
  client: PublicClient,
  { address, fromBlock = 0n }: ReadAuditEntriesParameters,
): Promise<AuditEntry[]> {
  const logs = await client.getLogs({ address, event: auditRecordedEvent, fromBlock, toBlock: "latest", strict: true });
  return logs.map((log) => ({
    index: log.args.index,
    eventType: log.args.eventType as Hex,
    prevHead: log.args.prevHead,
    payloadHash: log.args.payloadHash,
    head: log.args.head,
  }));
}
