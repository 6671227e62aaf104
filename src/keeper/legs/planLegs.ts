import { getAddress, isAddress } from "viem";
import { InputError } from "../../errors.ts";

import { validatePlanLegsParameters } from "./validate.ts";
import { BPS, WAD, weightsToWad } from "../../protocol/fixedPoint.ts";
import { at, sameAddress } from "../../protocol/indexing.ts";
import { belowMinTrade, unitsForValue, valueOfUnits } from "../../optimizer/allocation/baseUnits.ts";

import type { Holding, Leg, PlanLegsParameters, PlanLegsReturnType, SkippedTrade } from "./types.ts";

export type { Holding, Leg, PlanLegsParameters, PlanLegsReturnType, SkippedTrade } from "./types.ts";

/**
 * Turns target weights into swap legs at oracle prices.
 *
 * Amounts and values round as `allocate()` rounds (src/optimizer/allocation/baseUnits.ts): units
 * for a value ⌊value · 10^decimals / price⌋, value of units ⌊units · price / 10^decimals⌋, and a
 * trade strictly below `minTradeValueUsd` is skipped.
 *
 * With values v_i = balance_i · price_i / 10^decimals_i (USD), NAV = Σ v_i and target values
 * t_i = NAV · w_i, every non-base asset with t_i < v_i sells v_i − t_i worth into the base token
 * and every one with t_i > v_i buys t_i − v_i worth with it; the base token absorbs the difference.
 * Each leg's minAmountOut is the oracle-implied output × (1 − maxSlippageBps / 10 000), rounded
 * down in one exact integer division. Buys spend at most the base balance plus the sells' guaranteed
 * proceeds Σ minAmountOut (only the base balance with `fundBuysFromSells: false`); when they want more, all buys shrink pro rata,
 * and any that falls below the minimum size is dropped and the rest are rescaled. No leg ever
 * overshoots its target, so the L1 distance to the target weights never grows.
 *
 * @example
 * ```ts
 * const plan = planLegs({
 *   holdings: [
 *     { token: usdc, symbol: "USDC", decimals: 6, balance: 1_000_000_000n }, // 1 000 USDC
 *     { token: weth, symbol: "WETH", decimals: 18, balance: 10n ** 18n }, // 1 WETH
 *   ],
 *   prices: [WAD, 3_000n * WAD],
 *   targetWeights: [0.5, 0.5],
 *   baseToken: usdc,
 *   venue: () => uniswapAdapter,
 *   minTradeValueUsd: 10n * WAD,
 *   maxSlippageBps: 50,
 * });
 * // plan.legs: sell 1/3 WETH for ≥ 995 USDC (1 000 USDC at the oracle, less 0.5 %)
 * ```
 */
export function planLegs(parameters: PlanLegsParameters): PlanLegsReturnType {
  validatePlanLegsParameters(parameters);
  const { minTradeValueUsd, maxSlippageBps } = parameters;
  const targetWeightsWad = weightsToWad(parameters.targetWeights);
  const assets: Asset[] = parameters.holdings.map((holding, index) => {
    const price = at(parameters.prices, index);
    const scale = 10n ** BigInt(holding.decimals);
    return {
      index,
      holding,
      price,
      scale,
      value: valueOfUnits(holding.balance, price, scale),
      weightWad: at(targetWeightsWad, index),
      expected: holding.balance,
      worst: holding.balance,
    };
  });
  const nav = assets.reduce((a, x) => a + x.value, 0n);
  const base = assets.find((x) => sameAddress(x.holding.token, parameters.baseToken));
  if (base === undefined) throw new Error("unreachable: validate() checked the base token");
  const keep = BPS - BigInt(maxSlippageBps);
  const excluded = new Set((parameters.exclude ?? []).map((a) => getAddress(a)));

  // Swap output at oracle prices times k / 10 000 (k = 10 000 for the oracle output itself):
  // one floor division of the full product, so the result is the exact value rounded down.
  const sellOut = (x: Asset, amountIn: bigint, k: bigint): bigint =>
    (amountIn * x.price * base.scale * k) / (x.scale * base.price * BPS);
  const buyOut = (x: Asset, amountIn: bigint, k: bigint): bigint =>
    (amountIn * base.price * x.scale * k) / (base.scale * x.price * BPS);
  const baseUsd = (amount: bigint): bigint => valueOfUnits(amount, base.price, base.scale);

  const skipped: SkippedTrade[] = [];
  const minUsd = formatUsd(minTradeValueUsd);
  const skip = (x: Asset, side: "sell" | "buy", code: SkippedTrade["code"], valueUsd: bigint, why: string): void => {
    skipped.push({ token: x.holding.token, symbol: x.holding.symbol, side, code, valueUsd, reason: why });
  };

  const sells: Planned[] = [];
  const buyWishes: Planned[] = [];
  for (const x of assets) {
    if (x === base) continue;
    const delta = (nav * x.weightWad) / WAD - x.value;
    if (delta === 0n) continue;
    const side = delta < 0n ? "sell" : "buy";
    if (excluded.has(getAddress(x.holding.token))) {
      skip(x, side, "EXCLUDED", delta < 0n ? -delta : delta, `${x.holding.symbol} is excluded from this rebalance`);
      continue;
    }
    if (side === "sell") {
      // A zero target sells the whole balance, dust included.
      const amountIn =
        x.weightWad === 0n ? x.holding.balance : min(x.holding.balance, unitsForValue(-delta, x.price, x.scale));
      sells.push({ asset: x, amountIn, minAmountOut: 0n });
    } else {
      buyWishes.push({ asset: x, amountIn: unitsForValue(delta, base.price, base.scale), minAmountOut: 0n });
    }
  }

  const sellLegs: Planned[] = [];
  for (const { asset: x, amountIn } of sells) {
    const usd = valueOfUnits(amountIn, x.price, x.scale);
    const minAmountOut = sellOut(x, amountIn, keep);
    // Rounding dust worth less than 1e-18 USD is not a trade anyone wants reported.
    if (usd === 0n) continue;
    if (belowMinTrade(usd, minTradeValueUsd)) {
      skip(x, "sell", "BELOW_MIN_TRADE", usd, `sell of ${formatUsd(usd)} USD is below the minimum ${minUsd} USD`);
    } else if (amountIn === 0n || minAmountOut === 0n) {
      skip(x, "sell", "ROUNDS_TO_ZERO", usd, `sell of ${formatUsd(usd)} USD rounds to zero token units`);
    } else {
      sellLegs.push({ asset: x, amountIn, minAmountOut });
    }
  }

  const proceeds = parameters.fundBuysFromSells !== false ? sellLegs.reduce((a, l) => a + l.minAmountOut, 0n) : 0n;
  const available = base.holding.balance + proceeds;
  let buys = buyWishes.filter(({ asset: x, amountIn }) => {
    const usd = baseUsd(amountIn);
    if (usd === 0n) return false;
    if (belowMinTrade(usd, minTradeValueUsd)) {
      skip(x, "buy", "BELOW_MIN_TRADE", usd, `buy of ${formatUsd(usd)} USD is below the minimum ${minUsd} USD`);
      return false;
    }
    return true;
  });
  // Shrink every buy by the same factor until they fit the funding; dropping one that falls below
  // the minimum frees funding for the others, so rescale until nothing more drops.
  for (;;) {
    const total = buys.reduce((a, b) => a + b.amountIn, 0n);
    const scaled = buys.map((b) => ({
      ...b,
      amountIn: total > available ? (b.amountIn * available) / total : b.amountIn,
    }));
    const tooSmall = new Set(
      scaled
        .filter((b) => belowMinTrade(baseUsd(b.amountIn), minTradeValueUsd) || b.amountIn === 0n)
        .map((b) => b.asset),
    );
    if (tooSmall.size === 0) {
      buys = scaled;
      break;
    }
    for (const b of buys) {
      if (!tooSmall.has(b.asset)) continue;
      const want = baseUsd(b.amountIn);
      skip(
        b.asset,
        "buy",
        "FUNDING_LIMIT",
        want,
        `buy of ${formatUsd(want)} USD shrinks below the minimum ${minUsd} USD to fit the base funding`,
      );
    }
    buys = buys.filter((b) => !tooSmall.has(b.asset));
  }
  const buyLegs: Planned[] = [];
  for (const { asset: x, amountIn } of buys) {
    const minAmountOut = buyOut(x, amountIn, keep);
    if (minAmountOut === 0n) {
      const usd = baseUsd(amountIn);
      skip(x, "buy", "ROUNDS_TO_ZERO", usd, `buy of ${formatUsd(usd)} USD rounds to zero token units`);
    } else {
      buyLegs.push({ asset: x, amountIn, minAmountOut });
    }
  }

  const legs: Leg[] = [];
  const route = (sell: Asset, buy: Asset, amountIn: bigint, minAmountOut: bigint): void => {
    const venue = parameters.venue(sell.holding.token, buy.holding.token);
    if (!isAddress(venue, { strict: false })) {
      throw new InputError(
        "VENUE_INVALID",
        `venue for ${sell.holding.symbol} → ${buy.holding.symbol} is not an address: ${venue}`,
        `legs[${legs.length}].venue`,
      );
    }
    legs.push({ sellToken: sell.holding.token, buyToken: buy.holding.token, amountIn, minAmountOut, venue });
  };
  for (const { asset: x, amountIn, minAmountOut } of sellLegs) {
    route(x, base, amountIn, minAmountOut);
    x.expected -= amountIn;
    x.worst -= amountIn;
    base.expected += sellOut(x, amountIn, BPS);
    base.worst += minAmountOut;
  }
  for (const { asset: x, amountIn, minAmountOut } of buyLegs) {
    route(base, x, amountIn, minAmountOut);
    base.expected -= amountIn;
    base.worst -= amountIn;
    x.expected += buyOut(x, amountIn, BPS);
    x.worst += minAmountOut;
  }

  return {
    legs,
    skipped,
    targetWeightsWad,
    navUsd: nav,
    currentWeights: weightsOf(assets.map((x) => x.value)),
    expectedBalances: assets.map((x) => x.expected),
    expectedWeights: weightsOf(assets.map((x) => valueOfUnits(x.expected, x.price, x.scale))),
    worstCaseBalances: assets.map((x) => x.worst),
    baseFunding: { available, spent: buyLegs.reduce((a, l) => a + l.amountIn, 0n) },
  };
}

/** One holding with its oracle numbers and running post-trade balances (token units). */
interface Asset {
  readonly index: number;
  readonly holding: Holding;
  /** USD per whole token, 1e18. */
  readonly price: bigint;
  /** 10^decimals. */
  readonly scale: bigint;
  /** USD, 1e18. */
  readonly value: bigint;
  readonly weightWad: bigint;
  expected: bigint;
  worst: bigint;
}

interface Planned {
  readonly asset: Asset;
  readonly amountIn: bigint;
  readonly minAmountOut: bigint;
}

function weightsOf(values: readonly bigint[]): number[] {
  const total = values.reduce((a, b) => a + b, 0n);
  if (total === 0n) return values.map(() => 0);
  // Exact to ~1e-18 before the final conversion to a double.
  return values.map((v) => Number((v * WAD) / total) / 1e18);
}

function min(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

/** USD 1e18 fixed point as a decimal string with 2 decimals (rounded down), for messages. */
function formatUsd(wad: bigint): string {
  const cents = wad / 10n ** 16n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}
