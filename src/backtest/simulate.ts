import { Cron } from "croner";
import { InputError } from "../errors.ts";
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";
import { cronDue, isPeriodEnd } from "./calendar.ts";
import { tradeCost } from "./costs.ts";
import type { BacktestSeries, CostModel, RebalancePolicy, RebalanceRecord, TargetFn } from "./types.ts";

/** Inputs of {@link simulate}; every number is documented with its unit. */
export interface SimulateOptions {
  /** Daily closes, one column per asset (the backtest's asset order); `null` = no price. */
  readonly prices: PriceTable;
  /** One-column benchmark closes, matched to `prices` by date. */
  readonly benchmark?: PriceTable;
  readonly policy: RebalancePolicy;
  readonly target: TargetFn;
  /** Price rows in each estimation window, ending on (and including) the rebalance date. */
  readonly lookback: number;
  /** First and last simulated dates (inclusive, ISO); default the first date with a full window and the last row. */
  readonly from?: string;
  readonly to?: string;
  readonly costs: CostModel;
  /** NAV before the initial allocation, currency (default 1 000 000). */
  readonly initialNav?: number;
  /** Called after each simulated date with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Daily returns the `vol:` trigger looks back over. */
export const VOL_TRIGGER_DAYS = 21;

function rangeOf(dates: readonly string[], lookback: number, from?: string, to?: string): [number, number] {
  if (!Number.isInteger(lookback) || lookback < 3) {
    throw new InputError("LOOKBACK_TOO_SHORT", `must be an integer ≥ 3 (two returns), got ${lookback}`, "--lookback");
  }
  const first = dates[0] ?? "";
  const last = dates[dates.length - 1] ?? "";
  if (dates.length < lookback) {
    throw new InputError(
      "WINDOW_TOO_SHORT",
      `needs ${lookback} price rows, the prices have ${dates.length}`,
      "--lookback",
    );
  }
  let start = lookback - 1;
  if (from !== undefined) {
    start = dates.findIndex((d) => d >= from);
    if (start < 0) throw new InputError("DATE_OUT_OF_RANGE", `${from} is after the last price date ${last}`, "--from");
    if (start < lookback - 1) {
      throw new InputError(
        "WINDOW_TOO_SHORT",
        `${dates[start] ?? from} has ${start + 1} price rows up to it, --lookback needs ${lookback} (first possible start ${dates[lookback - 1] ?? ""})`,
        "--from",
      );
    }
  }
  let end = dates.length - 1;
  if (to !== undefined) {
    while (end >= 0 && (dates[end] ?? "") > to) end--;
    if (end < 0) throw new InputError("DATE_OUT_OF_RANGE", `${to} is before the first price date ${first}`, "--to");
  }
  if (end <= start) {
    throw new InputError(
      "DATE_OUT_OF_RANGE",
      `the range ${dates[start] ?? ""} … ${to ?? last} holds no day to simulate`,
      "--to",
    );
  }
  return [start, end];
}

/** nulls[j][t] = number of missing prices of asset j in rows [0, t). */
function missingCounts(prices: PriceTable): Int32Array[] {
  return prices.columns.map((_, j) => {
    const counts = new Int32Array(prices.rows.length + 1);
    prices.rows.forEach((row, t) => (counts[t + 1] = (counts[t] ?? 0) + (row[j] === null ? 1 : 0)));
    return counts;
  });
}

function windowOf(prices: PriceTable, from: number, to: number, columns: readonly number[]): PriceTable {
  return {
    dates: prices.dates.slice(from, to + 1),
    columns: columns.map((j) => prices.columns[j] ?? ""),
    rows: prices.rows.slice(from, to + 1).map((row) => columns.map((j) => row[j] ?? null)),
    source: prices.source ?? "prices",
  };
}

/** Annualised volatility of holding weights `w` over the last {@link VOL_TRIGGER_DAYS} returns to t, or null. */
function trailingVol(prices: PriceTable, t: number, w: readonly number[]): number | null {
  if (t < VOL_TRIGGER_DAYS) return null;
  const r: number[] = [];
  for (let k = t - VOL_TRIGGER_DAYS + 1; k <= t; k++) {
    let sum = 0;
    for (let j = 0; j < w.length; j++) {
      const wj = w[j] ?? 0;
      if (wj === 0) continue;
      const p1 = prices.rows[k]?.[j];
      const p0 = prices.rows[k - 1]?.[j];
      if (p1 === null || p0 === null || p1 === undefined || p0 === undefined) return null;
      sum += wj * (p1 / p0 - 1);
    }
    r.push(sum);
  }
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const variance = r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1);
  return Math.sqrt(variance * 252);
}

interface TriggerInputs {
  readonly prices: PriceTable;
  readonly policy: RebalancePolicy;
  readonly schedules: readonly (Cron | null)[];
  readonly t: number;
  readonly lastRebalance: string;
  /** Drifted weights before any trade at t. */
  readonly w0: readonly number[];
  /** Target weights of the last rebalance. */
  readonly target: readonly number[];
}

/** The names of the policy's triggers that fire at the close of row t (they see nothing after t). */
function firedTriggers({ prices, policy, schedules, t, lastRebalance, w0, target }: TriggerInputs): string[] {
  const date = prices.dates[t] ?? "";
  const fired: string[] = [];
  policy.triggers.forEach((tr, k) => {
    if (tr.kind === "calendar" && isPeriodEnd(prices.dates, t, tr.period)) fired.push(`calendar:${tr.period}`);
    const schedule = schedules[k];
    if (tr.kind === "cron" && schedule != null && cronDue(schedule, lastRebalance, date))
      fired.push(`calendar:${tr.expression}`);
    if (tr.kind === "drift" && w0.some((x, j) => Math.abs(x - (target[j] ?? 0)) > tr.threshold))
      fired.push(`drift:${tr.threshold}`);
    if (tr.kind === "vol") {
      const vol = trailingVol(prices, t, w0);
      if (vol !== null && vol > tr.budget) fired.push(`vol:${tr.budget}`);
    }
  });
  return fired;
}

/**
 * Walk-forward simulation. Conventions (docs/backtest.md):
 * - at each simulated close t the holdings (units) are marked at P(t); weights drift with prices;
 * - the initial allocation happens at the first close; afterwards a rebalance happens at a close
 *   where a trigger of the policy fires, and trades execute at that close;
 * - the target sees only the `lookback` rows ending at t and the assets whose prices are complete
 *   on all of them (an asset enters the universe once it has a full window);
 * - the cost C of the trade from w0 to w at pre-trade NAV V is paid from the NAV, and the holdings
 *   become u_i = w_i·(V − C)/P_i(t);
 * - a held asset without a price on a simulated date stops the backtest (MISSING_PRICE).
 *
 * @example
 * ```ts
 * const series = simulate({ prices, policy: parsePolicy("calendar:monthly"), target, lookback: 252, costs: { costBps: 10 } });
 * series.nav.at(-1); // final NAV, currency
 * ```
 */
export function simulate(options: SimulateOptions): BacktestSeries {
  const { prices, policy, lookback, costs } = options;
  const assets = prices.columns;
  const n = assets.length;
  const [start, end] = rangeOf(prices.dates, lookback, options.from, options.to);
  const missing = missingCounts(prices);
  const schedules = policy.triggers.map((tr) =>
    tr.kind === "cron" ? new Cron(tr.expression, { timezone: "UTC", paused: true }) : null,
  );
  const benchmarkByDate = new Map<string, number>();
  options.benchmark?.rows.forEach((row, t) => {
    const value = row[0];
    if (value !== null && value !== undefined) benchmarkByDate.set(options.benchmark?.dates[t] ?? "", value);
  });
  const initialNav = options.initialNav ?? 1_000_000;
  const dates: string[] = [];
  const nav: number[] = [];
  const weights: number[][] = [];
  const benchmarkNav: (number | null)[] = [];
  const rebalances: RebalanceRecord[] = [];
  let units = new Float64Array(n);
  let target: readonly number[] = new Array<number>(n).fill(0);
  let lastRebalance = "";
  let benchmarkBase: { price: number; nav: number } | null = null;
  for (let t = start; t <= end; t++) {
    const date = prices.dates[t] ?? "";
    const row = prices.rows[t] ?? [];
    let value = t === start ? initialNav : 0;
    if (t > start) {
      for (let j = 0; j < n; j++) {
        if ((units[j] ?? 0) === 0) continue;
        const p = row[j];
        if (p === null || p === undefined) {
          throw new InputError(
            "MISSING_PRICE",
            `no price for ${assets[j] ?? j} on ${date}, which the portfolio holds`,
            "--prices",
          );
        }
        value += (units[j] ?? 0) * p;
      }
    }
    const w0 = Array.from(units, (u, j) => (t === start ? 0 : (u * (row[j] ?? 0)) / value));
    const reasons =
      t === start ? ["initial"] : firedTriggers({ prices, policy, schedules, t, lastRebalance, w0, target });
    if (reasons.length > 0) {
      const columns: number[] = [];
      for (let j = 0; j < n; j++) {
        const counts = missing[j];
        if (counts !== undefined && (counts[t + 1] ?? 0) - (counts[t + 1 - lookback] ?? 0) === 0) columns.push(j);
      }
      if (columns.length === 0)
        throw new InputError("MISSING_PRICE", `no asset has ${lookback} complete price rows up to ${date}`, "--prices");
      const universe = columns.map((j) => assets[j] ?? "");
      const chosen = options.target({
        index: t,
        date,
        universe,
        window: windowOf(prices, t + 1 - lookback, t, columns),
        ...(options.benchmark === undefined ? {} : { benchmarkWindow: benchmarkWindow(t) }),
        currentWeights: columns.map((j) => w0[j] ?? 0),
        nav: value,
        initial: t === start,
      });
      if (chosen.weights.length !== columns.length || chosen.weights.some((x) => !Number.isFinite(x))) {
        throw new Error(`the target returned ${chosen.weights.length} weights for ${columns.length} assets on ${date}`);
      }
      const w = new Array<number>(n).fill(0);
      columns.forEach((j, k) => (w[j] = chosen.weights[k] ?? 0));
      const cost = tradeCost(assets, w0, w, value, costs);
      const after = value - cost.cost;
      if (!(after > 0))
        throw new InputError(
          "COSTS_EXCEED_NAV",
          `the trade on ${date} costs ${cost.cost.toFixed(2)}, more than the NAV`,
          "--costs",
        );
      units = Float64Array.from(w, (wj, j) => (wj === 0 ? 0 : (wj * after) / (row[j] ?? 1)));
      rebalances.push({
        date,
        reasons,
        preWeights: w0,
        targetWeights: w,
        turnover: w.reduce((s, wj, j) => s + Math.abs(wj - (w0[j] ?? 0)), 0),
        ...cost,
        navBefore: value,
        navAfter: after,
        optimizerMs: chosen.optimizerMs,
      });
      target = w;
      lastRebalance = date;
      value = after;
    }
    dates.push(date);
    nav.push(value);
    weights.push(Array.from(units, (u, j) => (u === 0 ? 0 : (u * (row[j] ?? 0)) / value)));
    const b = benchmarkByDate.get(date);
    if (b !== undefined && benchmarkBase === null) benchmarkBase = { price: b, nav: value };
    benchmarkNav.push(b === undefined || benchmarkBase === null ? null : (benchmarkBase.nav * b) / benchmarkBase.price);
    options.onProgress?.(t - start + 1, end - start + 1);
  }
  if (policy.triggers.length > 0 && rebalances.length < 2) {
    throw new InputError(
      "POLICY_NEVER_FIRES",
      `"${policy.text}" never fires between ${dates[0] ?? ""} and ${dates[dates.length - 1] ?? ""} (use "once" for buy and hold)`,
      "--rebalance",
    );
  }
  return {
    assets,
    dates,
    nav,
    benchmarkNav: options.benchmark === undefined ? null : benchmarkNav,
    weights,
    rebalances,
  };

  function benchmarkWindow(t: number): PriceTable {
    const ds = prices.dates.slice(t + 1 - lookback, t + 1);
    return {
      dates: ds,
      columns: options.benchmark?.columns ?? ["benchmark"],
      rows: ds.map((d) => [benchmarkByDate.get(d) ?? null]),
      source: "--benchmark",
    };
  }
}
