/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
// The JavaScript twin of the WebAssembly Cholesky in ./cholesky.ts: the same recurrence, adding in
// the same order, so both return the same factor bit for bit. It runs where WebAssembly SIMD is
// missing, and the tests compare the two.

/** Rows whose products one kernel call computes together. */
export const ROWS = 8;

/** JS twin of the wasm `dotRows` over a Float64Array (offsets in entries), same summation order. */
export function dotRowsJs(h: Float64Array, a: number, stride: number, b: number, len: number, out: Float64Array): void {
  const blocks = len - (len & 3);
  for (let r = 0; r < ROWS; r++) {
    const p = a + r * stride;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < blocks; j += 4) {
      s0 += h[p + j]! * h[b + j]!;
      s1 += h[p + j + 1]! * h[b + j + 1]!;
      s0 += h[p + j + 2]! * h[b + j + 2]!;
      s1 += h[p + j + 3]! * h[b + j + 3]!;
    }
    out[r] = s0 + s1;
  }
}

/** Σ_{t<len} h[a + t]·h[b + t], in order (the short products the row-block kernel leaves). */
function dotPlain(h: Float64Array, a: number, b: number, from: number, len: number, s: number): number {
  for (let t = from; t < len; t++) s += h[a + t]! * h[b + t]!;
  return s;
}

/**
 * One row i of the factor from column `from` on, by the row-oriented (Banachiewicz) recurrence;
 * false (the pivot left on the diagonal) when the pivot is not above rel·a_ii or is infinite.
 */
function finishRow(h: Float64Array, n: number, i: number, from: number, rel: number): boolean {
  const ri = i * n;
  for (let j = from; j < i; j++) h[ri + j] = (h[ri + j]! - dotPlain(h, ri, j * n, 0, j, 0)) / h[j * n + j]!;
  const aii = h[ri + i]!;
  const d = aii - dotPlain(h, ri, ri, 0, i, 0);
  h[ri + i] = d;
  if (!(d > rel * aii) || d === Infinity) return false;
  h[ri + i] = Math.sqrt(d);
  return true;
}

/**
 * JS twin of the wasm `cholesky`. Factorises the n×n matrix at the start of `h` in place,
 * L_ij = (a_ij − Σ_{t<j} L_it·L_jt)/L_jj (Banachiewicz, row by row; Golub & Van Loan §4.2),
 * the lower triangle overwritten by L. Rows go in blocks of ROWS: for each earlier row j, one
 * `dotRows` call gives their products. Returns −1, or the row of the first pivot not above
 * rel·a_ii.
 */
export function factorRows(
  h: Float64Array,
  n: number,
  rel: number,
  dotRows: (a: number, b: number, len: number) => Float64Array,
): number {
  let i0 = 0;
  for (; i0 + ROWS <= n; i0 += ROWS) {
    for (let j = 0; j < i0; j++) {
      const rj = j * n;
      const sums = dotRows(i0 * n, rj, j);
      const tail = j - (j & 3);
      const ljj = h[rj + j]!;
      for (let r = 0; r < ROWS; r++) {
        const ri = (i0 + r) * n;
        h[ri + j] = (h[ri + j]! - dotPlain(h, ri, rj, tail, j, sums[r]!)) / ljj;
      }
    }
    for (let r = 0; r < ROWS; r++) if (!finishRow(h, n, i0 + r, i0, rel)) return i0 + r;
  }
  for (let i = i0; i < n; i++) if (!finishRow(h, n, i, 0, rel)) return i;
  return -1;
}
