/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
import { denseMatVecJs } from "../simd/denseProduct.ts";
import type { ActiveSet, QpProblem, QpResiduals } from "./types.ts";

/** out = (covScale·Σ + ridge·I)·w in asset space. */
export function assetHessianMatVec(p: QpProblem, w: Float64Array, out: Float64Array): void {
  const n = p.nAssets;
  const cov = p.covariance;
  if (cov === null || p.covScale === 0) {
    for (let a = 0; a < n; a++) out[a] = p.ridge * w[a]!;
    return;
  }
  const c = p.covScale;
  if (cov.kind === "dense") {
    if (cov.product !== undefined) cov.product(w, out);
    else denseMatVecJs(cov.data, n, w, out);
    for (let i = 0; i < n; i++) out[i] = c * out[i]! + p.ridge * w[i]!;
    return;
  }
  const { k, loadings: b, factorCovariance: f, specificVariance: sv } = cov;
  const t = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let j = 0; j < k; j++) t[j]! += b[i * k + j]! * wi;
  }
  const u = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += f[i * k + j]! * t[j]!;
    u[i] = s;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += b[i * k + j]! * u[j]!;
    out[i] = c * (s + sv[i]! * w[i]!) + p.ridge * w[i]!;
  }
}

/** w = E·x (the asset-space image of x, without the offset c). */
export function toAssetSpace(p: QpProblem, x: Float64Array, w: Float64Array): void {
  w.fill(0);
  for (let j = 0; j < p.nx; j++) {
    const a = p.assetOf[j]!;
    if (a >= 0) w[a]! += p.signOf[j]! * x[j]!;
  }
}

/** out = H·x with H = E'(covScale·Σ + ridge·I)E. */
export function hessianMatVec(p: QpProblem, x: Float64Array, out: Float64Array): void {
  const w = new Float64Array(p.nAssets);
  const v = new Float64Array(p.nAssets);
  toAssetSpace(p, x, w);
  assetHessianMatVec(p, w, v);
  for (let j = 0; j < p.nx; j++) {
    const a = p.assetOf[j]!;
    out[j] = a >= 0 ? p.signOf[j]! * v[a]! : 0;
  }
}

/** ½·x'Hx + q'x. */
export function objectiveValue(p: QpProblem, x: Float64Array): number {
  const hx = new Float64Array(p.nx);
  hessianMatVec(p, x, hx);
  let s = 0;
  for (let j = 0; j < p.nx; j++) s += x[j]! * (0.5 * hx[j]! + p.q[j]!);
  return s;
}

/** Row activities A·x. */
export function rowActivities(p: QpProblem, x: Float64Array): Float64Array {
  const out = new Float64Array(p.rows.length);
  p.rows.forEach((row, r) => {
    let s = 0;
    for (let k = 0; k < row.index.length; k++) s += row.value[k]! * x[row.index[k]!]!;
    out[r] = s;
  });
  return out;
}

/** Bound multipliers z = Hx + q − A'y. */
export function boundMultipliers(p: QpProblem, x: Float64Array, y: Float64Array): Float64Array {
  const z = new Float64Array(p.nx);
  hessianMatVec(p, x, z);
  for (let j = 0; j < p.nx; j++) z[j]! += p.q[j]!;
  p.rows.forEach((row, r) => {
    const yr = y[r]!;
    if (yr === 0) return;
    for (let k = 0; k < row.index.length; k++) z[row.index[k]!]! -= row.value[k]! * yr;
  });
  return z;
}

/**
 * KKT residuals of (x, y), independent of the backend that produced them: primal violation,
 * dual infeasibility (a multiplier pushing against a bound that does not exist) and
 * complementarity (a multiplier on a bound that does not hold).
 */
export function kktResiduals(p: QpProblem, x: Float64Array, y: Float64Array, z: Float64Array): QpResiduals {
  let primal = 0;
  let dual = 0;
  let comp = 0;
  for (let j = 0; j < p.nx; j++) {
    const xj = x[j]!;
    const l = p.lower[j]!;
    const u = p.upper[j]!;
    primal = Math.max(primal, l - xj, xj - u);
    const zj = z[j]!;
    if (zj > 0) {
      if (l === -Infinity) dual = Math.max(dual, zj);
      else comp = Math.max(comp, zj * Math.abs(xj - l));
    } else if (zj < 0) {
      if (u === Infinity) dual = Math.max(dual, -zj);
      else comp = Math.max(comp, -zj * Math.abs(u - xj));
    }
  }
  const ax = rowActivities(p, x);
  p.rows.forEach((row, r) => {
    const v = ax[r]!;
    primal = Math.max(primal, row.lower - v, v - row.upper);
    const yr = y[r]!;
    if (yr > 0) {
      if (row.lower === -Infinity) dual = Math.max(dual, yr);
      else comp = Math.max(comp, yr * Math.abs(v - row.lower));
    } else if (yr < 0) {
      if (row.upper === Infinity) dual = Math.max(dual, -yr);
      else comp = Math.max(comp, -yr * Math.abs(row.upper - v));
    }
  });
  return { primal: Math.max(primal, 0), dual, complementarity: comp };
}

/** Reads the active set off a solution: a bound or row side is active when its multiplier is. */
export function activeSetOf(
  p: QpProblem,
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  closeness = 1e-9,
): ActiveSet {
  const bounds = new Int8Array(p.nx);
  for (let j = 0; j < p.nx; j++) {
    const gl = x[j]! - p.lower[j]!;
    const gu = p.upper[j]! - x[j]!;
    const scale = closeness * (1 + Math.abs(x[j]!));
    if (p.lower[j] === p.upper[j]) bounds[j] = -1;
    else if (gl <= scale || (z[j]! > 0 && gl < z[j]!)) bounds[j] = -1;
    else if (gu <= scale || (z[j]! < 0 && gu < -z[j]!)) bounds[j] = 1;
  }
  const ax = rowActivities(p, x);
  const rows = new Int8Array(p.rows.length);
  p.rows.forEach((row, r) => {
    const gl = ax[r]! - row.lower;
    const gu = row.upper - ax[r]!;
    const scale = closeness * (1 + Math.abs(ax[r]!));
    if (row.lower === row.upper) rows[r] = -1;
    else if (gl <= scale || (y[r]! > 0 && gl < y[r]!)) rows[r] = -1;
    else if (gu <= scale || (y[r]! < 0 && gu < -y[r]!)) rows[r] = 1;
  });
  return { bounds, rows };
}
