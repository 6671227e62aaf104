import { InfeasibleError, InputError } from "../../errors.ts";
import { decimalToWad } from "./baseUnits.ts";
import type { AllocateParameters, PreparedAllocation } from "./types.ts";

const MAX_DECIMALS = 36;

/** Seconds the integer method's search may take unless `timeLimitSeconds` says otherwise. */
export const DEFAULT_TIME_LIMIT_SECONDS = 10;

function finite(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(value)}`, path);
  }
  return value;
}

/**
 * Checks the inputs once and converts them to fixed point. Errors name the field: `weights[2]`,
 * `prices.AAPL`, `nav`, `decimals.USDC`, `minTrade`.
 *
 * @throws {InputError} on a negative or non-finite weight, a missing or non-positive price of an
 * asset with weight, NAV ≤ 0, decimals that are not an integer in [0, 36], a negative minTrade.
 * @example
 * ```ts
 * const prepared = prepareAllocation({ assets: ["A"], weights: [1], prices: { A: 10 }, nav: 100 });
 * ```
 */
export function prepareAllocation(p: AllocateParameters): PreparedAllocation {
  if (p.assets.length === 0) throw new InputError("ALLOCATION_EMPTY", "no assets to allocate", "assets");
  if (p.weights.length !== p.assets.length) {
    throw new InputError("WEIGHTS_LENGTH", `has ${p.weights.length} entries for ${p.assets.length} assets`, "weights");
  }
  const nav = finite(p.nav, "nav");
  if (nav <= 0) throw new InputError("NAV_NOT_POSITIVE", `must be > 0, got ${nav}`, "nav");
  const minTrade = finite(p.minTrade ?? 0, "minTrade");
  if (minTrade < 0) throw new InputError("MIN_TRADE_NEGATIVE", `must be ≥ 0, got ${minTrade}`, "minTrade");
  const timeLimitSeconds = finite(p.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS, "timeLimitSeconds");
  if (timeLimitSeconds <= 0) {
    throw new InputError("TIME_LIMIT_NOT_POSITIVE", `must be > 0, got ${timeLimitSeconds}`, "timeLimitSeconds");
  }
  const seen = new Set<string>();
  const weights: number[] = [];
  const decimals: number[] = [];
  const priceWad: bigint[] = [];
  for (const [i, asset] of p.assets.entries()) {
    if (seen.has(asset)) throw new InputError("ASSET_DUPLICATE", `${asset} appears twice`, `assets[${i}]`);
    seen.add(asset);
    const w = finite(p.weights[i], `weights[${i}]`);
    if (w < 0) {
      throw new InputError("WEIGHT_NEGATIVE", `${asset} has weight ${w}; allocation is long only`, `weights[${i}]`);
    }
    weights.push(w);
    const d = p.decimals?.[asset] ?? 0;
    if (!Number.isInteger(d) || d < 0 || d > MAX_DECIMALS) {
      throw new InputError(
        "DECIMALS_INVALID",
        `must be an integer in [0, ${MAX_DECIMALS}], got ${d}`,
        `decimals.${asset}`,
      );
    }
    decimals.push(d);
    const price = p.prices[asset];
    if (price === undefined) {
      if (w > 0)
        throw new InputError("PRICE_MISSING", `no price for ${asset}, which has weight ${w}`, `prices.${asset}`);
      priceWad.push(0n);
      continue;
    }
    finite(price, `prices.${asset}`);
    if (price <= 0) throw new InputError("PRICE_NOT_POSITIVE", `must be > 0, got ${price}`, `prices.${asset}`);
    const wad = decimalToWad(price);
    if (wad === 0n) throw new InputError("PRICE_NOT_POSITIVE", `${price} is below 1e-18`, `prices.${asset}`);
    priceWad.push(wad);
  }
  if (!weights.some((w) => w > 0)) {
    throw new InputError("WEIGHTS_ALL_ZERO", "every weight is zero: nothing to allocate", "weights");
  }
  const scale = decimals.map((d) => 10n ** BigInt(d));
  const prepared: PreparedAllocation = {
    assets: [...p.assets],
    weights,
    decimals,
    priceWad,
    scale,
    navWad: decimalToWad(nav),
    minTradeWad: decimalToWad(minTrade),
    unitPrice: priceWad.map((q, i) => Number(q) / 1e18 / 10 ** (decimals[i] ?? 0)),
    nav,
    timeLimitSeconds,
  };
  return prepared;
}

/**
 * An allocation that buys nothing is refused rather than returned: every asset with weight costs
 * more per unit (or per minimum trade) than NAV allows, which a caller must hear about.
 */
export function nothingAffordable(assets: readonly string[]): InfeasibleError {
  return new InfeasibleError(
    "ALLOCATION_NOTHING_AFFORDABLE",
    `nothing is bought: NAV is below one unit (or the minimum trade) of every weighted asset (${assets.join(", ")})`,
    "nav",
  );
}
