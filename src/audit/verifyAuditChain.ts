import type { Address, Hex, PublicClient } from "viem";
import { auditedAbi } from "../protocol/abi.ts";
import { foldAuditChain, type AuditBreak } from "./chain.ts";
import { readAuditEntries } from "./readAuditEntries.ts";

/** Parameters of {@link verifyAuditChain}. */
export interface VerifyAuditChainParameters {
  readonly address: Address;
  readonly fromBlock?: bigint;
}

/** Outcome of {@link verifyAuditChain}. */
export interface VerifyAuditChainReturnType {
  readonly address: Address;
  /** Head recomputed from the logs. */
  readonly head: Hex;
  readonly count: number;
  /** What the contract itself reports. */
  readonly onChainHead: Hex;
  readonly onChainCount: bigint;
  /** The first break in the logs, or a mismatch between the fold and the contract's own head. */
  readonly firstBreak: AuditBreak | null;
  readonly ok: boolean;
}

/**
 * Recomputes one contract's audit chain from its logs and compares it with the head and count the
 * contract reports.
 *
 * @example
 * ```ts
 * const report = await verifyAuditChain(client, { address: registry });
 * if (!report.ok) process.exitCode = 3;
 * ```
 */
export async function verifyAuditChain(
  client: PublicClient,
  { address, fromBlock }: VerifyAuditChainParameters,
): Promise<VerifyAuditChainReturnType> {
  const entries = await readAuditEntries(client, { address, ...(fromBlock === undefined ? {} : { fromBlock }) });
  const [onChainHead, onChainCount] = await Promise.all([
    client.readContract({ address, abi: auditedAbi, functionName: "auditHead" }),
    client.readContract({ address, abi: auditedAbi, functionName: "auditCount" }),
  ]);
  const fold = foldAuditChain(entries);
  let firstBreak = fold.firstBreak;
  if (firstBreak === null && (fold.head !== onChainHead.toLowerCase() || BigInt(fold.count) !== onChainCount)) {
    firstBreak = {
      position: fold.count,
      reason: "head-mismatch",
      expected: `${onChainHead} after ${onChainCount} entries (contract)`,
      actual: `${fold.head} after ${fold.count} entries (logs)`,
    };
  }
  return {
    address,
    head: fold.head,
    count: fold.count,
    onChainHead,
    onChainCount,
    firstBreak,
    ok: firstBreak === null,
  };
}
