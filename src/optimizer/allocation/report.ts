import { formatUnits, valueOfUnits } from "./baseUnits.ts";
import type { AllocatedAsset, AllocationMethod, AllocationResult, PreparedAllocation } from "./types.ts";

/** 10^(largest decimals): the common scale in which every unit's cost is an exact integer. */
export function commonScale(p: PreparedAllocation): bigint {
  return 10n ** BigInt(Math.max(0, ...p.decimals));
}

/**
 * The exact cost of `units` base units of asset i, in 1e18 fixed point × {@link commonScale}: no
 * rounding at all, so cash kept in this unit never drifts and spend ≤ NAV holds exactly.
 */
export function exactCost(p: PreparedAllocation, i: number, units: bigint, common: bigint): bigint {
  return units * (p.priceWad[i] ?? 0n) * (common / (p.scale[i] ?? 1n));
}

/**
 * The result a caller reads, from units per asset. Weights are value / Σ values and
 * rmse = √(Σ (w_i − ŵ_i)² / n), both as PyPortfolioOpt's `_allocation_rmse_error` computes them;
 * objective = Σ |w_i·NAV − value_i| + leftover, as its `lp_portfolio` minimises.
 */
export function buildResult(
  p: PreparedAllocation,
  method: AllocationMethod,
  units: readonly bigint[],
  warnings: readonly string[],
): AllocationResult {
  // Through the decimal string, not Number(wad) / 1e18: that division can round a spend equal to
  // NAV to the double above NAV; the nearest double of the decimal never exceeds NAV's own.
  const fromWad = (wad: bigint): number => Number(formatUnits(wad, 18));
  const values = units.map((u, i) => fromWad(valueOfUnits(u, p.priceWad[i] ?? 0n, p.scale[i] ?? 1n)));
  const common = commonScale(p);
  const spentExact = units.reduce((a, u, i) => a + exactCost(p, i, u, common), 0n);
  const spent = fromWad(spentExact / common);
  const total = values.reduce((a, v) => a + v, 0);
  const allocation: AllocatedAsset[] = p.assets.map((asset, i) => ({
    asset,
    units: (units[i] ?? 0n).toString(),
    amount: formatUnits(units[i] ?? 0n, p.decimals[i] ?? 0),
    decimals: p.decimals[i] ?? 0,
    value: values[i] ?? 0,
    targetWeight: p.weights[i] ?? 0,
    weight: total > 0 ? (values[i] ?? 0) / total : 0,
  }));
  const leftover = Math.max(0, p.nav - spent);
  const sse = allocation.reduce((a, x) => a + (x.targetWeight - x.weight) ** 2, 0);
  const objective = allocation.reduce((a, x) => a + Math.abs(x.targetWeight * p.nav - x.value), 0) + leftover;
  return {
    method,
    nav: p.nav,
    allocation,
    spent,
    leftover,
    rmse: Math.sqrt(sse / allocation.length),
    objective,
    warnings,
  };
}
