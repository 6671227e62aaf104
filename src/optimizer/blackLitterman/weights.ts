import { InputError } from "../../errors.ts";
import { choleskySolveInPlace } from "../qp/dense.ts";
import { choleskyLower } from "../simd/cholesky.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { assertFiniteVector, assertSigma } from "./validate.ts";

export interface BlImpliedWeightsParameters {
  /** Covariance used by the investor: Σ (PyPortfolioOpt) or Σ* (He & Litterman 1999). */
  readonly sigma: SymmetricMatrix;
  /** Expected returns, normally the posterior π* (annualised fractions). */
  readonly returns: Float64Array;
  /** Risk aversion δ > 0. */
  readonly riskAversion: number;
  /** Annualised risk-free rate subtracted from `returns` first (default 0): weights follow excess returns. */
  readonly riskFreeRate?: number;
}

export interface BlImpliedWeightsReturnType {
  /** w = (δΣ)⁻¹(μ − r_f): the unconstrained optimum, as tabulated by He & Litterman (1999). */
  readonly raw: Float64Array;
  /** raw / Σ raw (PyPortfolioOpt `bl_weights`), or null when Σ raw is within 1e-12 of 0. */
  readonly normalised: Float64Array | null;
}

/**
 * Unconstrained mean-variance weights implied by expected returns (He & Litterman 1999 eq. (11);
 * PyPortfolioOpt `BlackLittermanModel.bl_weights`):
 *
 *     w = (δΣ)⁻¹ (μ − r_f),    w_normalised = w / 1'w
 *
 * PyPortfolioOpt normalises to sum 1 and uses the prior Σ; He & Litterman report the raw w with
 * the posterior Σ*, whose sum is 1/(1+τ) with no views. Both are returned. The normalised weights
 * do not depend on δ. Σ must be positive definite (Cholesky).
 *
 * @example
 * ```ts
 * const { raw, normalised } = blImpliedWeights({ sigma: posteriorCovariance, returns: posteriorReturns, riskAversion: 2.5 });
 * ```
 */
export function blImpliedWeights({
  sigma,
  returns,
  riskAversion,
  riskFreeRate = 0,
}: BlImpliedWeightsParameters): BlImpliedWeightsReturnType {
  assertSigma(sigma, "sigma");
  const n = sigma.n;
  assertFiniteVector(returns, n, "returns");
  if (!Number.isFinite(riskAversion) || riskAversion <= 0) {
    throw new InputError("BL_RISK_AVERSION_INVALID", `must be > 0, got ${riskAversion}`, "riskAversion");
  }
  // One Cholesky of Σ in WebAssembly SIMD (../simd/cholesky.ts), then two triangular solves.
  const l = choleskyLower(sigma.data, n, 0);
  if (l === null) {
    throw new InputError(
      "MATRIX_NOT_POSITIVE_DEFINITE",
      "implied weights need a positive definite covariance",
      "sigma",
    );
  }
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = ((returns[i] ?? 0) - riskFreeRate) / riskAversion;
  choleskySolveInPlace(l, n, raw);
  let total = 0;
  for (let i = 0; i < n; i++) total += raw[i] ?? 0;
  const normalised = Math.abs(total) <= 1e-12 ? null : raw.map((w) => w / total);
  return { raw, normalised };
}
