// The demo's market: which tokenised assets exist, at what price, how deep their pools are and what
// the vault starts with. The Ignition system module (ignition/modules/System.ts) is built from one of
// these: it fixes how many tokens, feeds and pools the deployment has, so it is module structure,
// not a module parameter.
import { InputError } from "../errors.ts";

/** Decimals of every demo price feed, as Chainlink's USD feeds use. */
export const FEED_DECIMALS = 8;

/** One asset of the demo system. */
export interface DemoAsset {
  readonly symbol: string;
  /** ERC-20 decimals (6, 8 or 18 in the demo set). */
  readonly decimals: number;
  /** USD per whole token, as a decimal string with at most {@link FEED_DECIMALS} decimals. */
  readonly priceUsd: string;
}

/** The USD base asset every pool pairs with (the keeper sells into it and buys out of it). */
export const DEMO_BASE_ASSET: DemoAsset = { symbol: "USDC", decimals: 6, priceUsd: "1" };

/**
 * Tokenised equities named after columns of PyPortfolioOpt's `stock_prices.csv`, priced at its last
 * row (2018-04-11) so that the optimiser's history and the chain's prices agree. Decimals vary on
 * purpose (6/8/18) to exercise unit conversion end to end.
 */
export const DEMO_ASSETS: readonly DemoAsset[] = [
  { symbol: "AAPL", decimals: 18, priceUsd: "172.440002" },
  { symbol: "AMZN", decimals: 8, priceUsd: "1427.050049" },
  { symbol: "JPM", decimals: 18, priceUsd: "110.620003" },
  { symbol: "XOM", decimals: 6, priceUsd: "77.43" },
  { symbol: "PFE", decimals: 8, priceUsd: "35.790001" },
];

/** A market of the system module. USD amounts are plain numbers of dollars. */
export interface DemoMarket {
  readonly base: DemoAsset;
  readonly assets: readonly DemoAsset[];
  /** Initial vault holdings, USD per asset: base first, then `assets` in order. */
  readonly holdingsUsd: readonly number[];
  /** USD on each side of every base/asset pool. */
  readonly poolDepthUsd: number;
}

/** The market `npm run demo` deploys: $1M in the vault, $100M on each side of every pool. */
export const DEMO_MARKET: DemoMarket = {
  base: DEMO_BASE_ASSET,
  assets: DEMO_ASSETS,
  holdingsUsd: [450_000, 150_000, 150_000, 100_000, 100_000, 50_000],
  poolDepthUsd: 100_000_000,
};

/** One asset of a market with its feed answer and the raw token amounts the deployment mints. */
export interface MarketAsset extends DemoAsset {
  /** Feed answer, USD with {@link FEED_DECIMALS} decimals. */
  readonly feedAnswer: bigint;
  /** Raw units minted to the vault. */
  readonly holding: bigint;
  /** Raw units on this asset's side of its pool (of every pool, for the base asset). */
  readonly poolDepth: bigint;
  /** Whether this is the base asset (no pool of its own). */
  readonly isBase: boolean;
}

/**
 * The market's assets, base first, with feed answers and raw amounts; refuses a malformed price or
 * a holdings list of the wrong length, naming the field.
 *
 * @example
 * ```ts
 * const [usdc, aapl] = marketAssets(DEMO_MARKET); // aapl.feedAnswer === 17_244_000_200n
 * ```
 */
export function marketAssets(market: DemoMarket): readonly MarketAsset[] {
  const specs = [market.base, ...market.assets];
  if (market.holdingsUsd.length !== specs.length) {
    throw new InputError(
      "HOLDINGS_LENGTH",
      `${market.holdingsUsd.length} holdings for ${specs.length} assets (base first)`,
      "holdingsUsd",
    );
  }
  return specs.map((spec, i) => {
    const feedAnswer = parsePriceUsd(spec.priceUsd);
    return {
      ...spec,
      feedAnswer,
      holding: unitsForUsd(market.holdingsUsd[i] ?? 0, spec.decimals, feedAnswer),
      poolDepth: unitsForUsd(market.poolDepthUsd, spec.decimals, feedAnswer),
      isBase: i === 0,
    };
  });
}

/** `priceUsd` ("172.440002") as a feed answer with `decimals` decimals, exactly. */
export function parsePriceUsd(priceUsd: string, decimals: number = FEED_DECIMALS): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(priceUsd);
  if (match === null || (match[2] ?? "").length > decimals) {
    throw new InputError("PRICE_INVALID", `not a USD price with at most ${decimals} decimals: ${priceUsd}`, "priceUsd");
  }
  const [, whole = "0", fraction = ""] = match;
  const answer = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (answer === 0n) throw new InputError("PRICE_INVALID", "price must be positive", "priceUsd");
  return answer;
}

/** Raw token units worth `usd` dollars of an asset whose feed answers `answer` (8 decimals). */
export function unitsForUsd(usd: number, decimals: number, answer: bigint): bigint {
  return (BigInt(Math.round(usd)) * 10n ** BigInt(decimals + FEED_DECIMALS)) / answer;
}
