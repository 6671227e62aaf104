import type { PublicClient } from "viem";
import type { Fees } from "./senderTypes.ts";

/** 1 gwei in wei. */
export const GWEI = 1_000_000_000n;

/**
 * The node's market fees: 2 × the latest base fee + its suggested tip, which still clears after
 * six consecutive full blocks (+12.5 % each) before a bump is needed.
 *
 * @example
 * ```ts
 * const { maxFeePerGas, maxPriorityFeePerGas } = await marketFees(client);
 * ```
 */
export async function marketFees(client: PublicClient): Promise<Fees> {
  const [block, tip] = await Promise.all([
    client.getBlock({ blockTag: "latest" }),
    client.request({ method: "eth_maxPriorityFeePerGas" }),
  ]);
  const maxPriorityFeePerGas = BigInt(tip);
  return { maxFeePerGas: 2n * (block.baseFeePerGas ?? 0n) + maxPriorityFeePerGas, maxPriorityFeePerGas };
}

/**
 * `fees` with maxFeePerGas clipped to `cap` (wei per gas) and the tip clipped to the fee.
 *
 * @example
 * ```ts
 * capFees({ maxFeePerGas: 900n * GWEI, maxPriorityFeePerGas: 2n * GWEI }, 500n * GWEI); // fee 500 gwei, tip 2 gwei
 * ```
 */
export function capFees(fees: Fees, cap: bigint): Fees {
  const maxFeePerGas = fees.maxFeePerGas > cap ? cap : fees.maxFeePerGas;
  const maxPriorityFeePerGas = fees.maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : fees.maxPriorityFeePerGas;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/**
 * A replacement's fees: both caps of `previous` × (1 + bumpBps / 10 000), rounded up (nodes refuse a
 * replacement below +10 %), and at least `market`; `null` when the fee would pass `cap`.
 *
 * @example
 * ```ts
 * bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, { maxFeePerGas: 50n, maxPriorityFeePerGas: 1n }, 1_250, 500n);
 * // { maxFeePerGas: 113n, maxPriorityFeePerGas: 12n }
 * ```
 */
export function bumpFees(previous: Fees, market: Fees, bumpBps: number, cap: bigint): Fees | null {
  const raise = (x: bigint): bigint => (x * (10_000n + BigInt(bumpBps)) + 9_999n) / 10_000n;
  const priority = max(raise(previous.maxPriorityFeePerGas), market.maxPriorityFeePerGas);
  const fee = max(raise(previous.maxFeePerGas), market.maxFeePerGas, priority);
  if (fee > cap) return null;
  return { maxFeePerGas: fee, maxPriorityFeePerGas: priority };
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}
