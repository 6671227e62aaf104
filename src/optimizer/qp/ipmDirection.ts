/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// One Newton system of the interior-point method and its directions: K = H + D_x + A_I'D_s A_I
// factorised once per iteration (./kktSystem.ts), the equality rows eliminated through the
// m_E×m_E Schur complement A_E K⁻¹ A_E', and the predictor and corrector directions solved from it.
import { luInPlace, luSolveInPlace } from "./dense.ts";
import type { IpmIterate, IpmShape } from "./ipmState.ts";
import { factorKkt, type KktFactor, type KktWorkspace } from "./kktSystem.ts";

/** A factorised Newton system for the current iterate. */
export interface NewtonSystem {
  readonly kf: KktFactor;
  /** K⁻¹a_r for each equality row r (in `rowsEq` order). */
  readonly kInvAe: readonly Float64Array[];
  /** LU factors of the Schur complement and its pivots. */
  readonly schur: Float64Array;
  readonly schurPiv: Int32Array;
  /** Row weights D_s of the inequality rows. */
  readonly ds: Float64Array;
}

/** Buffers the method reuses across iterations (one solve). */
export interface NewtonWorkspace {
  readonly kkt: KktWorkspace;
  /** D_x and D_s. */
  readonly dx: Float64Array;
  readonly ds: Float64Array;
  /** Primal regularisation of K, raised when a factorisation fails and kept for later iterations. */
  reg: number;
  /** Whether late iterations refine their solves (off when only the active set is wanted). */
  readonly refine: boolean;
}

/**
 * Builds and factorises the Newton system at `it` (μ decides whether iterative refinement pays).
 * Returns a message instead when K is not positive definite even after regularisation or the
 * equality rows are linearly dependent.
 */
export function newtonSystem(
  shape: IpmShape,
  it: IpmIterate,
  mu: number,
  structured: boolean,
  ws: NewtonWorkspace,
): NewtonSystem | { message: string } {
  const { p, n, m, hasL, hasU, fixedVar, sLo, sUp, inequality, rowsEq, qNorm } = shape;
  const { dx, ds } = ws;
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) dx[j] = 1e12;
    else dx[j] = (hasL[j] ? it.zl[j]! / it.gl[j]! : 0) + (hasU[j] ? it.zu[j]! / it.gu[j]! : 0) + ws.reg;
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    ds[r] = (sLo[r]! > -Infinity ? it.tl[r]! / it.gsl[r]! : 0) + (sUp[r]! < Infinity ? it.tu[r]! / it.gsu[r]! : 0);
  }
  let factor: KktFactor | null = null;
  for (let attempt = 0; attempt < 8 && factor === null; attempt++) {
    // Refinement pays only once the barrier terms spread over many orders of magnitude.
    factor = factorKkt(p, dx, ds, inequality, structured, ws.refine && mu < 1e-5 * (1 + qNorm), ws.kkt);
    if (factor === null) {
      ws.reg = Math.max(ws.reg * 100, 1e-10);
      for (let j = 0; j < n; j++) dx[j]! += ws.reg;
    }
  }
  if (factor === null)
    return {
      message: "Newton matrix is not positive definite even after regularisation",
    };
  const kf = factor;
  // Schur complement of the equality rows: S = A_E K⁻¹ A_E'.
  const me = rowsEq.length;
  const kInvAe: Float64Array[] = rowsEq.map((r) => {
    const row = p.rows[r]!;
    const col = new Float64Array(n);
    for (let k = 0; k < row.index.length; k++) col[row.index[k]!]! += row.value[k]!;
    kf.solve(col);
    return col;
  });
  const schur = new Float64Array(me * me);
  let schurScale = 0;
  rowsEq.forEach((r, a) => {
    const row = p.rows[r]!;
    for (let b = 0; b < me; b++) {
      const col = kInvAe[b]!;
      let v = 0;
      for (let k = 0; k < row.index.length; k++) v += row.value[k]! * col[row.index[k]!]!;
      schur[a * me + b] = v;
      schurScale = Math.max(schurScale, Math.abs(v));
    }
  });
  for (let a = 0; a < me; a++) schur[a * me + a]! += 1e-14 * (1 + schurScale);
  const schurPiv = me > 0 ? luInPlace(schur, me) : new Int32Array(0);
  if (schurPiv === null) return { message: "equality rows are linearly dependent" };
  return { kf, kInvAe, schur, schurPiv, ds };
}

/** Residuals of the KKT conditions at the iterate: dual (x), dual (s) and primal rows. */
export interface IpmResiduals {
  readonly rd: Float64Array;
  readonly rs: Float64Array;
  readonly rp: Float64Array;
}

/** Complementarity right-hand sides of the bound pairs (x − l, u − x, s − l_s, u_s − s). */
export interface Complementarity {
  readonly cl: Float64Array;
  readonly cu: Float64Array;
  readonly ctl: Float64Array;
  readonly ctu: Float64Array;
}

/** A primal–dual direction; the buffers are reused, every entry is rewritten by each solve. */
export interface Direction {
  readonly px: Float64Array;
  readonly ps: Float64Array;
  readonly py: Float64Array;
  readonly dzl: Float64Array;
  readonly dzu: Float64Array;
  readonly dtl: Float64Array;
  readonly dtu: Float64Array;
}

export function newDirection(n: number, m: number): Direction {
  const v = (len: number): Float64Array => new Float64Array(len);
  return {
    px: v(n),
    ps: v(m),
    py: v(m),
    dzl: v(n),
    dzu: v(n),
    dtl: v(m),
    dtu: v(m),
  };
}

/** Solves the Newton system for the right-hand sides `c` into `out`. */
export function solveDirection(
  shape: IpmShape,
  it: IpmIterate,
  sys: NewtonSystem,
  res: IpmResiduals,
  c: Complementarity,
  out: Direction,
): void {
  const { p, n, m, hasL, hasU, fixedVar, sLo, sUp, inequality, rowsEq } = shape;
  const { gl, gu, gsl, gsu } = it;
  const { rd, rs, rp } = res;
  const { ds, kf } = sys;
  const rhs = out.px;
  rhs.fill(0);
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    rhs[j] = -rd[j]! + (hasL[j] ? c.cl[j]! / gl[j]! : 0) - (hasU[j] ? c.cu[j]! / gu[j]! : 0);
  }
  // r2 lives in `py` until the final multipliers overwrite it row by row.
  const r2 = out.py;
  r2.fill(0);
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    r2[r] = -rs[r]! + (sLo[r]! > -Infinity ? c.ctl[r]! / gsl[r]! : 0) - (sUp[r]! < Infinity ? c.ctu[r]! / gsu[r]! : 0);
    const cr = r2[r]! - ds[r]! * rp[r]!;
    const row = p.rows[r]!;
    for (let k = 0; k < row.index.length; k++) rhs[row.index[k]!]! += row.value[k]! * cr;
  }
  kf.solve(rhs);
  const me = rowsEq.length;
  if (me > 0) {
    const t = new Float64Array(me);
    rowsEq.forEach((r, a) => {
      const row = p.rows[r]!;
      let v = -rp[r]!;
      for (let k = 0; k < row.index.length; k++) v -= row.value[k]! * rhs[row.index[k]!]!;
      t[a] = v;
    });
    luSolveInPlace(sys.schur, me, sys.schurPiv, t);
    rowsEq.forEach((r, a) => {
      out.py[r] = t[a]!;
      const col = sys.kInvAe[a]!;
      const ta = t[a]!;
      for (let j = 0; j < n; j++) rhs[j]! += col[j]! * ta;
    });
  }
  const px = rhs;
  for (let j = 0; j < n; j++) if (fixedVar[j]) px[j] = 0;
  out.ps.fill(0);
  p.rows.forEach((row, r) => {
    if (!inequality[r]) return;
    let v = rp[r]!;
    for (let k = 0; k < row.index.length; k++) v += row.value[k]! * px[row.index[k]!]!;
    out.ps[r] = v;
    out.py[r] = r2[r]! - ds[r]! * v;
  });
  // Steps of the bound multipliers from the linearised complementarity conditions.
  out.dzl.fill(0);
  out.dzu.fill(0);
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    if (hasL[j]) out.dzl[j] = (c.cl[j]! - it.zl[j]! * px[j]!) / gl[j]!;
    if (hasU[j]) out.dzu[j] = (c.cu[j]! + it.zu[j]! * px[j]!) / gu[j]!;
  }
  out.dtl.fill(0);
  out.dtu.fill(0);
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) out.dtl[r] = (c.ctl[r]! - it.tl[r]! * out.ps[r]!) / gsl[r]!;
    if (sUp[r]! < Infinity) out.dtu[r] = (c.ctu[r]! + it.tu[r]! * out.ps[r]!) / gsu[r]!;
  }
}

/** Largest step in (0, 1] along `d` that keeps every distance and multiplier non-negative. */
export function maxStep(shape: IpmShape, it: IpmIterate, d: Direction): number {
  const { n, m, hasL, hasU, fixedVar, sLo, sUp, inequality } = shape;
  let a = 1;
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    const v = d.px[j]!;
    if (hasL[j]) {
      if (v < 0) a = Math.min(a, -it.gl[j]! / v);
      if (d.dzl[j]! < 0) a = Math.min(a, -it.zl[j]! / d.dzl[j]!);
    }
    if (hasU[j]) {
      if (v > 0) a = Math.min(a, it.gu[j]! / v);
      if (d.dzu[j]! < 0) a = Math.min(a, -it.zu[j]! / d.dzu[j]!);
    }
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    const v = d.ps[r]!;
    if (sLo[r]! > -Infinity) {
      if (v < 0) a = Math.min(a, -it.gsl[r]! / v);
      if (d.dtl[r]! < 0) a = Math.min(a, -it.tl[r]! / d.dtl[r]!);
    }
    if (sUp[r]! < Infinity) {
      if (v > 0) a = Math.min(a, it.gsu[r]! / v);
      if (d.dtu[r]! < 0) a = Math.min(a, -it.tu[r]! / d.dtu[r]!);
    }
  }
  return a;
}
