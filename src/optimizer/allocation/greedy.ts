import { belowMinTrade, decimalToWad, unitsForValue } from "./baseUnits.ts";
import { buildResult, commonScale, exactCost } from "./report.ts";
import type { AllocateParameters, AllocationResult, PreparedAllocation } from "./types.ts";
import { nothingAffordable, prepareAllocation } from "./validate.ts";

/** A guard, never reached by sane inputs: each step buys at least one unit. */
const MAX_STEPS = 1_000_000;

/** Units needed for a holding worth at least the minimum trade: ⌈min · scale / price⌉, ≥ 1. */
function minimumUnits(p: PreparedAllocation, i: number): bigint {
  const price = p.priceWad[i] ?? 1n;
  const scale = p.scale[i] ?? 1n;
  const units = (p.minTradeWad * scale + price - 1n) / price;
  return units > 1n ? units : 1n;
}

/**
 * PyPortfolioOpt's `DiscreteAllocation.greedy_portfolio` (long only), in base units.
 *
 * Round 1, in descending weight: x_i = ⌊w_i·NAV · 10^d_i / p_i⌋ base units ({@link unitsForValue},
 * the keeper's rule), set to 0 when worth less than `minTrade`. Round 2, while cash lasts: with
 * current weights c_j = v_j / Σv, buy the asset of largest deficit w_i − c_i > 0 that cash affords,
 * k = max(1, ⌊(w_i − c_i)·Σv / unit price⌋) units at once (at least the minimum-trade units for a
 * zero holding). With whole shares k is almost always 1, PyPortfolioOpt's step; with 18-decimal
 * tokens one unit at a time would never finish. Unlike PyPortfolioOpt, which gives up after ten
 * unaffordable candidates, every asset with a deficit is tried. Cash is kept exactly.
 *
 * @throws {InputError} on bad inputs (see prepareAllocation).
 * @throws {InfeasibleError} `ALLOCATION_NOTHING_AFFORDABLE` when nothing can be bought.
 * @example
 * ```ts
 * const r = greedyAllocation({ assets: ["A", "B"], weights: [0.6, 0.4], prices: { A: 30, B: 7 }, nav: 100 });
 * // r.allocation: A 2 (60), B 5 (35); r.leftover 5
 * ```
 */
export function greedyAllocation(parameters: AllocateParameters): AllocationResult {
  const p = prepareAllocation(parameters);
  const n = p.assets.length;
  const common = commonScale(p);
  const order = [...Array(n).keys()].sort((a, b) => (p.weights[b] ?? 0) - (p.weights[a] ?? 0));
  const units: bigint[] = new Array<bigint>(n).fill(0n);
  let cash = p.navWad * common;
  const warnings: string[] = [];

  for (const i of order) {
    const w = p.weights[i] ?? 0;
    const price = p.priceWad[i] ?? 0n;
    if (w <= 0 || price === 0n) continue;
    const scale = p.scale[i] ?? 1n;
    let x = unitsForValue(decimalToWad(w * p.nav), price, scale);
    if (belowMinTrade((x * price) / scale, p.minTradeWad)) x = 0n;
    // Weights that sum to 1 + 1e-12 could overspend by rounding; never spend cash that is not there.
    const unit = exactCost(p, i, 1n, common);
    if (x * unit > cash) x = cash / unit;
    units[i] = x;
    cash -= x * unit;
  }

  let steps = 0;
  for (; steps < MAX_STEPS; steps++) {
    const values = units.map((u, i) => Number(u) * (p.unitPrice[i] ?? 0));
    const total = values.reduce((a, v) => a + v, 0);
    let best = -1;
    let bestDeficit = 0;
    let bestUnits = 0n;
    for (const i of order) {
      const w = p.weights[i] ?? 0;
      if (w <= 0 || p.priceWad[i] === 0n) continue;
      const deficit = w - (total > 0 ? (values[i] ?? 0) / total : 0);
      if (deficit <= bestDeficit) continue;
      const unit = exactCost(p, i, 1n, common);
      const floorUnits = (units[i] ?? 0n) === 0n ? minimumUnits(p, i) : 1n;
      const want = BigInt(Math.max(0, Math.floor((deficit * total) / (p.unitPrice[i] ?? 1))));
      let k = want > floorUnits ? want : floorUnits;
      if (k * unit > cash) k = cash / unit;
      if (k < floorUnits) continue;
      best = i;
      bestDeficit = deficit;
      bestUnits = k;
    }
    if (best < 0) break;
    units[best] = (units[best] ?? 0n) + bestUnits;
    cash -= bestUnits * exactCost(p, best, 1n, common);
  }
  if (steps === MAX_STEPS) warnings.push(`greedy round 2 stopped after ${MAX_STEPS} purchases with cash left`);
  if (units.every((u) => u === 0n)) throw nothingAffordable(p.assets.filter((_, i) => (p.weights[i] ?? 0) > 0));
  return buildResult(p, "greedy", units, warnings);
}
