import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import type { EstimatorOptions } from "./expectedReturns.ts";
import {
  checkObservations,
  columnsOf,
  countValid,
  ewmLast,
  gram,
  nanMean,
  nanToZeroCentred,
  pairwiseCovariance,
} from "./kernels.ts";
import type { PriceTable } from "./priceTable.ts";
import { isPsd, repairPsd } from "./psd.ts";
import { returnsFromPrices } from "./returns.ts";
import {
  ledoitWolfConstantCorrelation,
  ledoitWolfConstantVariance,
  ledoitWolfSingleFactor,
  oracleApproximating,
} from "./shrinkage.ts";
import { checkChoice, checkFrequency, checkKeys, checkNumber, checkObject } from "./spec.ts";

/** How to estimate the covariance matrix from prices (the `covariance` object of a problem). */
export interface CovarianceSpec {
  readonly method: "sample" | "semicovariance" | "exp" | "ledoit-wolf" | "oracle-approximating";
  /** Shrinkage target of `ledoit-wolf`. Default "constant-variance". */
  readonly target?: "constant-variance" | "single-factor" | "constant-correlation";
  /** Span in periods of the exponential weighting (`exp`). Default 180. */
  readonly span?: number;
  /**
   * Per-period (e.g. daily, not annualised) return below which a return counts as a loss
   * (`semicovariance`). Default 0.000079 ≈ 1.02^(1/252) − 1, PyPortfolioOpt's default.
   */
  readonly benchmark?: number;
}

/** Result of {@link estimateCovariance}. */
export interface CovarianceEstimate {
  /** Annualised covariance of returns (fractions² per year), in price-column order. */
  readonly matrix: SymmetricMatrix;
  /** E.g. the PSD repair, when one was needed. */
  readonly warnings: string[];
  /** Shrinkage intensity δ ∈ [0, 1] of the shrinkage methods. */
  readonly shrinkage?: number;
}

const METHODS = ["sample", "semicovariance", "exp", "ledoit-wolf", "oracle-approximating"] as const;
const TARGETS = ["constant-variance", "single-factor", "constant-correlation"] as const;

/** PyPortfolioOpt's default semicovariance benchmark: the daily equivalent of 2 % a year, rounded. */
export const DEFAULT_SEMICOVARIANCE_BENCHMARK = 0.000079;

/**
 * Annualised covariance estimate from prices, as PyPortfolioOpt's risk models compute it (per-period
 * estimate × frequency), then repaired by eigenvalue clipping when it is not PSD, with a warning:
 *
 * - sample: pandas pairwise-complete `returns.cov()` (each pair over its common dates, ddof 1);
 * - semicovariance: (1/T) Σ_t min(r_ti − B, 0)·min(r_tj − B, 0), missing returns counting as 0,
 *   T all return dates;
 * - exp: for each pair, the last value of the span-`span` EWM mean of (rᵢ − r̄ᵢ)(rⱼ − r̄ⱼ);
 * - ledoit-wolf: shrinkage towards μI (scikit-learn), the single-index model or constant
 *   correlation (Ledoit & Wolf 2003/2004, as PyPortfolioOpt implements them);
 * - oracle-approximating: scikit-learn's OAS towards μI.
 *
 * Shrinkage methods set missing returns to 0 first, as PyPortfolioOpt does (`np.nan_to_num`).
 *
 * @example
 * ```ts
 * const { matrix, warnings } = estimateCovariance(prices, { method: "ledoit-wolf" }, { frequency: 252 });
 * ```
 */
export function estimateCovariance(
  prices: PriceTable,
  spec: CovarianceSpec,
  options: EstimatorOptions,
): CovarianceEstimate {
  const path = options.path ?? "covariance";
  checkObject(spec, path);
  checkKeys(spec, ["method", "target", "span", "benchmark"], path);
  const method = checkChoice(spec.method, METHODS, `${path}.method`);
  const frequency = checkFrequency(options.frequency);
  const only = (field: keyof CovarianceSpec, owner: string): void => {
    if (spec[field] !== undefined && method !== owner) {
      throw new InputError("INPUT_UNKNOWN_FIELD", `only applies to method "${owner}"`, `${path}.${field}`);
    }
  };
  only("target", "ledoit-wolf");
  only("span", "exp");
  only("benchmark", "semicovariance");
  const returns = returnsFromPrices(prices);
  const cols = columnsOf(returns);
  const { t, n } = returns;
  let raw: Float64Array;
  let shrinkage: number | undefined;
  switch (method) {
    case "sample":
      checkObservations(returns, cols, true);
      raw = pairwiseCovariance(cols, t);
      break;
    case "semicovariance": {
      checkObservations(returns, cols, false);
      const benchmark = checkNumber(spec.benchmark ?? DEFAULT_SEMICOVARIANCE_BENCHMARK, `${path}.benchmark`);
      raw = semicovariance(cols, t, benchmark);
      break;
    }
    case "exp": {
      checkObservations(returns, cols, true);
      const span = checkNumber(spec.span ?? 180, `${path}.span`, { min: 1 });
      raw = exponentialCovariance(cols, t, span);
      break;
    }
    case "ledoit-wolf":
    case "oracle-approximating": {
      checkObservations(returns, cols, method === "ledoit-wolf" && spec.target === "constant-correlation");
      const xs = nanToZeroCentred(cols);
      const target =
        method === "ledoit-wolf" ? checkChoice(spec.target ?? TARGETS[0], TARGETS, `${path}.target`) : null;
      const shrunk =
        target === null
          ? oracleApproximating(xs, t)
          : target === "constant-variance"
            ? ledoitWolfConstantVariance(xs, t)
            : target === "single-factor"
              ? ledoitWolfSingleFactor(xs, t, path)
              : ledoitWolfConstantCorrelation(xs, t, pairwiseCovariance(cols, t), returns.columns, path);
      raw = shrunk.data;
      shrinkage = shrunk.shrinkage;
      break;
    }
  }
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      // Average the two triangles so the result is exactly symmetric whatever the summation order.
      const v = (((raw[i * n + j] as number) + (raw[j * n + i] as number)) / 2) * frequency;
      if (!Number.isFinite(v)) {
        throw new InputError(
          "COVARIANCE_NOT_FINITE",
          `the ${method} estimate for ${returns.columns[i] ?? i}/${returns.columns[j] ?? j} is not finite (${v}); check the prices`,
          path,
        );
      }
      data[i * n + j] = v;
      data[j * n + i] = v;
    }
  }
  const matrix: SymmetricMatrix = { n, data };
  const base = { ...(shrinkage === undefined ? {} : { shrinkage }) };
  // Semicovariance (DᵀD/T), the shrinkage estimates (convex combinations of PSD matrices) and the
  // sample and exp estimates of gap-free data (weighted Gram matrices) are PSD by construction, so
  // the O(n³) check runs only where pairwise-complete entries or the constant-correlation target
  // can break it. (PyPortfolioOpt checks always; on PSD-by-construction matrices that can only
  // clip rounding noise.)
  const mayBeIndefinite =
    ((method === "sample" || method === "exp") && cols.some((c) => countValid(c) !== t)) ||
    (method === "ledoit-wolf" && spec.target === "constant-correlation");
  if (!mayBeIndefinite || isPsd(matrix)) return { matrix, warnings: [], ...base };
  const repaired = repairPsd(matrix);
  return { matrix: repaired.matrix, warnings: [`${path}: ${repaired.warnings.join("; ")}`], ...base };
}

// PyPortfolioOpt's semicovariance: drops = np.fmin(returns − B, 0), which maps NaN to 0, over all T rows.
function semicovariance(cols: readonly Float64Array[], t: number, benchmark: number): Float64Array {
  const drops = cols.map((c) => c.map((v) => (Number.isNaN(v) ? 0 : Math.min(v - benchmark, 0))));
  const g = gram(drops, t);
  for (let k = 0; k < g.length; k++) g[k] = (g[k] as number) / t;
  return g;
}

// PyPortfolioOpt's exp_cov: each series is centred on its own mean over all its returns (not the
// pair's common dates), and the product's EWM mean skips dates where either is missing. Between
// two gap-free series that EWM mean is Σₜ wₜ xₜ yₜ / Σₜ wₜ with wₜ = (1 − α)^(T−1−t), so those
// pairs come from one Gram matrix of √w-scaled columns; pairs with gaps use pandas' recursion.
function exponentialCovariance(cols: readonly Float64Array[], t: number, span: number): Float64Array {
  const n = cols.length;
  const centred = cols.map((c) => {
    const mean = nanMean(c);
    return c.map((v) => v - mean);
  });
  const out = new Float64Array(n * n);
  const complete = cols.map((c) => countValid(c) === t);
  const fullIdx = complete.flatMap((ok, j) => (ok ? [j] : []));
  if (fullIdx.length > 0) {
    const decay = 1 - 2 / (span + 1);
    const sqrtW = new Float64Array(t);
    let wSum = 0;
    for (let k = 0; k < t; k++) {
      const w = decay ** (t - 1 - k);
      sqrtW[k] = Math.sqrt(w);
      wSum += w;
    }
    const g = gram(
      fullIdx.map((j) => (centred[j] as Float64Array).map((v, k) => v * (sqrtW[k] as number))),
      t,
    );
    const m = fullIdx.length;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        out[(fullIdx[a] as number) * n + (fullIdx[b] as number)] = (g[a * m + b] as number) / wSum;
      }
    }
  }
  const product = new Float64Array(t);
  for (let i = 0; i < n; i++) {
    const a = centred[i] as Float64Array;
    for (let j = 0; j <= i; j++) {
      if (complete[i] && complete[j]) continue;
      const b = centred[j] as Float64Array;
      for (let k = 0; k < t; k++) product[k] = (a[k] as number) * (b[k] as number);
      const v = ewmLast(product, span);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
