/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
// Dense symmetric linear algebra the optimiser needs off its hot path (repairing a covariance that
// is not PSD, matrix square roots, the Black-Litterman views' k×k system). These are the JAMA
// algorithms exactly as ml-matrix 6 implements them (tred2/tql2 on transposed storage, the
// Cholesky–Banachiewicz loop), same operations in the same order, so the results are those of
// ml-matrix bit for bit (tested). They live here because importing ml-matrix costs tens of
// milliseconds at every start of the CLI and of a library user's process, for code that most
// problems never run.

/** Eigen-decomposition of a symmetric matrix: Σ = V·diag(values)·V'. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** n×n row-major; row k is the unit eigenvector of `values[k]` (i.e. V transposed). */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric n×n row-major matrix (only symmetric input is
 * meaningful; it is not checked): Householder tridiagonalisation and the implicit QL method
 * (JAMA's tred2/tql2; Wilkinson & Reinsch, *Handbook for Automatic Computation* II, 1971).
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * values; // [1, 3]
 * vectors.subarray(2, 4); // ±[0.7071…, 0.7071…], the eigenvector of 3
 * ```
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (n <= 0) throw new RangeError("symmetricEigen needs a non-empty matrix");
  // `v[r * n + c]` is ml-matrix's V.get(r, c): V stored transposed, so that the hot loops of
  // tred2/tql2 run along rows. Row k is then eigenvector k.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[j * n + i] = a[i * n + j]!;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, e, d, v);
  tql2(n, e, d, v);
  return { values: d, vectors: v };
}

function tred2(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale = scale + Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[i * n + j] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k]! * d[k]!;
          e[k]! += v[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[j * n + k] = v[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[(i + 1) * n + k]! * v[j * n + k]!;
        for (let k = 0; k <= i; k++) v[j * n + k] = v[j * n + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1]!;
    v[j * n + n - 1] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** √(a² + b²) without overflow, as ml-matrix's `hypotenuse`. */
function hypotenuse(a: number, b: number): number {
  if (Math.abs(a) > Math.abs(b)) {
    const r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    const r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}

function tql2(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f = f + h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypotenuse(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const rowNext = (i + 1) * n;
          const row = i * n;
          for (let k = 0; k < n; k++) {
            h = v[rowNext + k]!;
            v[rowNext + k] = s * v[row + k]! + c * h;
            v[row + k] = c * v[row + k]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      for (let j = 0; j < n; j++) {
        p = v[i * n + j]!;
        v[i * n + j] = v[k * n + j]!;
        v[k * n + j] = p;
      }
    }
  }
}

/** Outcome of {@link choleskyBanachiewicz}. */
export interface CholeskyFactor {
  /** Lower-triangular L (n×n row-major, zeros above the diagonal) with L·L' = A when PD. */
  readonly lower: Float64Array;
  /** Whether every pivot was positive (a failing pivot's column is √max(d, 0) = 0). */
  readonly positiveDefinite: boolean;
}

/**
 * Cholesky factor of a small symmetric n×n row-major matrix, row by row, as ml-matrix's
 * `CholeskyDecomposition` (same loop, same order; it does not stop at a failing pivot).
 *
 * @example
 * ```ts
 * choleskyBanachiewicz(Float64Array.of(4, 2, 2, 5), 2); // { lower: [2, 0, 1, 2], positiveDefinite: true }
 * ```
 */
export function choleskyBanachiewicz(a: Float64Array, n: number): CholeskyFactor {
  const l = new Float64Array(n * n);
  let positiveDefinite = true;
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += l[k * n + i]! * l[j * n + i]!;
      s = (a[j * n + k]! - s) / l[k * n + k]!;
      l[j * n + k] = s;
      d = d + s * s;
    }
    d = a[j * n + j]! - d;
    positiveDefinite &&= d > 0;
    l[j * n + j] = Math.sqrt(Math.max(d, 0));
  }
  return { lower: l, positiveDefinite };
}
