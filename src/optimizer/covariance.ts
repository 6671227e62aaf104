/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import type { QpCovariance } from "./qp/types.ts";
import { isCholeskyFactorisable } from "./simd/cholesky.ts";
import { symmetricEigen } from "./symmetricEigen.ts";

/** out = Σ·w for a dense or factor-model Σ (annualised). */
export function covarianceMatVec(cov: QpCovariance, w: Float64Array, out: Float64Array): void {
  const n = cov.n;
  if (cov.kind === "dense") {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += cov.data[i * n + k]! * w[k]!;
      out[i] = s;
    }
    return;
  }
  const { k, loadings: b, factorCovariance: f, specificVariance: sv } = cov;
  const t = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) t[j]! += b[i * k + j]! * w[i]!;
  const u = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) u[i]! += f[i * k + j]! * t[j]!;
  for (let i = 0; i < n; i++) {
    let s = sv[i]! * w[i]!;
    for (let j = 0; j < k; j++) s += b[i * k + j]! * u[j]!;
    out[i] = s;
  }
}

/** w'Σv. */
export function covarianceBilinear(cov: QpCovariance, w: Float64Array, v: Float64Array): number {
  const sv = new Float64Array(cov.n);
  covarianceMatVec(cov, v, sv);
  let s = 0;
  for (let i = 0; i < cov.n; i++) s += w[i]! * sv[i]!;
  return s;
}

/** Σ as a dense row-major matrix (expands a factor model). */
export function denseCovariance(cov: QpCovariance): Float64Array {
  if (cov.kind === "dense") return cov.data;
  const { n, k, loadings: b, factorCovariance: f, specificVariance: sv } = cov;
  const bf = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let u = 0; u < k; u++) s += b[i * k + u]! * f[u * k + t]!;
      bf[i * k + t] = s;
    }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = i === j ? sv[i]! : 0;
      for (let t = 0; t < k; t++) s += bf[i * k + t]! * b[j * k + t]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  return out;
}

/** Result of {@link ensurePsd}. */
export interface PsdCheck {
  readonly data: Float64Array;
  readonly repaired: boolean;
  readonly smallestEigenvalue: number;
  readonly clipped: number;
}

/**
 * Checks that a symmetric matrix is positive semidefinite (a Cholesky of Σ + 1e-12·max(diag)·I
 * succeeds) and otherwise repairs it by clipping negative eigenvalues to zero, Σ = V·max(Λ, 0)·V'
 * (Higham's nearest PSD matrix in the Frobenius norm for a symmetric input).
 */
export function ensurePsd(data: Float64Array, n: number): PsdCheck {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, data[i * n + i]!);
  const jitter = 1e-12 * Math.max(maxDiag, 1e-300);
  if (isCholeskyFactorisable(data, n, jitter))
    return { data, repaired: false, smallestEigenvalue: Number.NaN, clipped: 0 };
  const { values, vectors } = symmetricEigen(data, n);
  const smallest = values.reduce((m, v) => Math.min(m, v), Infinity);
  if (smallest >= -jitter) return { data, repaired: false, smallestEigenvalue: smallest, clipped: 0 };
  const out = new Float64Array(n * n);
  let clipped = 0;
  values.forEach((lambda, k) => {
    if (lambda <= 0) {
      if (lambda < 0) clipped++;
      return;
    }
    // Row k of `vectors` is eigenvector k.
    for (let i = 0; i < n; i++) {
      const vik = vectors[k * n + i]! * lambda;
      for (let j = 0; j < n; j++) out[i * n + j]! += vik * vectors[k * n + j]!;
    }
  });
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const m = (out[i * n + j]! + out[j * n + i]!) / 2;
      out[i * n + j] = m;
      out[j * n + i] = m;
    }
  return { data: out, repaired: true, smallestEigenvalue: smallest, clipped };
}
