// Numeric kernels shared by the estimators: column-major views of a returns table, pandas-exact
// exponentially weighted means, pairwise-complete covariance and Gram matrices. Internal to
// src/optimizer/estimators (not exported from its index).
import { InputError } from "../../errors.ts";
import type { ReturnsTable } from "./returns.ts";

/** The returns of each asset as its own contiguous array (NaN = missing). */
export function columnsOf(returns: ReturnsTable): Float64Array[] {
  const { t, n, values } = returns;
  const cols = Array.from({ length: n }, () => new Float64Array(t));
  for (let r = 0; r < t; r++) {
    for (let j = 0; j < n; j++) (cols[j] as Float64Array)[r] = values[r * n + j] as number;
  }
  return cols;
}

/** Number of non-missing entries. */
export function countValid(col: Float64Array): number {
  let c = 0;
  for (let k = 0; k < col.length; k++) if (!Number.isNaN(col[k])) c++;
  return c;
}

/**
 * Rejects assets with fewer than 2 returns (no variance can be estimated) and, when `pairwise`,
 * pairs of assets with fewer than 2 returns on common dates (no covariance).
 */
export function checkObservations(returns: ReturnsTable, cols: readonly Float64Array[], pairwise: boolean): void {
  const counts = cols.map(countValid);
  counts.forEach((count, j) => {
    if (count < 2) {
      throw new InputError(
        "TOO_FEW_OBSERVATIONS",
        `asset ${returns.columns[j] ?? j} has ${count} return${count === 1 ? "" : "s"} (a return needs prices on two consecutive rows); at least 2 are needed: remove the asset or supply more prices`,
        returns.source,
      );
    }
  });
  if (!pairwise || counts.every((c) => c === returns.t)) return;
  for (let i = 0; i < cols.length; i++) {
    if (counts[i] === returns.t) continue;
    const a = cols[i] as Float64Array;
    for (let j = 0; j < cols.length; j++) {
      if (j === i || (counts[j] !== returns.t && j < i)) continue;
      const b = cols[j] as Float64Array;
      let common = 0;
      for (let k = 0; k < a.length && common < 2; k++) if (!Number.isNaN(a[k]) && !Number.isNaN(b[k])) common++;
      if (common < 2) {
        throw new InputError(
          "TOO_FEW_OBSERVATIONS",
          `assets ${returns.columns[i] ?? i} and ${returns.columns[j] ?? j} have ${common} return${common === 1 ? "" : "s"} on common dates; a covariance needs at least 2`,
          returns.source,
        );
      }
    }
  }
}

/**
 * Last value of pandas' `Series.ewm(span).mean()` (adjust=True, ignore_na=False, min_periods=0),
 * by pandas' own recursion so results agree to rounding: with α = 2 / (span + 1),
 * m = Σ_s (1 − α)^(T−1−s) x_s / Σ_s (1 − α)^(T−1−s) over the non-missing x_s, where the
 * exponent counts every row, missing or not.
 */
export function ewmLast(col: ArrayLike<number>, span: number): number {
  const decay = 1 - 2 / (span + 1);
  let weighted = col[0] as number;
  let oldWt = 1;
  for (let k = 1; k < col.length; k++) {
    const cur = col[k] as number;
    const isObservation = !Number.isNaN(cur);
    if (!Number.isNaN(weighted)) {
      oldWt *= decay;
      if (isObservation) {
        if (weighted !== cur) weighted = (oldWt * weighted + cur) / (oldWt + 1);
        oldWt += 1;
      }
    } else if (isObservation) weighted = cur;
  }
  return weighted;
}

/** Mean of the non-missing entries (NaN when there are none). */
export function nanMean(col: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < col.length; k++) {
    const v = col[k] as number;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Pairwise-complete sample covariance (ddof 1), pandas `DataFrame.cov()`: entry (i, j) uses the
 * dates where both assets have a return, with both means taken over those dates. Columns without
 * missing values share one centring, so complete data costs a single Gram matrix.
 */
export function pairwiseCovariance(cols: readonly Float64Array[], t: number): Float64Array {
  const n = cols.length;
  const out = new Float64Array(n * n);
  const complete = cols.map((c) => countValid(c) === t);
  const centred = cols.map((c, j) => (complete[j] ? centre(c) : c));
  const fullIdx = complete.flatMap((ok, j) => (ok ? [j] : []));
  if (fullIdx.length > 0) {
    const g = gram(
      fullIdx.map((j) => centred[j] as Float64Array),
      t,
    );
    const m = fullIdx.length;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        out[(fullIdx[a] as number) * n + (fullIdx[b] as number)] = (g[a * m + b] as number) / (t - 1);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (complete[i] && complete[j]) continue;
      const v = pairCov(cols[i] as Float64Array, cols[j] as Float64Array);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Two-pass covariance of two series over the dates where both are present (ddof 1). */
function pairCov(x: Float64Array, y: Float64Array): number {
  const m = pairMoments(x, y);
  return m.count < 2 ? Number.NaN : m.sxy / (m.count - 1);
}

/** Centred second moments of two series over the dates where both are present. */
export interface PairMoments {
  readonly count: number;
  /** Σ (x − x̄)². */
  readonly sxx: number;
  /** Σ (y − ȳ)². */
  readonly syy: number;
  /** Σ (x − x̄)(y − ȳ). */
  readonly sxy: number;
}

/**
 * Two-pass centred moments of `x` and `y` over the dates where both are present (NaN = missing),
 * both means taken over those dates: pandas' pairwise-complete covariance and correlation.
 *
 * @example
 * ```ts
 * pairMoments(Float64Array.of(1, 2, NaN), Float64Array.of(2, 4, 5)); // { count: 2, sxx: 0.5, syy: 2, sxy: 1 }
 * ```
 */
export function pairMoments(x: Float64Array, y: Float64Array): PairMoments {
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let k = 0; k < x.length; k++) {
    const a = x[k] as number;
    const b = y[k] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sx += a;
    sy += b;
    count++;
  }
  if (count === 0) return { count, sxx: Number.NaN, syy: Number.NaN, sxy: Number.NaN };
  const mx = sx / count;
  const my = sy / count;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < x.length; k++) {
    const a = x[k] as number;
    const b = y[k] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    const da = a - mx;
    const db = b - my;
    sxx += da * da;
    syy += db * db;
    sxy += da * db;
  }
  return { count, sxx, syy, sxy };
}

/** A copy of `col` minus its mean (all entries present). */
export function centre(col: Float64Array): Float64Array {
  let sum = 0;
  for (let k = 0; k < col.length; k++) sum += col[k] as number;
  const mean = sum / col.length;
  const out = new Float64Array(col.length);
  for (let k = 0; k < col.length; k++) out[k] = (col[k] as number) - mean;
  return out;
}

/** Each column with missing values set to 0 (numpy `nan_to_num`), then centred. */
export function nanToZeroCentred(cols: readonly Float64Array[]): Float64Array[] {
  return cols.map((c) => centre(c.map((v) => (Number.isNaN(v) ? 0 : v))));
}

/**
 * Gram matrix G = XᵀX of the columns (symmetric n × n, row-major). Blocks of 4 × 4 columns are
 * accumulated together (16 sums from 8 loads per date), which is what makes n = 1000 affordable.
 */
export function gram(cols: readonly Float64Array[], t: number): Float64Array {
  const n = cols.length;
  const g = new Float64Array(n * n);
  const blocks = n - (n % 4);
  for (let i = 0; i < blocks; i += 4) {
    const a0 = cols[i] as Float64Array;
    const a1 = cols[i + 1] as Float64Array;
    const a2 = cols[i + 2] as Float64Array;
    const a3 = cols[i + 3] as Float64Array;
    for (let j = 0; j <= i; j += 4) {
      const b0 = cols[j] as Float64Array;
      const b1 = cols[j + 1] as Float64Array;
      const b2 = cols[j + 2] as Float64Array;
      const b3 = cols[j + 3] as Float64Array;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let k = 0; k < t; k++) {
        const x0 = a0[k] as number;
        const x1 = a1[k] as number;
        const x2 = a2[k] as number;
        const x3 = a3[k] as number;
        const y0 = b0[k] as number;
        const y1 = b1[k] as number;
        const y2 = b2[k] as number;
        const y3 = b3[k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3; // prettier-ignore
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3; // prettier-ignore
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3; // prettier-ignore
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3; // prettier-ignore
      }
      const sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
      for (let u = 0; u < 4; u++) {
        for (let v = 0; v < 4; v++) {
          g[(i + u) * n + j + v] = sums[u * 4 + v] as number;
          g[(j + v) * n + i + u] = sums[u * 4 + v] as number;
        }
      }
    }
  }
  // Columns left over when n is not a multiple of 4: plain dot products against every column.
  for (let i = blocks; i < n; i++) {
    const a = cols[i] as Float64Array;
    for (let j = 0; j <= i; j++) {
      const b = cols[j] as Float64Array;
      let s = 0;
      for (let k = 0; k < t; k++) s += (a[k] as number) * (b[k] as number);
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}
