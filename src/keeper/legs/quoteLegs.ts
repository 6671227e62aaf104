import type { Address, PublicClient } from "viem";
import { uniswapV2RouterAbi } from "../../protocol/abi.ts";
import type { Leg } from "./types.ts";
import { isContractRevert, withRetry, type WithRetryOptions } from "../retry.ts";

/** Parameters of {@link quoteLegsUniswapV2}. */
export interface QuoteLegsUniswapV2Parameters {
  readonly legs: readonly Leg[];
  /** The router to ask, for every leg or per leg (a leg's `venue` is the settlement's adapter). */
  readonly router: Address | ((leg: Leg) => Address);
  /** Backoff while the RPC is unreachable (see {@link withRetry}). */
  readonly retry?: WithRetryOptions;
}

/**
 * Quotes every leg on Uniswap V2 with `getAmountsOut(amountIn, [sellToken, buyToken])` at the
 * latest block and returns the buy-token output per leg (token units), ready for
 * {@link quoteCheck}. A pair that does not exist or holds no liquidity makes the router revert;
 * that leg is quoted 0, so quoteCheck flags it.
 *
 * @example
 * ```ts
 * const quotes = await quoteLegsUniswapV2(client, { legs: plan.legs, router });
 * const { ok, flagged } = quoteCheck(plan.legs, quotes);
 * ```
 */
export async function quoteLegsUniswapV2(
  client: PublicClient,
  { legs, router, retry = {} }: QuoteLegsUniswapV2Parameters,
): Promise<bigint[]> {
  const blockNumber = legs.length === 0 ? 0n : await withRetry(() => client.getBlockNumber({ cacheTime: 0 }), retry);
  return Promise.all(
    legs.map(async (leg) => {
      try {
        const amounts = await withRetry(
          () =>
            client.readContract({
              address: typeof router === "function" ? router(leg) : router,
              abi: uniswapV2RouterAbi,
              functionName: "getAmountsOut",
              args: [leg.amountIn, [leg.sellToken, leg.buyToken]],
              // Every leg priced against the same state.
              blockNumber,
            }),
          retry,
        );
        return amounts.at(-1) ?? 0n;
      } catch (error) {
        if (isContractRevert(error)) return 0n;
        throw error;
      }
    }),
  );
}
