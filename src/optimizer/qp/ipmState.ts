/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// The interior-point method's view of a QP (which bounds and row sides exist, which rows are
// equalities) and its iterate: primal x and row slacks s, multipliers, and the distances to the
// bounds, which are iterates in their own right (see `initialIterate`).
import { rowActivities } from "./operators.ts";
import type { QpProblem } from "./types.ts";

/** Static layout of a QP for the interior-point method. */
export interface IpmShape {
  readonly p: QpProblem;
  readonly n: number;
  readonly m: number;
  readonly lo: Float64Array;
  readonly up: Float64Array;
  /** 1 where x_j has a finite lower / upper bound. */
  readonly hasL: Uint8Array;
  readonly hasU: Uint8Array;
  /** 1 where lower_j = upper_j: the variable is fixed and takes no step. */
  readonly fixedVar: Uint8Array;
  /** Row limits, ±Infinity when absent. */
  readonly sLo: Float64Array;
  readonly sUp: Float64Array;
  /** 1 for an inequality row (with slack s_r), 0 for an equality row. */
  readonly inequality: Uint8Array;
  /** Indices of the equality rows, eliminated through a Schur complement. */
  readonly rowsEq: readonly number[];
  /** max |q_j| and the largest finite row limit: scales of the stopping tests. */
  readonly qNorm: number;
  readonly bNorm: number;
}

export function ipmShape(p: QpProblem): IpmShape {
  const n = p.nx;
  const m = p.rows.length;
  const rowsEq: number[] = [];
  const inequality = new Uint8Array(m);
  const sLo = new Float64Array(m);
  const sUp = new Float64Array(m);
  p.rows.forEach((row, r) => {
    if (row.lower === row.upper) rowsEq.push(r);
    else inequality[r] = 1;
    sLo[r] = row.lower;
    sUp[r] = row.upper;
  });
  const lo = p.lower;
  const up = p.upper;
  const hasL = new Uint8Array(n);
  const hasU = new Uint8Array(n);
  const fixedVar = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    if (lo[j]! > -Infinity) hasL[j] = 1;
    if (up[j]! < Infinity) hasU[j] = 1;
    if (lo[j] === up[j]) fixedVar[j] = 1;
  }
  let qNorm = 0;
  for (let j = 0; j < n; j++) qNorm = Math.max(qNorm, Math.abs(p.q[j]!));
  let bNorm = 0;
  for (let r = 0; r < m; r++) {
    if (Number.isFinite(sLo[r]!)) bNorm = Math.max(bNorm, Math.abs(sLo[r]!));
    if (Number.isFinite(sUp[r]!)) bNorm = Math.max(bNorm, Math.abs(sUp[r]!));
  }
  return {
    p,
    n,
    m,
    lo,
    up,
    hasL,
    hasU,
    fixedVar,
    sLo,
    sUp,
    inequality,
    rowsEq,
    qNorm,
    bNorm,
  };
}

/** Primal–dual iterate. */
export interface IpmIterate {
  readonly x: Float64Array;
  readonly s: Float64Array;
  readonly y: Float64Array;
  /** Multipliers of x ≥ l, x ≤ u, s ≥ l_s, s ≤ u_s. */
  readonly zl: Float64Array;
  readonly zu: Float64Array;
  readonly tl: Float64Array;
  readonly tu: Float64Array;
  /** Distances x − l, u − x, s − l_s, u_s − s. */
  readonly gl: Float64Array;
  readonly gu: Float64Array;
  readonly gsl: Float64Array;
  readonly gsu: Float64Array;
}

/** Starting point: inside every box, multipliers 1. */
export function initialIterate(shape: IpmShape): IpmIterate {
  const { p, n, m, lo, up, hasL, hasU, fixedVar, sLo, sUp, inequality } = shape;
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const l = lo[j]!;
    const u = up[j]!;
    if (hasL[j] && hasU[j]) x[j] = l === u ? l : (l + u) / 2;
    else if (hasL[j]) x[j] = Math.max(l + 1, 0);
    else if (hasU[j]) x[j] = Math.min(u - 1, 0);
  }
  const ax0 = rowActivities(p, x);
  const s = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    const l = sLo[r]!;
    const u = sUp[r]!;
    const v = ax0[r]!;
    if (l > -Infinity && u < Infinity) {
      const margin = (u - l) / 4;
      s[r] = Math.min(Math.max(v, l + margin), u - margin);
    } else if (l > -Infinity) s[r] = Math.max(v, l + 1);
    else s[r] = Math.min(v, u - 1);
  }
  const zl = new Float64Array(n);
  const zu = new Float64Array(n);
  const tl = new Float64Array(m);
  const tu = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    if (hasL[j]) zl[j] = 1;
    if (hasU[j]) zu[j] = 1;
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) tl[r] = 1;
    if (sUp[r]! < Infinity) tu[r] = 1;
  }
  // Distances to the bounds are iterates in their own right, moved by the same steps as x and s:
  // recomputing them as x − l would lose their leading digits next to a bound.
  const gl = new Float64Array(n);
  const gu = new Float64Array(n);
  const gsl = new Float64Array(m);
  const gsu = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    if (hasL[j]) gl[j] = x[j]! - lo[j]!;
    if (hasU[j]) gu[j] = up[j]! - x[j]!;
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) gsl[r] = s[r]! - sLo[r]!;
    if (sUp[r]! < Infinity) gsu[r] = sUp[r]! - s[r]!;
  }
  return { x, s, y: new Float64Array(m), zl, zu, tl, tu, gl, gu, gsl, gsu };
}

/** Total complementarity gap and the number of complementary pairs. */
export function complementarity(shape: IpmShape, it: IpmIterate): { gap: number; count: number } {
  const { n, m, hasL, hasU, fixedVar, sLo, sUp, inequality } = shape;
  let gap = 0;
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    if (hasL[j]) {
      gap += it.gl[j]! * it.zl[j]!;
      count++;
    }
    if (hasU[j]) {
      gap += it.gu[j]! * it.zu[j]!;
      count++;
    }
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) {
      gap += it.gsl[r]! * it.tl[r]!;
      count++;
    }
    if (sUp[r]! < Infinity) {
      gap += it.gsu[r]! * it.tu[r]!;
      count++;
    }
  }
  return { gap, count };
}
