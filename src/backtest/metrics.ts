import type { BacktestSeries } from "./types.ts";

/** Trading days per year, used to annualise every metric. */
export const PERIODS_PER_YEAR = 252;

/** Performance of a backtest; rates are fractions (0.08 = 8 %), costs currency. */
export interface BacktestMetrics {
  readonly startDate: string;
  readonly endDate: string;
  /** Daily returns the statistics are computed on. */
  readonly days: number;
  readonly years: number;
  readonly initialNav: number;
  readonly finalNav: number;
  readonly totalReturn: number;
  readonly cagr: number;
  readonly volatility: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Largest peak-to-trough fall, a positive fraction. */
  readonly maxDrawdown: number;
  /** Over the dates where the benchmark has prices; null without a benchmark. */
  readonly trackingError: number | null;
  readonly beta: number | null;
  readonly benchmarkCagr: number | null;
  readonly riskFreeRate: number;
  readonly rebalances: number;
  /** Σ over rebalances of Σ|w − w0|, the initial allocation included. */
  readonly totalTurnover: number;
  /** (totalTurnover − initial allocation's turnover) / years. */
  readonly annualTurnover: number;
  readonly totalCosts: number;
  /** Σ_k C_k / V_k: each rebalance's cost as a fraction of its pre-trade NAV, summed (the NAV drag). */
  readonly costDrag: number;
  /** costDrag / years. */
  readonly annualCostDrag: number;
}

const mean = (x: readonly number[]): number => x.reduce((s, v) => s + v, 0) / x.length;

function sampleStd(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
}

/** r_t = V_t / V_{t−1} − 1. */
export function dailyReturns(nav: readonly number[]): number[] {
  const r: number[] = [];
  for (let t = 1; t < nav.length; t++) r.push((nav[t] ?? 0) / (nav[t - 1] ?? 1) - 1);
  return r;
}

/** max_t (1 − V_t / max_{s≤t} V_s), and the drawdown series itself. */
export function drawdowns(nav: readonly number[]): number[] {
  let peak = -Infinity;
  return nav.map((v) => {
    peak = Math.max(peak, v);
    return 1 - v / peak;
  });
}

/** Pairs of (portfolio, benchmark) daily returns on consecutive dates where the benchmark has prices. */
function pairedReturns(nav: readonly number[], bench: readonly (number | null)[]): [number[], number[]] {
  const rp: number[] = [];
  const rb: number[] = [];
  for (let t = 1; t < nav.length; t++) {
    const b0 = bench[t - 1];
    const b1 = bench[t];
    if (b0 === null || b1 === null || b0 === undefined || b1 === undefined) continue;
    rp.push((nav[t] ?? 0) / (nav[t - 1] ?? 1) - 1);
    rb.push(b1 / b0 - 1);
  }
  return [rp, rb];
}

/**
 * The tearsheet's statistics, over N daily returns r_t of the NAV and A = 252 periods a year,
 * rf_d = riskFreeRate / A (docs/backtest.md):
 * - CAGR = (V_N / V_init)^{A/N} − 1 with V_init the NAV before the initial allocation's costs; volatility σ = std(r)·√A (sample std, N − 1);
 * - Sharpe = mean(r − rf_d)·A / σ; Sortino = mean(r − rf_d)·A / (√(mean(min(r − rf_d, 0)²))·√A);
 * - max drawdown = max_t (1 − V_t / max_{s≤t} V_s);
 * - tracking error = std(r − r_b)·√A, beta = cov(r, r_b)/var(r_b) (sample moments), on the
 *   days where the benchmark has prices on both ends;
 * - turnover Σ_k Σ_i |w_i − w0_i| over rebalances k; annual turnover leaves out the initial allocation;
 * - total costs Σ_k C_k (currency) and the cost drag Σ_k C_k / V_k (fraction of the NAV at each trade).
 *
 * @example
 * ```ts
 * computeMetrics(series, 0).cagr; // 0.091 = 9.1 %/year
 * ```
 */
export function computeMetrics(series: BacktestSeries, riskFreeRate: number): BacktestMetrics {
  const { nav } = series;
  const r = dailyReturns(nav);
  const days = r.length;
  const years = days / PERIODS_PER_YEAR;
  const initialNav = series.rebalances[0]?.navBefore ?? nav[0] ?? 0;
  const last = nav[nav.length - 1] ?? 0;
  const volatility = sampleStd(r) * Math.sqrt(PERIODS_PER_YEAR);
  const rfDaily = riskFreeRate / PERIODS_PER_YEAR;
  const excess = r.map((x) => x - rfDaily);
  const meanExcess = days > 0 ? mean(excess) * PERIODS_PER_YEAR : 0;
  const downside = days > 0 ? Math.sqrt(mean(excess.map((x) => Math.min(x, 0) ** 2))) * Math.sqrt(PERIODS_PER_YEAR) : 0;
  let trackingError: number | null = null;
  let beta: number | null = null;
  let benchmarkCagr: number | null = null;
  if (series.benchmarkNav !== null) {
    const [rp, rb] = pairedReturns(nav, series.benchmarkNav);
    if (rp.length >= 2) {
      trackingError = sampleStd(rp.map((x, k) => x - (rb[k] ?? 0))) * Math.sqrt(PERIODS_PER_YEAR);
      const mp = mean(rp);
      const mb = mean(rb);
      const cov = rp.reduce((s, x, k) => s + (x - mp) * ((rb[k] ?? 0) - mb), 0) / (rp.length - 1);
      const varB = sampleStd(rb) ** 2;
      beta = varB > 0 ? cov / varB : null;
      const growth = rb.reduce((g, x) => g * (1 + x), 1);
      benchmarkCagr = growth ** (PERIODS_PER_YEAR / rb.length) - 1;
    }
  }
  const turnovers = series.rebalances.map((k) => k.turnover);
  const totalTurnover = turnovers.reduce((s, x) => s + x, 0);
  const totalCosts = series.rebalances.reduce((s, k) => s + k.cost, 0);
  const costDrag = series.rebalances.reduce((s, k) => s + k.cost / k.navBefore, 0);
  return {
    startDate: series.dates[0] ?? "",
    endDate: series.dates[series.dates.length - 1] ?? "",
    days,
    years,
    initialNav,
    finalNav: last,
    totalReturn: last / initialNav - 1,
    cagr: days > 0 && initialNav > 0 ? (last / initialNav) ** (PERIODS_PER_YEAR / days) - 1 : 0,
    volatility,
    sharpe: volatility > 0 ? meanExcess / volatility : null,
    sortino: downside > 0 ? meanExcess / downside : null,
    maxDrawdown: Math.max(0, ...drawdowns(nav)),
    trackingError,
    beta,
    benchmarkCagr,
    riskFreeRate,
    rebalances: series.rebalances.length,
    totalTurnover,
    annualTurnover: years > 0 ? (totalTurnover - (turnovers[0] ?? 0)) / years : 0,
    totalCosts,
    costDrag,
    annualCostDrag: years > 0 ? costDrag / years : 0,
  };
}
