import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { choleskyBanachiewicz, type CholeskyFactor } from "../symmetricEigen.ts";
import type { DenseMatrix } from "./types.ts";
import { assertFiniteVector, assertPicking, assertSigma, assertTau } from "./validate.ts";

export interface BlackLittermanPosteriorParameters {
  /** Annualised covariance Σ (n×n). */
  readonly sigma: SymmetricMatrix;
  /** Prior expected returns π (n), annualised fractions. */
  readonly prior: Float64Array;
  /** Picking matrix P (k×n); k = 0 means no views. */
  readonly P: DenseMatrix;
  /** View returns Q (k), annualised fractions. */
  readonly Q: Float64Array;
  /** View uncertainty Ω (k×k, row-major, symmetric PSD); zero entries are certain views. */
  readonly omega: Float64Array;
  /** Scale τ > 0 of the prior's uncertainty (τΣ is the covariance of the estimate of the mean). */
  readonly tau: number;
}

export interface BlackLittermanPosteriorReturnType {
  /** Posterior expected returns π* (n). */
  readonly posteriorReturns: Float64Array;
  /** Posterior covariance of returns Σ* = Σ + M (n×n), symmetric PSD. */
  readonly posteriorCovariance: SymmetricMatrix;
}

/**
 * Black-Litterman posterior (Black & Litterman 1992; He & Litterman 1999 eqs. (7)–(8); Walters 2014):
 *
 *     π* = [(τΣ)⁻¹ + P'Ω⁻¹P]⁻¹ [(τΣ)⁻¹π + P'Ω⁻¹Q]
 *        = π + τΣP' (PτΣP' + Ω)⁻¹ (Q − Pπ)                       (Woodbury; what is computed)
 *     M  = [(τΣ)⁻¹ + P'Ω⁻¹P]⁻¹ = τΣ − τΣP' (PτΣP' + Ω)⁻¹ PτΣ
 *     Σ* = Σ + M
 *
 * The second form never inverts Σ or Ω, so Ω = 0 (confidence 1) is exact: Pπ* = Q up to rounding.
 * A = PτΣP' + Ω is factorised once by Cholesky (choleskyBanachiewicz, ../symmetricEigen.ts); it is positive definite whenever the
 * views are linearly independent portfolios with positive prior variance or positive Ω. Otherwise
 * (e.g. the same certain view twice) the views contradict or repeat each other and an InputError
 * `BL_VIEWS_DEGENERATE` is thrown. Cost O(n·nnz(P) + nk² + k³) for π*, plus O(n²k/2) to form Σ*.
 *
 * @example
 * ```ts
 * const { posteriorReturns, posteriorCovariance } = blackLittermanPosterior({ sigma, prior, P, Q, omega, tau: 0.05 });
 * ```
 */
export function blackLittermanPosterior({
  sigma,
  prior,
  P,
  Q,
  omega,
  tau,
}: BlackLittermanPosteriorParameters): BlackLittermanPosteriorReturnType {
  assertSigma(sigma, "sigma");
  const n = sigma.n;
  assertFiniteVector(prior, n, "prior");
  assertPicking(P, n, "P");
  const k = P.rows;
  assertFiniteVector(Q, k, "Q");
  assertTau(tau, "tau");
  if (omega.length !== k * k)
    throw new InputError("MATRIX_SHAPE", `has ${omega.length} entries, expected ${k}×${k}`, "omega");
  for (let a = 0; a < k; a++) {
    const d = omega[a * k + a] ?? Number.NaN;
    if (!(d >= 0) || !Number.isFinite(d))
      throw new InputError("BL_OMEGA_INVALID", `must be finite and ≥ 0, got ${d}`, `omega[${a}][${a}]`);
    for (let b = 0; b < k; b++) {
      if (!Number.isFinite(omega[a * k + b]))
        throw new InputError("INPUT_NOT_FINITE", "must be finite", `omega[${a}][${b}]`);
    }
  }

  const S = sigma.data;
  if (k === 0) {
    return { posteriorReturns: Float64Array.from(prior), posteriorCovariance: scaledCopy(sigma, 1 + tau) };
  }
  // Views usually touch a few assets: iterate over each row's non-zeros only.
  const nonZeros: Int32Array[] = [];
  for (let v = 0; v < k; v++) {
    const idx: number[] = [];
    for (let j = 0; j < n; j++) if ((P.data[v * n + j] ?? 0) !== 0) idx.push(j);
    nonZeros.push(Int32Array.from(idx));
  }
  // T = τΣP' (n×k), row-major: O(n · nnz(P)).
  const T = new Float64Array(n * k);
  for (let v = 0; v < k; v++) {
    const nz = nonZeros[v] ?? new Int32Array(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const j of nz) s += (S[i * n + j] ?? 0) * (P.data[v * n + j] ?? 0);
      T[i * k + v] = tau * s;
    }
  }
  // A = P T + Ω (k×k), symmetrised so the factorisation sees an exactly symmetric matrix.
  const A = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (const j of nonZeros[a] ?? []) s += (P.data[a * n + j] ?? 0) * (T[j * k + b] ?? 0);
      let t = 0;
      for (const j of nonZeros[b] ?? []) t += (P.data[b * n + j] ?? 0) * (T[j * k + a] ?? 0);
      const value = (s + t) / 2 + ((omega[a * k + b] ?? 0) + (omega[b * k + a] ?? 0)) / 2;
      A[a * k + b] = value;
      A[b * k + a] = value;
    }
  }
  const chol = choleskyBanachiewicz(A, k);
  if (!chol.positiveDefinite || minRelativePivot(chol, A, k) <= PIVOT_TOLERANCE) {
    throw new InputError(
      "BL_VIEWS_DEGENERATE",
      "P·τΣ·P' + Ω is singular: the views repeat or contradict each other, or a certain view has zero prior variance",
      "views",
    );
  }
  // A = LL'. With W = T L⁻ᵀ (n×k) and z = L⁻¹(Q − Pπ):
  //   π* = π + T A⁻¹ (Q − Pπ) = π + W z,    Σ* = (1 + τ)Σ − T A⁻¹ T' = (1 + τ)Σ − W W'.
  const L = chol.lower;
  const z = new Float64Array(k);
  for (let v = 0; v < k; v++) {
    let s = 0;
    for (const j of nonZeros[v] ?? []) s += (P.data[v * n + j] ?? 0) * (prior[j] ?? 0);
    z[v] = (Q[v] ?? 0) - s;
  }
  forwardSubstitute(L, k, z, 0);
  // Row i of W solves L w_i = t_i (row i of T), in place.
  const W = T;
  for (let i = 0; i < n; i++) forwardSubstitute(L, k, W, i * k);
  const posteriorReturns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let v = 0; v < k; v++) s += (W[i * k + v] ?? 0) * (z[v] ?? 0);
    posteriorReturns[i] = (prior[i] ?? 0) + s;
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let v = 0; v < k; v++) s += (W[i * k + v] ?? 0) * (W[j * k + v] ?? 0);
      const value = (1 + tau) * (S[i * n + j] ?? 0) - s;
      out[i * n + j] = value;
      out[j * n + i] = value;
    }
  }
  return { posteriorReturns, posteriorCovariance: { n, data: out } };
}

/** Solves L x = b in place for b = buffer[offset … offset + k), L lower triangular k×k row-major. */
function forwardSubstitute(L: Float64Array, k: number, buffer: Float64Array, offset: number): void {
  for (let a = 0; a < k; a++) {
    let s = buffer[offset + a] ?? 0;
    for (let b = 0; b < a; b++) s -= (L[a * k + b] ?? 0) * (buffer[offset + b] ?? 0);
    buffer[offset + a] = s / (L[a * k + a] ?? 1);
  }
}

// A pivot this small relative to A's largest diagonal entry means A is singular up to rounding
// (cond(A) ≳ 1e12): the answer would be noise, so the views are refused instead.
const PIVOT_TOLERANCE = 1e-12;

function minRelativePivot(chol: CholeskyFactor, A: Float64Array, k: number): number {
  const L = chol.lower;
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, A[i * k + i] ?? 0);
  if (!(scale > 0)) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < k; i++) min = Math.min(min, (L[i * k + i] ?? 0) ** 2 / scale);
  return min;
}

function scaledCopy(sigma: SymmetricMatrix, factor: number): SymmetricMatrix {
  const data = new Float64Array(sigma.data.length);
  for (let i = 0; i < data.length; i++) data[i] = factor * (sigma.data[i] ?? 0);
  return { n: sigma.n, data };
}
