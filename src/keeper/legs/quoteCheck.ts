import { InputError } from "../../errors.ts";
import type { Leg } from "./types.ts";
import { BPS } from "../../protocol/fixedPoint.ts";
import { at } from "../../protocol/indexing.ts";

/** Result of {@link quoteCheck} for one leg the venue would fill below its minAmountOut. */
export interface FlaggedLeg {
  readonly index: number;
  readonly leg: Leg;
  /** The venue's quoted output, buy-token units. */
  readonly quoted: bigint;
  /** minAmountOut − quoted, buy-token units. */
  readonly shortfall: bigint;
  /** Shortfall as basis points of minAmountOut, rounded up. */
  readonly shortfallBps: bigint;
}

/**
 * Compares venue quotes (e.g. the last element of Uniswap V2 `getAmountsOut(amountIn, [sell, buy])`)
 * with each leg's minAmountOut and flags the legs whose price impact exceeds the slippage budget:
 * settling them would revert, so the keeper shrinks or excludes them and plans again.
 *
 * @example
 * ```ts
 * const quotes = await Promise.all(plan.legs.map((l) => router.read.getAmountsOut([l.amountIn, [l.sellToken, l.buyToken]])));
 * const { ok, flagged } = quoteCheck(plan.legs, quotes.map((q) => q.at(-1)!));
 * if (!ok) plan = planLegs({ ...params, exclude: flagged.map((f) => f.leg.sellToken === base ? f.leg.buyToken : f.leg.sellToken) });
 * ```
 */
export function quoteCheck(
  legs: readonly Leg[],
  quotes: readonly bigint[],
): { readonly ok: boolean; readonly flagged: FlaggedLeg[] } {
  if (quotes.length !== legs.length) {
    throw new InputError("QUOTES_LENGTH", `expected ${legs.length} quotes, got ${quotes.length}`, "quotes");
  }
  const flagged: FlaggedLeg[] = [];
  legs.forEach((leg, index) => {
    const quoted = at(quotes, index);
    if (quoted < 0n) throw new InputError("QUOTE_NEGATIVE", `must be ≥ 0, got ${quoted}`, `quotes[${index}]`);
    if (quoted < leg.minAmountOut) {
      const shortfall = leg.minAmountOut - quoted;
      flagged.push({
        index,
        leg,
        quoted,
        shortfall,
        shortfallBps: (shortfall * BPS + leg.minAmountOut - 1n) / leg.minAmountOut,
      });
    }
  });
  return { ok: flagged.length === 0, flagged };
}
