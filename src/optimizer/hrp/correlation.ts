// The correlations HRP clusters on, as PyPortfolioOpt computes them: pandas' pairwise-complete
// Pearson correlation of returns, or the correlation implied by a covariance matrix (rounded to six
// decimals, as `HRPOpt` rounds `cov_to_corr`), and the correlation distance √((1 − ρ) / 2).
import { pairMoments } from "../estimators/kernels.ts";

/**
 * Pairwise-complete Pearson correlation (pandas `DataFrame.corr()`): entry (i, j) uses the dates
 * where both series are present, with both means and both deviations taken over those dates.
 * Returns the n × n row-major matrix; NaN where a pair shares fewer than two dates.
 *
 * @example
 * ```ts
 * pairwiseCorrelation([Float64Array.of(1, 2, 3), Float64Array.of(2, 4, 7)])[1]; // ≈ 0.993
 * ```
 */
export function pairwiseCorrelation(cols: readonly Float64Array[]): Float64Array {
  const n = cols.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 1;
    for (let j = 0; j < i; j++) {
      const v = pairCorrelation(cols[i] as Float64Array, cols[j] as Float64Array);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

function pairCorrelation(x: Float64Array, y: Float64Array): number {
  const m = pairMoments(x, y);
  return m.count < 2 ? Number.NaN : m.sxy / Math.sqrt(m.sxx * m.syy);
}

/**
 * The correlation implied by an n × n covariance: ρ_ij = Σ_ij / √(Σ_ii Σ_jj), rounded to six
 * decimals as PyPortfolioOpt's `HRPOpt` does for a covariance-only input.
 *
 * @example
 * ```ts
 * correlationFromCovariance(Float64Array.of(4, 2, 2, 9), 2); // [1, 0.333333, 0.333333, 1]
 * ```
 */
export function correlationFromCovariance(cov: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = (cov[i * n + j] as number) / Math.sqrt((cov[i * n + i] as number) * (cov[j * n + j] as number));
      out[i * n + j] = Math.round(r * 1e6) / 1e6;
    }
  }
  return out;
}

/**
 * Correlation distance d_ij = √((1 − ρ_ij) / 2) ∈ [0, 1] (López de Prado 2016), with the diagonal
 * exactly 0.
 *
 * @example
 * ```ts
 * correlationDistance(Float64Array.of(1, -1, -1, 1), 2); // [0, 1, 1, 0]
 * ```
 */
export function correlationDistance(corr: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = i === j ? 0 : Math.sqrt(Math.max(0, (1 - (corr[i * n + j] as number)) / 2));
    }
  }
  return out;
}
