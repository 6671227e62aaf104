// Types shared by the files of src/backtest/, so type imports never close a circle.
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";

/** One trigger of a rebalancing policy; a policy fires on a date when any of its triggers does. */
export type PolicyTrigger =
  | { readonly kind: "calendar"; readonly period: "weekly" | "monthly" | "quarterly" }
  | { readonly kind: "cron"; readonly expression: string }
  | { readonly kind: "drift"; readonly threshold: number }
  | { readonly kind: "vol"; readonly budget: number };

/** A parsed `--rebalance` value: `once` (buy and hold) or one or more triggers joined by `+`. */
export interface RebalancePolicy {
  readonly text: string;
  readonly triggers: readonly PolicyTrigger[];
}

/** What the cost model charges: `costBps` per unit of traded notional and an optional impact term. */
export interface CostModel {
  /** Linear cost in basis points of traded notional (10 = 0.1 %). */
  readonly costBps: number;
  /** cost_i = coefficient · |T_i| · (|T_i| / adv_i)^{1/2}, with T_i and adv_i in NAV currency. */
  readonly impact?: {
    readonly coefficient: number;
    /** Average daily traded value per asset (same currency as the NAV), by asset name. */
    readonly adv: Readonly<Record<string, number>>;
  };
}

/** The target weights the optimiser chose for one rebalance date (a window ending on that date). */
export interface TargetContext {
  /** Index of the rebalance date in the price table. */
  readonly index: number;
  readonly date: string;
  /** Assets with a complete price window, in price-table column order. */
  readonly universe: readonly string[];
  /** The window: `lookback` rows ending on (and including) `date`, universe columns only. */
  readonly window: PriceTable;
  /** Benchmark prices on the window's dates, when a benchmark was given. */
  readonly benchmarkWindow?: PriceTable;
  /** Weights just before the trade (drifted), by universe asset; they sum to 1. */
  readonly currentWeights: readonly number[];
  /** NAV just before the trade, currency. */
  readonly nav: number;
  /** True for the first allocation, which buys from cash. */
  readonly initial: boolean;
}

/** Chooses target weights (universe order, fractions of NAV summing to the budget) for a date. */
export type TargetFn = (context: TargetContext) => {
  readonly weights: readonly number[];
  readonly optimizerMs: number;
};

/** One executed rebalance. */
export interface RebalanceRecord {
  readonly date: string;
  /** Which triggers fired (`initial` for the first allocation). */
  readonly reasons: readonly string[];
  /** Weights before and after the trade, in the order of {@link BacktestResult.assets}. */
  readonly preWeights: readonly number[];
  readonly targetWeights: readonly number[];
  /** Σ|w − w0|, the problem format's turnover measure (fraction of NAV). */
  readonly turnover: number;
  /** V·Σ|w − w0|, currency. */
  readonly tradedNotional: number;
  readonly linearCost: number;
  readonly impactCost: number;
  /** linearCost + impactCost, currency, taken from the NAV at the trade. */
  readonly cost: number;
  readonly navBefore: number;
  readonly navAfter: number;
  /** Wall time of the optimiser call for this date, ms. */
  readonly optimizerMs: number;
}

/** The daily simulation: one entry per simulated date in every series. */
export interface BacktestSeries {
  readonly assets: readonly string[];
  readonly dates: readonly string[];
  /** NAV at each close, after that date's trade and costs (currency). */
  readonly nav: readonly number[];
  /** Benchmark scaled to the portfolio's NAV on its first price date on or after the start; null where it has no price. */
  readonly benchmarkNav: readonly (number | null)[] | null;
  /** End-of-day weights (after any trade), in `assets` order. */
  readonly weights: readonly (readonly number[])[];
  readonly rebalances: readonly RebalanceRecord[];
}
