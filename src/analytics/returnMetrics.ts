// Risk and performance metrics of a periodic return series. Every return is a simple return per
// period (0.01 = +1 %); every output is annualised with `frequency` where the name says so.
// Ratios that are mathematically undefined (zero dispersion) are NaN, as in empyrical; the
// PortfolioMetrics builder turns NaN into null.
import {
  checkFinite,
  checkFrequency,
  checkPair,
  checkReturns,
  mean,
  sampleVariance,
  TRADING_DAYS,
  type FrequencyOptions,
} from "./series.ts";

/**
 * Annualised volatility: σ = sd(r) · √f, with the sample standard deviation (ddof = 1).
 *
 * Units: fraction per year (0.2 = 20 % annualised). Reference: PyPortfolioOpt
 * `portfolio_performance` (sample covariance × frequency).
 *
 * @example
 * ```ts
 * volatility(Float64Array.of(0.01, -0.01), { frequency: 252 }); // √(2e-4) · √252 ≈ 0.2245
 * ```
 */
export function volatility(returns: Float64Array, { frequency = TRADING_DAYS }: FrequencyOptions = {}): number {
  checkReturns(returns, "returns");
  return Math.sqrt(sampleVariance(returns) * checkFrequency(frequency));
}

/**
 * Tracking error: the annualised standard deviation of active returns,
 * TE = sd(r − b) · √f (ddof = 1).
 *
 * Units: fraction per year. Reference: Grinold & Kahn, _Active Portfolio Management_, ch. 3
 * (ex-post tracking error as the volatility of residual returns; here against the benchmark, β = 1).
 *
 * @example
 * ```ts
 * trackingError(Float64Array.of(0.02, 0.0), Float64Array.of(0.01, 0.01), { frequency: 1 }); // sd(0.01, −0.01) = 0.01414
 * ```
 */
export function trackingError(
  returns: Float64Array,
  benchmark: Float64Array,
  { frequency = TRADING_DAYS }: FrequencyOptions = {},
): number {
  checkPair(returns, benchmark, "returns", "benchmark");
  const active = new Float64Array(returns.length);
  for (let i = 0; i < returns.length; i++) active[i] = (returns[i] as number) - (benchmark[i] as number);
  return Math.sqrt(sampleVariance(active) * checkFrequency(frequency));
}

/** Options of {@link sharpeRatio}. */
export interface SharpeOptions extends FrequencyOptions {
  /** Annual risk-free rate, fraction (0.02 = 2 %). Converted per period as rf / frequency. Default 0.02. */
  readonly riskFreeRate?: number;
}

/**
 * Annualised Sharpe ratio: S = mean(r − rf/f) / sd(r) · √f, sample sd (ddof = 1).
 *
 * The annual risk-free rate becomes a per-period rate by simple division, rf/f. That is exactly
 * what PyPortfolioOpt's `portfolio_performance` computes — (μ·f − rf) / (σ·√f) with μ, σ per
 * period — and what empyrical's `sharpe_ratio(returns, risk_free=rf/f)` computes, since
 * sd(r − c) = sd(r). Units: dimensionless, annualised. NaN when sd(r) = 0.
 *
 * @example
 * ```ts
 * sharpeRatio(Float64Array.of(0.01, 0.03), { riskFreeRate: 0, frequency: 4 }); // 0.02 / 0.014142 · 2 = 2.8284
 * ```
 */
export function sharpeRatio(
  returns: Float64Array,
  { riskFreeRate = 0.02, frequency = TRADING_DAYS }: SharpeOptions = {},
): number {
  checkReturns(returns, "returns");
  const f = checkFrequency(frequency);
  checkFinite(riskFreeRate, "riskFreeRate");
  const sd = Math.sqrt(sampleVariance(returns));
  if (sd === 0) return Number.NaN;
  return ((mean(returns) - riskFreeRate / f) / sd) * Math.sqrt(f);
}

/** Options of {@link sortinoRatio}. */
export interface SortinoOptions extends FrequencyOptions {
  /** Annual minimum acceptable return, fraction; per period target/f. Default 0. */
  readonly targetReturn?: number;
}

/**
 * Annualised Sortino ratio, empyrical's convention:
 *
 *   a_i = r_i − T/f,  DD = √(Σ min(a_i, 0)² / N) · √f,  Sortino = mean(a) · f / DD
 *
 * The downside deviation averages the squared shortfalls over **all** N periods (periods above
 * target count as 0), not over the losing periods only. Units: dimensionless, annualised. NaN
 * when no period falls below the target (DD = 0; empyrical returns +inf there). Reference:
 * Sortino & Price (1994); empyrical `sortino_ratio` / `downside_risk`.
 *
 * @example
 * ```ts
 * sortinoRatio(Float64Array.of(0.02, -0.01), { frequency: 1 }); // mean 0.005 / √(1e-4 / 2) = 0.7071
 * ```
 */
export function sortinoRatio(
  returns: Float64Array,
  { targetReturn = 0, frequency = TRADING_DAYS }: SortinoOptions = {},
): number {
  checkReturns(returns, "returns");
  const f = checkFrequency(frequency);
  checkFinite(targetReturn, "targetReturn");
  const t = targetReturn / f;
  let sum = 0;
  let shortfall = 0;
  for (let i = 0; i < returns.length; i++) {
    const a = (returns[i] as number) - t;
    sum += a;
    if (a < 0) shortfall += a * a;
  }
  const downside = Math.sqrt((shortfall / returns.length) * f);
  if (downside === 0) return Number.NaN;
  return ((sum / returns.length) * f) / downside;
}

/**
 * Beta against a benchmark: β = cov(r, b) / var(b) (the ddof cancels).
 *
 * Units: dimensionless. NaN when the benchmark is constant. Reference: CAPM; empyrical `beta`.
 *
 * @example
 * ```ts
 * beta(Float64Array.of(0.02, -0.02), Float64Array.of(0.01, -0.01)); // 2
 * ```
 */
export function beta(returns: Float64Array, benchmark: Float64Array): number {
  checkPair(returns, benchmark, "returns", "benchmark");
  const mr = mean(returns);
  const mb = mean(benchmark);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < returns.length; i++) {
    const db = (benchmark[i] as number) - mb;
    cov += ((returns[i] as number) - mr) * db;
    varB += db * db;
  }
  return varB === 0 ? Number.NaN : cov / varB;
}

/**
 * Maximum drawdown of cumulative wealth:
 *
 *   W_0 = 1,  W_t = Π_{i≤t} (1 + r_i),  MDD = max_t (1 − W_t / max_{s≤t} W_s)
 *
 * The starting wealth counts as a peak, so a loss in the first period is a drawdown (as in
 * empyrical `max_drawdown`, which reports the same number negated). Units: fraction in [0, 1]
 * (0.25 = a 25 % fall from the running peak). Needs at least one return.
 *
 * @example
 * ```ts
 * maxDrawdown(Float64Array.of(0.1, -0.5, 0.2)); // peak 1.1, trough 0.55 → 0.5
 * ```
 */
export function maxDrawdown(returns: Float64Array): number {
  checkReturns(returns, "returns", 1);
  let wealth = 1;
  let peak = 1;
  let worst = 0;
  for (let i = 0; i < returns.length; i++) {
    wealth *= 1 + (returns[i] as number);
    if (wealth > peak) peak = wealth;
    const drawdown = 1 - wealth / peak;
    if (drawdown > worst) worst = drawdown;
  }
  return Math.min(1, worst);
}
