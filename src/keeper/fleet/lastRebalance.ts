// When a portfolio last settled, from the chain: a fleet process taking a portfolio over from
// another (a failover, a rebalanced share) knows nothing of its history, and without this its
// calendar trigger would fire at once ("no rebalance recorded yet") and settle the vault again.
import type { Address, PublicClient } from "viem";
import { settlementAbi } from "../../protocol/abi.ts";

/**
 * The chain time of `vault`'s latest `SettlementFinalized` on `settlement`, or `null` when it has
 * never settled. Scans logs from `fromBlock` (the deployment file's `blockNumber`; 0 without it).
 *
 * @example
 * ```ts
 * const last = await lastSettlementTime(client, { settlement, vault, fromBlock: 0n }); // Date | null
 * ```
 */
export async function lastSettlementTime(
  client: PublicClient,
  { settlement, vault, fromBlock }: { settlement: Address; vault: Address; fromBlock: bigint },
): Promise<Date | null> {
  const events = await client.getContractEvents({
    address: settlement,
    abi: settlementAbi,
    eventName: "SettlementFinalized",
    args: { portfolio: vault },
    fromBlock,
    toBlock: "latest",
  });
  const last = events.at(-1);
  if (last === undefined || last.blockNumber === null) return null;
  const block = await client.getBlock({ blockNumber: last.blockNumber });
  return new Date(Number(block.timestamp) * 1000);
}
