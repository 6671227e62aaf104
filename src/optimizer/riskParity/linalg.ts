// Small dense kernels over row-major Float64Array shared by the risk-budgeting methods.

/** out = A·x for a dense row-major n×n matrix A. */
export function matVec(a: Float64Array, n: number, x: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (a[row + j] as number) * (x[j] as number);
    out[i] = sum;
  }
  return out;
}

/** Outcome of {@link choleskyInPlace}: `failedAt` is −1 on success, else the row whose pivot failed. */
export interface CholeskyOutcome {
  readonly failedAt: number;
  /** The failing pivot a_kk − Σ_j L_kj² (before the square root), or NaN on success. */
  readonly pivot: number;
}

/**
 * Cholesky–Banachiewicz factorisation A = L L' in place (row-major, lower triangle overwritten; the
 * strict upper triangle is left untouched and must be ignored). Row-oriented so that the inner
 * loop is a contiguous dot product. A pivot ≤ `minPivot(k)` stops the factorisation.
 */
export function choleskyInPlace(a: Float64Array, n: number, minPivot: (k: number) => number): CholeskyOutcome {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let sum = a[ri + j] as number;
      for (let k = 0; k < j; k++) sum -= (a[ri + k] as number) * (a[rj + k] as number);
      if (j < i) {
        a[ri + j] = sum / (a[rj + j] as number);
      } else {
        if (!(sum > minPivot(i))) return { failedAt: i, pivot: sum };
        a[ri + i] = Math.sqrt(sum);
      }
    }
  }
  return { failedAt: -1, pivot: Number.NaN };
}

/** Solves L L' x = b given the factor from {@link choleskyInPlace}; b is overwritten with x. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[ri + k] as number) * (b[k] as number);
    b[i] = sum / (l[ri + i] as number);
  }
  // Back substitution by columns of L' = rows of L, keeping the inner loop contiguous.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = (b[i] as number) / (l[ri + i] as number);
    b[i] = xi;
    for (let k = 0; k < i; k++) b[k] = (b[k] as number) - (l[ri + k] as number) * xi;
  }
  return b;
}

/** max_i |RC_i − b_i| for unnormalised y and s = Σy (RC is invariant to the scale of y). */
export function budgetError(y: Float64Array, s: Float64Array, budgets: Float64Array): number {
  const n = y.length;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[i] as number) * (s[i] as number);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs(((y[i] as number) * (s[i] as number)) / variance - (budgets[i] as number));
    if (!(e <= worst)) worst = e; // NaN propagates as "not converged"
  }
  return worst;
}
