import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
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
 * A = PτΣP' + Ω is factorised once by Cholesky (ml-matrix); it is positive definite whenever the
 * views are linearly independent portfolios with positive prior variance or positive Ω. Otherwise
 * (e.g. the same certain view twice) the views contradict or repeat each other and an InputError
 * `BL_VIEWS_DEGENERATE` is thrown. Cost O(n²k + k³).
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
  // T = τΣP' (n×k), row-major.
  const T = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let v = 0; v < k; v++) {
      const p = v * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += (S[row + j] ?? 0) * (P.data[p + j] ?? 0);
      T[i * k + v] = tau * s;
    }
  }
  if (k === 0) {
    return { posteriorReturns: Float64Array.from(prior), posteriorCovariance: scaledCopy(sigma, 1 + tau) };
  }
  // A = P T + Ω (k×k), symmetrised so the factorisation sees an exactly symmetric matrix.
  const A = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (P.data[a * n + j] ?? 0) * (T[j * k + b] ?? 0);
      let t = 0;
      for (let j = 0; j < n; j++) t += (P.data[b * n + j] ?? 0) * (T[j * k + a] ?? 0);
      const value = (s + t) / 2 + ((omega[a * k + b] ?? 0) + (omega[b * k + a] ?? 0)) / 2;
      A.set(a, b, value);
      A.set(b, a, value);
    }
  }
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite() || minRelativePivot(chol, A) <= PIVOT_TOLERANCE) {
    throw new InputError(
      "BL_VIEWS_DEGENERATE",
      "P·τΣ·P' + Ω is singular: the views repeat or contradict each other, or a certain view has zero prior variance",
      "views",
    );
  }
  // x = A⁻¹ (Q − Pπ)
  const residual = new Matrix(k, 1);
  for (let v = 0; v < k; v++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (P.data[v * n + j] ?? 0) * (prior[j] ?? 0);
    residual.set(v, 0, (Q[v] ?? 0) - s);
  }
  const x = chol.solve(residual);
  const posteriorReturns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let v = 0; v < k; v++) s += (T[i * k + v] ?? 0) * x.get(v, 0);
    posteriorReturns[i] = (prior[i] ?? 0) + s;
  }
  // Y = A⁻¹ T' (k×n); Σ* = (1 + τ)Σ − T Y.
  const Tt = new Matrix(k, n);
  for (let i = 0; i < n; i++) for (let v = 0; v < k; v++) Tt.set(v, i, T[i * k + v] ?? 0);
  const Y = chol.solve(Tt);
  const Yd = new Float64Array(k * n);
  for (let v = 0; v < k; v++) for (let i = 0; i < n; i++) Yd[v * n + i] = Y.get(v, i);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let v = 0; v < k; v++) s += (T[i * k + v] ?? 0) * (Yd[v * n + j] ?? 0);
      let t = 0;
      for (let v = 0; v < k; v++) t += (T[j * k + v] ?? 0) * (Yd[v * n + i] ?? 0);
      const value = (1 + tau) * (S[i * n + j] ?? 0) - (s + t) / 2;
      out[i * n + j] = value;
      out[j * n + i] = value;
    }
  }
  return { posteriorReturns, posteriorCovariance: { n, data: out } };
}

// A pivot this small relative to A's largest diagonal entry means A is singular up to rounding
// (cond(A) ≳ 1e12): the answer would be noise, so the views are refused instead.
const PIVOT_TOLERANCE = 1e-12;

function minRelativePivot(chol: CholeskyDecomposition, A: Matrix): number {
  const L = chol.lowerTriangularMatrix;
  let scale = 0;
  for (let i = 0; i < A.rows; i++) scale = Math.max(scale, A.get(i, i));
  if (!(scale > 0)) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < A.rows; i++) min = Math.min(min, L.get(i, i) ** 2 / scale);
  return min;
}

function scaledCopy(sigma: SymmetricMatrix, factor: number): SymmetricMatrix {
  const data = new Float64Array(sigma.data.length);
  for (let i = 0; i < data.length; i++) data[i] = factor * (sigma.data[i] ?? 0);
  return { n: sigma.n, data };
}
