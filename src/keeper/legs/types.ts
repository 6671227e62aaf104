// The leg planner's records: holdings in, legs and skipped trades out, and its parameters.
import type { Address } from "viem";

/** One ERC-20 position of the vault. */
export interface Holding {
  readonly token: Address;
  readonly symbol: string;
  /** ERC-20 `decimals()`: 6 for USDC, 8 for WBTC, 18 for WETH. */
  readonly decimals: number;
  /** Balance in token units (the smallest unit, i.e. whole tokens × 10^decimals). */
  readonly balance: bigint;
}

/** One swap of a rebalance instruction, in the shape the settlement contract takes it (issue 7). */
export interface Leg {
  readonly sellToken: Address;
  readonly buyToken: Address;
  /** Sell-token units. */
  readonly amountIn: bigint;
  /** Buy-token units: the leg reverts if the venue returns less. */
  readonly minAmountOut: bigint;
  readonly venue: Address;
}

/** A trade the plan wanted but did not make, with the reason a person reads in the logs. */
export interface SkippedTrade {
  readonly token: Address;
  readonly symbol: string;
  readonly side: "sell" | "buy";
  /** Stable reason code. */
  readonly code: "BELOW_MIN_TRADE" | "ROUNDS_TO_ZERO" | "FUNDING_LIMIT" | "EXCLUDED";
  /** USD value the trade would have had (1e18 fixed point). */
  readonly valueUsd: bigint;
  readonly reason: string;
}

/** Parameters of {@link planLegs}. */
export interface PlanLegsParameters {
  /** The vault's positions, the base token among them. */
  readonly holdings: readonly Holding[];
  /** Oracle prices, USD per whole token as 1e18 fixed point, in `holdings` order. */
  readonly prices: readonly bigint[];
  /** Target weights (fractions of NAV, ≥ 0, summing to 1 within 1e-9), in `holdings` order. */
  readonly targetWeights: readonly number[];
  /** The base (quote) asset every venue pairs with: sells go asset → base, buys base → asset. */
  readonly baseToken: Address;
  /** Venue (e.g. the Uniswap V2 adapter) for a swap of `sellToken` into `buyToken`. */
  readonly venue: (sellToken: Address, buyToken: Address) => Address;
  /** Smallest trade worth making, USD as 1e18 fixed point; smaller trades are skipped. */
  readonly minTradeValueUsd: bigint;
  /** Slippage budget per leg in basis points (0 ≤ bps < 10 000); sets every minAmountOut. */
  readonly maxSlippageBps: number;
  /** Tokens not to trade this time (e.g. legs {@link quoteCheck} flagged); they keep their balance. */
  readonly exclude?: readonly Address[];
  /**
   * Whether buys may spend the sells' guaranteed proceeds. Default true: the atomic path pays each
   * leg from the vault as the legs before it left it (docs/settlement.md), and the plan lists every
   * sell before any buy, so a fully invested portfolio rotates in one instruction. False keeps the
   * buys within the base balance already held (the RFQ path escrows every leg's `amountIn` at lock).
   */
  readonly fundBuysFromSells?: boolean;
}

/** Result of {@link planLegs}. */
export interface PlanLegsReturnType {
  /** Sells (asset → base) in holdings order, then buys (base → asset) in holdings order. */
  readonly legs: Leg[];
  readonly skipped: SkippedTrade[];
  /** Target weights as 1e18 fixed point summing to exactly 1e18 (the instruction's `targetWeights`). */
  readonly targetWeightsWad: bigint[];
  /** Net asset value at oracle prices, USD 1e18 fixed point. */
  readonly navUsd: bigint;
  /** Weights before the trade (fractions), in holdings order. */
  readonly currentWeights: number[];
  /** Balances after every leg fills at the oracle price (no price impact), token units. */
  readonly expectedBalances: bigint[];
  /** Weights after every leg fills at the oracle price (fractions). */
  readonly expectedWeights: number[];
  /** Balances if every leg fills at exactly its minAmountOut, token units. */
  readonly worstCaseBalances: bigint[];
  /**
   * Base-token funding of the buys, in base-token units: `available` is the vault's base balance
   * (plus the sells' guaranteed proceeds Σ minAmountOut unless `fundBuysFromSells` is false), `spent` is Σ amountIn of the buys.
   */
  readonly baseFunding: { readonly available: bigint; readonly spent: bigint };
}
