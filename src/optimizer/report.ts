/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { covarianceBilinear, covarianceMatVec } from "./covariance.ts";
import type { PortfolioConstraints } from "./markowitz/constraints.ts";
import type { QpCovariance } from "./qp/types.ts";

/** One constraint in the result: its value at the solution, its limit, and how far from it. */
export interface ConstraintReport {
  /** e.g. `budget`, `groups.Tech.upper`, `bounds.upper[AAPL]`, `trackingError`. */
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  /** Distance to the limit on the feasible side (≥ 0 up to rounding; 0 for an equality). */
  readonly slack: number;
  /** Whether the constraint holds with equality (slack ≤ 1e-7·max(1, |limit|)). */
  readonly binding: boolean;
}

/**
 * Statistics of one portfolio under the optimiser's μ and Σ, annualised fractions. (The analytics
 * record published on the bus is a different thing, `PortfolioMetrics` in src/bus/.)
 */
export interface PortfolioStatistics {
  readonly expectedReturn: number | null;
  readonly volatility: number;
  readonly sharpe: number | null;
  /**
   * Absolute contributions w_i·(Σw)_i / σ: each asset's part of the volatility, summing to
   * `volatility`. Divided by σ they are the relative `riskContributions` (src/optimizer/riskParity/).
   */
  readonly volatilityContributions: number[];
}

/**
 * Expected return μ'w, volatility σ = √(w'Σw), Sharpe ratio (μ'w − r_f)/σ and volatility
 * contributions w_i·(Σw)_i / σ (Euler allocation of σ).
 *
 * @example
 * ```ts
 * const cov: QpCovariance = { kind: "dense", n: 2, data: Float64Array.of(0.04, 0, 0, 0.01) };
 * portfolioStatistics(Float64Array.of(0.5, 0.5), Float64Array.of(0.08, 0.04), cov, 0.02);
 * // { expectedReturn: 0.06, volatility: 0.1118…, sharpe: 0.357…, volatilityContributions: [0.0894…, 0.0223…] }
 * ```
 */
export function portfolioStatistics(
  w: Float64Array,
  mu: Float64Array | null,
  cov: QpCovariance,
  riskFreeRate: number,
): PortfolioStatistics {
  const sw = new Float64Array(w.length);
  covarianceMatVec(cov, w, sw);
  let variance = 0;
  for (let i = 0; i < w.length; i++) variance += w[i]! * sw[i]!;
  const volatility = Math.sqrt(Math.max(variance, 0));
  const expectedReturn = mu === null ? null : mu.reduce((s, v, i) => s + v * w[i]!, 0);
  const sharpe = expectedReturn === null || volatility === 0 ? null : (expectedReturn - riskFreeRate) / volatility;
  const volatilityContributions = Array.from(w, (wi, i) => (volatility === 0 ? 0 : (wi * sw[i]!) / volatility));
  return { expectedReturn, volatility, sharpe, volatilityContributions };
}

function entry(name: string, value: number, limit: number, slack: number, equality = false): ConstraintReport {
  return {
    name,
    value,
    limit,
    slack: equality ? Math.abs(value - limit) : slack,
    binding: equality || slack <= 1e-7 * Math.max(1, Math.abs(limit)),
  };
}

/**
 * Every named constraint at the solution. Bounds (2n of them) are listed only where binding.
 */
export function constraintReports(
  pc: PortfolioConstraints,
  w: Float64Array,
  cov: QpCovariance,
  assets: readonly string[],
  extra: { targetVolatility?: number } = {},
): ConstraintReport[] {
  const out: ConstraintReport[] = [];
  for (const row of pc.rows) {
    const value = row.coef.reduce((s, c, i) => s + c * w[i]!, 0);
    if (row.lower === row.upper) out.push(entry(row.name, value, row.lower, 0, true));
    else {
      if (row.lower > -Infinity) {
        out.push(
          entry(
            row.name === "esg" || row.name === "targetReturn" ? row.name : `${row.name}.lower`,
            value,
            row.lower,
            value - row.lower,
          ),
        );
      }
      if (row.upper < Infinity) out.push(entry(`${row.name}.upper`, value, row.upper, row.upper - value));
    }
  }
  for (let i = 0; i < pc.n; i++) {
    const l = pc.lower[i]!;
    const u = pc.upper[i]!;
    const asset = assets[i] ?? String(i);
    if (l > -Infinity && w[i]! - l <= 1e-9 * Math.max(1, Math.abs(l))) {
      out.push(
        entry(
          pc.lowerFrom[i] === "liquidity" ? `liquidity[${asset}].lower` : `bounds.lower[${asset}]`,
          w[i]!,
          l,
          w[i]! - l,
        ),
      );
    }
    if (u < Infinity && u - w[i]! <= 1e-9 * Math.max(1, Math.abs(u))) {
      out.push(
        entry(
          pc.upperFrom[i] === "liquidity" ? `liquidity[${asset}].upper` : `bounds.upper[${asset}]`,
          w[i]!,
          u,
          u - w[i]!,
        ),
      );
    }
  }
  if (pc.reference !== null && pc.turnoverMax !== null) {
    const value = w.reduce((s, v, i) => s + Math.abs(v - pc.reference![i]!), 0);
    out.push(entry("turnover", value, pc.turnoverMax, pc.turnoverMax - value));
  }
  if (pc.trackingError !== null) {
    const d = Float64Array.from(w, (v, i) => v - pc.trackingError!.benchmark[i]!);
    const value = Math.sqrt(Math.max(0, covarianceBilinear(cov, d, d)));
    out.push(entry("trackingError", value, pc.trackingError.max, pc.trackingError.max - value));
  }
  if (extra.targetVolatility !== undefined) {
    const value = Math.sqrt(Math.max(0, covarianceBilinear(cov, w, w)));
    out.push(entry("targetVolatility", value, extra.targetVolatility, extra.targetVolatility - value));
  }
  return out;
}
