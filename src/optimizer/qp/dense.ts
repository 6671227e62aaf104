/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// Dense kernels over row-major Float64Array buffers. Plain loops: contiguous inner products are
// what V8 vectorises least badly.

/**
 * In-place Cholesky A = L·L' of a symmetric positive definite n×n matrix (row-major, lower
 * triangle read and overwritten). Returns false when a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    d = Math.sqrt(d);
    a[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s * inv;
    }
  }
  return true;
}

/** Solves L·L'·x = b in place (b becomes x) with a factor from {@link choleskyInPlace}. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/**
 * LU factorisation with partial pivoting, in place; returns the pivot rows, or null when a pivot
 * is below `relativeTolerance`·max|a_ij| (numerically singular).
 */
export function luInPlace(a: Float64Array, n: number, relativeTolerance = 1e-14 * n): Int32Array | null {
  const piv = new Int32Array(n);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]!));
  const tiny = scale * relativeTolerance;
  for (let j = 0; j < n; j++) {
    let p = j;
    let best = Math.abs(a[j * n + j]!);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[i * n + j]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[j] = p;
    if (!(best > tiny)) return null;
    if (p !== j) {
      for (let k = 0; k < n; k++) {
        const t = a[j * n + k]!;
        a[j * n + k] = a[p * n + k]!;
        a[p * n + k] = t;
      }
    }
    const inv = 1 / a[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      const f = a[ri + j]! * inv;
      if (f === 0) continue;
      a[ri + j] = f;
      const rj = j * n;
      for (let k = j + 1; k < n; k++) a[ri + k]! -= f * a[rj + k]!;
    }
  }
  return piv;
}

/** Solves A·x = b in place with the output of {@link luInPlace}. */
export function luSolveInPlace(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let j = 0; j < n; j++) {
    const p = piv[j]!;
    if (p !== j) {
      const t = b[j]!;
      b[j] = b[p]!;
      b[p] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= lu[i * n + k]! * b[k]!;
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= lu[i * n + k]! * b[k]!;
    b[i] = s / lu[i * n + i]!;
  }
}

/** out = A·v for a dense symmetric n×n row-major A. */
export function symmetricMatVec(a: Float64Array, n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += a[ri + k]! * v[k]!;
    out[i] = s;
  }
}
