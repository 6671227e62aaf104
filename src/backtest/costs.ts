import { InputError } from "../errors.ts";
import type { CostModel } from "./types.ts";

/** The cost of one rebalance, currency. */
export interface TradeCost {
  /** Σ_i |T_i| with T_i = V·(w_i − w0_i). */
  readonly tradedNotional: number;
  readonly linearCost: number;
  readonly impactCost: number;
  readonly cost: number;
}

/**
 * Cost of moving from weights `w0` to `w` at NAV `nav` (both weight vectors in `assets` order):
 *
 *   T_i = nav·|w_i − w0_i|,   cost = (costBps/10⁴)·Σ T_i + c·Σ T_i·(T_i / ADV_i)^{1/2}
 *
 * The second term is the market-impact form of cvxportfolio (Boyd et al., "Multi-Period Trading
 * via Convex Optimization", 2017, §2.3: a 3/2-power of the trade relative to volume), with the
 * volatility folded into the coefficient c. Trades are sized on the pre-trade NAV; the cost is
 * then paid from the NAV (see simulate.ts).
 *
 * @example
 * ```ts
 * tradeCost(["A", "B"], [0.5, 0.5], [0.6, 0.4], 1_000_000, { costBps: 10 }); // cost 200: 10 bp of 200 000 traded
 * ```
 */
export function tradeCost(
  assets: readonly string[],
  w0: readonly number[],
  w: readonly number[],
  nav: number,
  model: CostModel,
): TradeCost {
  let traded = 0;
  let impact = 0;
  for (let i = 0; i < assets.length; i++) {
    const t = nav * Math.abs((w[i] ?? 0) - (w0[i] ?? 0));
    traded += t;
    if (model.impact !== undefined && t > 0) {
      const asset = assets[i] ?? String(i);
      const adv = model.impact.adv[asset];
      if (adv === undefined || !(adv > 0)) {
        throw new InputError("IMPACT_ADV_MISSING", `needs a positive ADV for ${asset}`, "impact.adv");
      }
      impact += model.impact.coefficient * t * Math.sqrt(t / adv);
    }
  }
  const linear = (model.costBps / 10_000) * traded;
  return { tradedNotional: traded, linearCost: linear, impactCost: impact, cost: linear + impact };
}

/**
 * Validates a cost model read from the CLI or a costs file: `costBps` ≥ 0 and, for impact, a
 * coefficient ≥ 0 and an ADV (number for every asset, or per-asset record) > 0.
 *
 * @example
 * ```ts
 * parseCostModel({ costBps: 5, impact: { coefficient: 0.1, adv: 5e7 } }, ["A", "B"]); // adv {A: 5e7, B: 5e7}
 * ```
 */
export function parseCostModel(raw: unknown, assets: readonly string[], path = "--costs"): CostModel {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError("COSTS_INVALID", "must be an object {costBps, impact?}", path);
  }
  const { costBps = 0, impact, ...rest } = raw as { costBps?: unknown; impact?: unknown };
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new InputError("FIELD_UNKNOWN", "is not a field of a cost model", `${path}.${unknown}`);
  if (typeof costBps !== "number" || !Number.isFinite(costBps) || costBps < 0) {
    throw new InputError("COSTS_INVALID", `must be a number ≥ 0, got ${String(costBps)}`, `${path}.costBps`);
  }
  if (impact === undefined) return { costBps };
  const { coefficient, adv } = (impact ?? {}) as { coefficient?: unknown; adv?: unknown };
  if (typeof coefficient !== "number" || !Number.isFinite(coefficient) || coefficient < 0) {
    throw new InputError("COSTS_INVALID", `must be a number ≥ 0`, `${path}.impact.coefficient`);
  }
  const byAsset: Record<string, number> = {};
  for (const asset of assets) {
    const value = typeof adv === "number" ? adv : (adv as Record<string, unknown> | undefined)?.[asset];
    if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
      throw new InputError(
        "COSTS_INVALID",
        `must be a positive number (or a record by asset)`,
        `${path}.impact.adv.${asset}`,
      );
    }
    byAsset[asset] = value;
  }
  return { costBps, impact: { coefficient, adv: byAsset } };
}
