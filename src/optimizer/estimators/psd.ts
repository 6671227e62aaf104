import type { SymmetricMatrix } from "../matrix.ts";
import { symmetricEigen } from "../symmetricEigen.ts";

/** Result of {@link repairPsd}. */
export interface RepairPsdResult {
  /** The nearest-by-spectrum PSD matrix V·max(Λ, 0)·Vᵀ (same units as the input). */
  readonly matrix: SymmetricMatrix;
  /** How many eigenvalues were negative and set to 0. */
  readonly clippedEigenvalues: number;
  /** One warning naming the count and the most negative eigenvalue, or none when nothing was clipped. */
  readonly warnings: string[];
}

/**
 * Whether `m` is positive semidefinite up to a tolerance: `m + tol·max_i(m_ii)·I` admits a
 * Cholesky factorisation. The shift is relative to the largest variance so the test does not
 * depend on units (daily or annualised), and absorbs the rounding of a singular PSD matrix
 * (e.g. a sample covariance with fewer dates than assets). PyPortfolioOpt's
 * `_is_positive_semidefinite` is the same test with an absolute shift of 1e-16.
 *
 * @example
 * ```ts
 * isPsd({ n: 2, data: Float64Array.of(1, 2, 2, 1) }); // false: eigenvalues 3 and −1
 * ```
 */
export function isPsd(m: SymmetricMatrix, tol = 1e-10): boolean {
  const { n, data } = m;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, data[i * n + i] as number);
  // A zero diagonal forces a zero matrix (|a_ij|² ≤ a_ii a_jj), the only PSD one with it.
  if (maxDiag === 0) return data.every((v) => v === 0);
  const shift = tol * maxDiag;
  // Row-oriented Cholesky (L row i from rows 0..i of L), on row views so inner loops are contiguous.
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const li = rows[i] as Float64Array;
    for (let j = 0; j <= i; j++) {
      const lj = rows[j] as Float64Array;
      let s = data[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (li[k] as number) * (lj[k] as number);
      if (i === j) {
        s += shift;
        if (!(s > 0)) return false;
        li[i] = Math.sqrt(s);
      } else {
        li[j] = s / (lj[j] as number);
      }
    }
  }
  return true;
}

/**
 * Spectral repair of a symmetric matrix that is not positive semidefinite, as PyPortfolioOpt's
 * `fix_nonpositive_semidefinite(fix_method="spectral")`: with the eigen-decomposition m = VΛVᵀ,
 * returns V·max(Λ, 0)·Vᵀ (negative eigenvalues set to 0), symmetrised against rounding.
 *
 * @example
 * ```ts
 * const { matrix, clippedEigenvalues } = repairPsd({ n: 2, data: Float64Array.of(1, 2, 2, 1) });
 * // clippedEigenvalues === 1; matrix.data ≈ [1.5, 1.5, 1.5, 1.5]
 * ```
 */
export function repairPsd(m: SymmetricMatrix): RepairPsdResult {
  const { n, data } = m;
  const { values, vectors } = symmetricEigen(data, n);
  let clipped = 0;
  let mostNegative = 0;
  const kept: number[] = [];
  values.forEach((q, k) => {
    if (q > 0) kept.push(k);
    else if (q < 0) {
      clipped++;
      mostNegative = Math.min(mostNegative, q);
    }
  });
  const out = new Float64Array(n * n);
  const vk = kept.map((k) => vectors.subarray(k * n, (k + 1) * n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      kept.forEach((k, idx) => {
        const col = vk[idx] as Float64Array;
        s += (col[i] as number) * (values[k] as number) * (col[j] as number);
      });
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  const warnings =
    clipped === 0
      ? []
      : [
          `covariance was not positive semidefinite: clipped ${clipped} negative eigenvalue${clipped === 1 ? "" : "s"} (most negative ${mostNegative.toPrecision(4)}) to 0`,
        ];
  return { matrix: { n, data: out }, clippedEigenvalues: clipped, warnings };
}
