import { getAddress, isAddress, type Address } from "viem";
import { InputError } from "../errors.ts";

/** 1e18: the fixed-point scale of USD amounts, prices and weights in this module. */
export const WAD = 10n ** 18n;
/** Solver round-off tolerated around the [0, 1] bounds of a weight. */
const WEIGHT_NOISE = 1e-12;
/** Basis points in one whole (100 %). */
export const BPS = 10_000n;

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
   * Whether buys may spend the sells' guaranteed proceeds. Default false: the settlement escrows
   * every leg's `amountIn` from the vault before any swap (docs/settlement.md), so an atomic
   * instruction can only spend base tokens the vault already holds; what the sells bring in funds
   * the next rebalance. True suits a venue path that settles legs in sequence.
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
   * (plus the sells' guaranteed proceeds Σ minAmountOut with `fundBuysFromSells`), `spent` is Σ amountIn of the buys.
   */
  readonly baseFunding: { readonly available: bigint; readonly spent: bigint };
}

/**
 * Turns target weights into swap legs at oracle prices.
 *
 * With values v_i = balance_i · price_i / 10^decimals_i (USD), NAV = Σ v_i and target values
 * t_i = NAV · w_i, every non-base asset with t_i < v_i sells v_i − t_i worth into the base token
 * and every one with t_i > v_i buys t_i − v_i worth with it; the base token absorbs the difference.
 * Each leg's minAmountOut is the oracle-implied output × (1 − maxSlippageBps / 10 000), rounded
 * down in one exact integer division. Buys spend at most the base balance (plus, with
 * `fundBuysFromSells`, the sells' guaranteed proceeds Σ minAmountOut); when they want more, all buys shrink pro rata,
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
  validate(parameters);
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
      value: (holding.balance * price) / scale,
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
  const baseUsd = (amount: bigint): bigint => (amount * base.price) / base.scale;

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
      const amountIn = x.weightWad === 0n ? x.holding.balance : min(x.holding.balance, (-delta * x.scale) / x.price);
      sells.push({ asset: x, amountIn, minAmountOut: 0n });
    } else {
      buyWishes.push({ asset: x, amountIn: (delta * base.scale) / base.price, minAmountOut: 0n });
    }
  }

  const sellLegs: Planned[] = [];
  for (const { asset: x, amountIn } of sells) {
    const usd = (amountIn * x.price) / x.scale;
    const minAmountOut = sellOut(x, amountIn, keep);
    // Rounding dust worth less than 1e-18 USD is not a trade anyone wants reported.
    if (usd === 0n) continue;
    if (usd < minTradeValueUsd) {
      skip(x, "sell", "BELOW_MIN_TRADE", usd, `sell of ${formatUsd(usd)} USD is below the minimum ${minUsd} USD`);
    } else if (amountIn === 0n || minAmountOut === 0n) {
      skip(x, "sell", "ROUNDS_TO_ZERO", usd, `sell of ${formatUsd(usd)} USD rounds to zero token units`);
    } else {
      sellLegs.push({ asset: x, amountIn, minAmountOut });
    }
  }

  const proceeds = parameters.fundBuysFromSells === true ? sellLegs.reduce((a, l) => a + l.minAmountOut, 0n) : 0n;
  const available = base.holding.balance + proceeds;
  let buys = buyWishes.filter(({ asset: x, amountIn }) => {
    const usd = baseUsd(amountIn);
    if (usd === 0n) return false;
    if (usd < minTradeValueUsd) {
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
      scaled.filter((b) => baseUsd(b.amountIn) < minTradeValueUsd || b.amountIn === 0n).map((b) => b.asset),
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
    expectedWeights: weightsOf(assets.map((x) => (x.expected * x.price) / x.scale)),
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

/**
 * Converts fractional weights to 1e18 fixed point summing to exactly 1e18: each weight's exact
 * binary value w_i is normalised by Σ w_i in integer arithmetic, w̃_i = ⌊w_i · 1e18 / Σ w⌋, and the
 * (fewer than n) units lost to flooring go to the largest remainders. A zero weight stays zero;
 * round-off down to −1e-12 counts as zero.
 *
 * @example
 * ```ts
 * weightsToWad([1 / 3, 1 / 3, 1 / 3]); // [333333333333333334n, 333333333333333333n, 333333333333333333n]
 * ```
 */
export function weightsToWad(weights: readonly number[]): bigint[] {
  let sum = 0;
  const clean = weights.map((w, i) => {
    if (!Number.isFinite(w) || w < -WEIGHT_NOISE || w > 1 + WEIGHT_NOISE) {
      throw new InputError("WEIGHT_INVALID", `must be a finite fraction in [0, 1], got ${w}`, `targetWeights[${i}]`);
    }
    // Solver round-off such as -3e-17 means 0, not a short position.
    const v = w < 0 ? 0 : w;
    sum += v;
    return v;
  });
  if (weights.length === 0 || Math.abs(sum - 1) > 1e-9) {
    throw new InputError("WEIGHTS_SUM", `must sum to 1 (within 1e-9), got ${sum}`, "targetWeights");
  }
  // Every double is m · 2^e exactly; over the smallest exponent all weights become integers M_i.
  const parts = clean.map(exactBinary);
  const e0 = Math.min(...parts.filter((p) => p.m !== 0n).map((p) => p.e));
  const ms = parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - e0)));
  const total = ms.reduce((a, b) => a + b, 0n);
  const out = ms.map((m) => (m * WAD) / total);
  let remainder = WAD - out.reduce((a, b) => a + b, 0n);
  const order = ms
    .map((m, i) => ({ i, rest: (m * WAD) % total }))
    .filter(({ i }) => at(ms, i) > 0n)
    .sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (remainder === 0n) break;
    out[i] = at(out, i) + 1n;
    remainder -= 1n;
  }
  return out;
}

/** The exact value of a finite non-negative double as m · 2^e with integer m. */
function exactBinary(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: exponent - 1075 };
}

/**
 * An oracle answer with `decimals` fractional digits (Chainlink USD feeds use 8) as the 1e18 fixed
 * point {@link planLegs} takes, exactly when decimals ≤ 18 and rounded down otherwise.
 *
 * @example
 * ```ts
 * priceToWad(300_012_345_678n, 8); // 3000.12345678 USD → 3_000_123_456_780_000_000_000n
 * ```
 */
export function priceToWad(answer: bigint, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
    throw new InputError("DECIMALS_INVALID", `must be an integer in [0, 77], got ${decimals}`, "decimals");
  }
  if (answer <= 0n) throw new InputError("PRICE_INVALID", `must be > 0, got ${answer}`, "answer");
  return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
}

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

function validate(p: PlanLegsParameters): void {
  const n = p.holdings.length;
  if (n === 0) throw new InputError("HOLDINGS_EMPTY", "at least the base token is required", "holdings");
  if (p.prices.length !== n || p.targetWeights.length !== n) {
    throw new InputError(
      "LENGTH_MISMATCH",
      `${n} holdings but ${p.prices.length} prices and ${p.targetWeights.length} target weights`,
      "prices",
    );
  }
  const seen = new Set<string>();
  p.holdings.forEach((h, i) => {
    if (!isAddress(h.token, { strict: false }))
      throw new InputError("TOKEN_INVALID", `not an address: ${h.token}`, `holdings[${i}].token`);
    const key = getAddress(h.token);
    if (seen.has(key)) throw new InputError("TOKEN_DUPLICATE", `${h.token} appears twice`, `holdings[${i}].token`);
    seen.add(key);
    if (!Number.isInteger(h.decimals) || h.decimals < 0 || h.decimals > 36) {
      throw new InputError(
        "DECIMALS_INVALID",
        `must be an integer in [0, 36], got ${h.decimals}`,
        `holdings[${i}].decimals`,
      );
    }
    if (h.balance < 0n)
      throw new InputError("BALANCE_NEGATIVE", `must be ≥ 0, got ${h.balance}`, `holdings[${i}].balance`);
    const price = at(p.prices, i);
    if (price <= 0n) throw new InputError("PRICE_INVALID", `must be > 0, got ${price}`, `prices[${i}]`);
  });
  if (!isAddress(p.baseToken, { strict: false }) || !seen.has(getAddress(p.baseToken))) {
    throw new InputError("BASE_NOT_HELD", `base token ${p.baseToken} is not among the holdings`, "baseToken");
  }
  if (!Number.isInteger(p.maxSlippageBps) || p.maxSlippageBps < 0 || p.maxSlippageBps >= 10_000) {
    throw new InputError(
      "SLIPPAGE_INVALID",
      `must be an integer in [0, 10000), got ${p.maxSlippageBps}`,
      "maxSlippageBps",
    );
  }
  if (p.minTradeValueUsd < 0n) {
    throw new InputError("MIN_TRADE_INVALID", `must be ≥ 0, got ${p.minTradeValueUsd}`, "minTradeValueUsd");
  }
  (p.exclude ?? []).forEach((a, i) => {
    if (!isAddress(a, { strict: false }))
      throw new InputError("TOKEN_INVALID", `not an address: ${a}`, `exclude[${i}]`);
    if (sameAddress(a, p.baseToken)) {
      throw new InputError("EXCLUDE_BASE", "the base token funds every leg and cannot be excluded", `exclude[${i}]`);
    }
  });
}

function weightsOf(values: readonly bigint[]): number[] {
  const total = values.reduce((a, b) => a + b, 0n);
  if (total === 0n) return values.map(() => 0);
  // Exact to ~1e-18 before the final conversion to a double.
  return values.map((v) => Number((v * WAD) / total) / 1e18);
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`unreachable: index ${i} out of range ${xs.length}`);
  return x;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function min(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

/** USD 1e18 fixed point as a decimal string with 2 decimals (rounded down), for messages. */
function formatUsd(wad: bigint): string {
  const cents = wad / 10n ** 16n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}
