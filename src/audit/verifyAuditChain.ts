import type { Address, Hex, PublicClient } from "viem";
import { auditedAbi } from "../protocol/abi.ts";
import { checkAuditPayloads } from "./auditPayloads.ts";
import { foldAuditChain, type AuditBreak } from "./chain.ts";
import { readAuditEntries } from "./readAuditEntries.ts";

/** Parameters of {@link verifyAuditChain}. */
export interface VerifyAuditChainParameters {
  readonly address: Address;
  readonly fromBlock?: bigint;
  /**
   * Also check step 4 of docs/audit-chain.md (default true): each entry's audited event is the log
   * right before it, is the event it names, and hashes to its payload hash.
   */
  readonly payloads?: boolean;
}

/** Outcome of {@link verifyAuditChain}. */
export interface VerifyAuditChainReturnType {
  readonly address: Address;
  /** The block the logs and the contract's head were read at. */
  readonly blockNumber: bigint;
  /** Head recomputed from the logs. */
  readonly head: Hex;
  readonly count: number;
  /** What the contract itself reports at {@link blockNumber}. */
  readonly onChainHead: Hex;
  readonly onChainCount: bigint;
  /** Whether the payloads were checked (step 4). */
  readonly payloadsChecked: boolean;
  /** The first break, by entry position: in the logs' links or events, or against the contract's head and count. */
  readonly firstBreak: AuditBreak | null;
  readonly ok: boolean;
}

/**
 * Recomputes one contract's audit chain from its logs, checks each entry's audited event and payload
 * (unless `payloads: false`), and compares the fold with the head and count the contract reports,
 * all at one block.
 *
 * @example
 * ```ts
 * const report = await verifyAuditChain(client, { address: registry, fromBlock: 0n });
 * if (!report.ok) console.error(report.firstBreak?.reason); // "payload-mismatch", "gap", …
 * ```
 */
export async function verifyAuditChain(
  client: PublicClient,
  { address, fromBlock, payloads = true }: VerifyAuditChainParameters,
): Promise<VerifyAuditChainReturnType> {
  // Uncached: viem would otherwise answer a block number up to 4 s old.
  const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
  const [entries, onChainHead, onChainCount] = await Promise.all([
    readAuditEntries(client, { address, toBlock: blockNumber, ...(fromBlock === undefined ? {} : { fromBlock }) }),
    client.readContract({ address, abi: auditedAbi, functionName: "auditHead", blockNumber }),
    client.readContract({ address, abi: auditedAbi, functionName: "auditCount", blockNumber }),
  ]);
  const fold = foldAuditChain(entries);
  const payloadBreak = payloads ? checkAuditPayloads(entries) : null;
  let firstBreak = earliest(fold.firstBreak, payloadBreak);
  if (firstBreak === null && BigInt(fold.count) !== onChainCount) {
    firstBreak = {
      position: fold.count,
      reason: "count-mismatch",
      expected: `${onChainCount} entries (contract)`,
      actual: `${fold.count} entries (logs)`,
    };
  } else if (firstBreak === null && fold.head !== onChainHead.toLowerCase()) {
    firstBreak = {
      position: fold.count,
      reason: "head-mismatch",
      expected: `${onChainHead} (contract)`,
      actual: `${fold.head} (logs)`,
    };
  }
  return {
    address,
    blockNumber,
    head: fold.head,
    count: fold.count,
    onChainHead,
    onChainCount,
    payloadsChecked: payloads,
    firstBreak,
    ok: firstBreak === null,
  };
}

/** The break at the lower entry position; on a tie the chain's own (it is checked first). */
function earliest(chain: AuditBreak | null, payload: AuditBreak | null): AuditBreak | null {
  if (chain === null) return payload;
  if (payload === null) return chain;
  return payload.position < chain.position ? payload : chain;
}
