import { greedyAllocation } from "./greedy.ts";
import { integerAllocation } from "./integer.ts";
import type { AllocateParameters, AllocationMethod, AllocationResult } from "./types.ts";

export type { AllocateParameters, AllocatedAsset, AllocationMethod, AllocationResult } from "./types.ts";
export { greedyAllocation } from "./greedy.ts";
export { integerAllocation } from "./integer.ts";

/**
 * Turns continuous weights into whole shares or token base units (docs/allocation.md): the greedy
 * rounds of PyPortfolioOpt's `greedy_portfolio`, or the exact integer programme of its
 * `lp_portfolio` solved by HiGHS (the default, `"integer"`).
 *
 * @example
 * ```ts
 * const r = await allocate(
 *   { assets: ["AAPL", "USDC"], weights: [0.7, 0.3], prices: { AAPL: 172.44, USDC: 1 }, nav: 10_000, decimals: { USDC: 6 } },
 *   "integer",
 * );
 * // r.allocation[0].units "41" shares; r.allocation[1].amount "2929.96" USDC; r.leftover 0
 * ```
 */
export async function allocate(
  parameters: AllocateParameters,
  method: AllocationMethod = "integer",
): Promise<AllocationResult> {
  return method === "greedy" ? greedyAllocation(parameters) : integerAllocation(parameters);
}
