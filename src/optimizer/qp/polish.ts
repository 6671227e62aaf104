/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
import { boundMultipliers, hessianMatVec, kktResiduals, rowActivities } from "./operators.ts";
import { factorReducedKkt } from "./reducedKkt.ts";
import type { ActiveSet, QpProblem, QpResiduals } from "./types.ts";

/** A verified KKT point of the QP. */
export interface PolishedPoint {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly residuals: QpResiduals;
}

/** Largest free-variable + active-row count solved densely (reducedKkt.ts: Cholesky + Schur, or LU). */
export const POLISH_MAX_SIZE = 700;

/** H_ij for variables i, j: s_i·s_j·(covScale·Σ_ab + ridge·δ_ab). */
function hessianEntry(p: QpProblem, i: number, j: number, bf: Float64Array | null): number {
  const a = p.assetOf[i]!;
  const b = p.assetOf[j]!;
  if (a < 0 || b < 0) return 0;
  let v = a === b ? p.ridge : 0;
  const cov = p.covariance;
  if (cov !== null && p.covScale !== 0) {
    let s: number;
    if (cov.kind === "dense") s = cov.data[a * cov.n + b]!;
    else {
      // bf holds B·F row-major (n×k), so Σ_ab = (B F)_a · B_b + δ_ab s_a.
      const k = cov.k;
      s = a === b ? cov.specificVariance[a]! : 0;
      for (let t = 0; t < k; t++) s += bf![a * k + t]! * cov.loadings[b * k + t]!;
    }
    v += p.covScale * s;
  }
  return p.signOf[i]! * p.signOf[j]! * v;
}

function loadingsTimesF(p: QpProblem): Float64Array | null {
  const cov = p.covariance;
  if (cov === null || cov.kind !== "factor") return null;
  const { n, k } = cov;
  const out = new Float64Array(n * k);
  for (let a = 0; a < n; a++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let u = 0; u < k; u++) s += cov.loadings[a * k + u]! * cov.factorCovariance[u * k + t]!;
      out[a * k + t] = s;
    }
  }
  return out;
}

/**
 * Solves the equality-constrained QP obtained by fixing the given active set — bounds at their
 * values, active rows at their limits — and accepts the point only if it satisfies every KKT
 * condition of the full problem (feasibility of inactive bounds and rows, multiplier signs).
 * This is the polishing step of OSQP (Stellato et al., 2020, §5.2) applied to an interior-point
 * or warm-start guess: an exact solve on the correct active set leaves only rounding error.
 *
 * Returns null when the active set is wrong, the reduced KKT matrix is singular, or it is too
 * large to factorise densely.
 */
export function polishOnActiveSet(
  p: QpProblem,
  active: ActiveSet,
  {
    maxSize = POLISH_MAX_SIZE,
    tolerance = 1e-9,
    rounds = 8,
  }: { maxSize?: number; tolerance?: number; rounds?: number } = {},
): PolishedPoint | null {
  // A guessed active set is often wrong only on degenerate entries (a bound that holds with a
  // zero multiplier): fix what the exact solve violates, release what has the wrong sign, retry.
  let set: ActiveSet = { bounds: Int8Array.from(active.bounds), rows: Int8Array.from(active.rows) };
  for (let round = 0; round < rounds; round++) {
    const out = solveOnActiveSet(p, set, maxSize, tolerance);
    if (out === null) return null;
    if ("x" in out) return out;
    set = out;
  }
  return null;
}

function solveOnActiveSet(
  p: QpProblem,
  active: ActiveSet,
  maxSize: number,
  tolerance: number,
): PolishedPoint | ActiveSet | null {
  const free: number[] = [];
  const x = new Float64Array(p.nx);
  for (let j = 0; j < p.nx; j++) {
    const s = active.bounds[j]!;
    if (s === 0) free.push(j);
    else x[j] = s < 0 ? p.lower[j]! : p.upper[j]!;
    if (!Number.isFinite(x[j]!)) return null;
  }
  const work: number[] = [];
  p.rows.forEach((row, r) => {
    if (active.rows[r] === 0) return;
    // A row whose variables are all at bounds is fixed by them (a sector cap met by capped
    // assets): it adds nothing to the system, and its multiplier can be carried by the bounds'.
    let touchesFree = false;
    for (let k = 0; k < row.index.length && !touchesFree; k++) touchesFree = active.bounds[row.index[k]!] === 0;
    if (touchesFree) work.push(r);
  });
  const nf = free.length;
  const nw = work.length;
  const size = nf + nw;
  if (size > maxSize) return null;
  const pos = new Int32Array(p.nx).fill(-1);
  free.forEach((j, i) => (pos[j] = i));

  const hxFixed = new Float64Array(p.nx);
  hessianMatVec(p, x, hxFixed);
  const bf = loadingsTimesF(p);
  const kkt = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  for (let i = 0; i < nf; i++) {
    const fi = free[i]!;
    rhs[i] = -p.q[fi]! - hxFixed[fi]!;
    for (let j = 0; j <= i; j++) {
      const v = hessianEntry(p, fi, free[j]!, bf);
      kkt[i * size + j] = v;
      kkt[j * size + i] = v;
    }
  }
  work.forEach((r, w) => {
    const row = p.rows[r]!;
    const target = active.rows[r]! < 0 ? row.lower : row.upper;
    if (!Number.isFinite(target)) return;
    let b = target;
    for (let k = 0; k < row.index.length; k++) {
      const j = row.index[k]!;
      const i = pos[j]!;
      if (i < 0) b -= row.value[k]! * x[j]!;
      else {
        kkt[(nf + w) * size + i]! += row.value[k]!;
        kkt[i * size + nf + w]! -= row.value[k]!;
      }
    }
    rhs[nf + w] = b;
  });
  // Degenerate active sets (two active rows that coincide on the free variables, as budget and
  // turnover do when only purchases are free) make the KKT matrix singular in the multipliers
  // only; a tiny dual regularisation picks one multiplier set and leaves x exact to ~1e-13.
  let hScale = 0;
  for (let i = 0; i < nf; i++) hScale = Math.max(hScale, Math.abs(kkt[i * size + i]!));
  const delta = 1e-13 * Math.max(hScale, 1e-300);
  for (let w = 0; w < nw; w++) kkt[(nf + w) * size + nf + w] = -delta;
  const saved = Float64Array.from(kkt);
  // The regularised pivots are ~1e-13 of the Hessian scale: only a true zero pivot is fatal;
  // a bad point is caught by the KKT verification below.
  const solve = factorReducedKkt(kkt, size, nf);
  if (solve === null) return null;
  const b0 = Float64Array.from(rhs);
  solve(rhs);
  // One step of iterative refinement against the regularised matrix.
  const res = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let v = b0[i]!;
    for (let j = 0; j < size; j++) v -= saved[i * size + j]! * rhs[j]!;
    res[i] = v;
  }
  solve(res);
  for (let i = 0; i < size; i++) rhs[i]! += res[i]!;
  for (let i = 0; i < nf; i++) x[free[i]!] = rhs[i]!;
  const y = new Float64Array(p.rows.length);
  work.forEach((r, w) => (y[r] = rhs[nf + w]!));
  if (!x.every(Number.isFinite) || !y.every(Number.isFinite)) return null;

  // Accept only a KKT point of the full problem.
  let xScale = 1;
  for (let j = 0; j < p.nx; j++) xScale = Math.max(xScale, Math.abs(x[j]!));
  const tolP = tolerance * xScale;
  const next: ActiveSet = { bounds: Int8Array.from(active.bounds), rows: Int8Array.from(active.rows) };
  let violated = false;
  for (const j of free) {
    if (x[j]! < p.lower[j]! - tolP) {
      next.bounds[j] = -1;
      violated = true;
    } else if (x[j]! > p.upper[j]! + tolP) {
      next.bounds[j] = 1;
      violated = true;
    }
    x[j] = Math.min(Math.max(x[j]!, p.lower[j]!), p.upper[j]!);
  }
  const ax = rowActivities(p, x);
  for (let r = 0; r < p.rows.length; r++) {
    const row = p.rows[r]!;
    const side = ax[r]! < row.lower - tolP ? -1 : ax[r]! > row.upper + tolP ? 1 : 0;
    if (side === 0) continue;
    next.rows[r] = side;
    violated = true;
    // A row whose variables are all held at bounds cannot be met by activating it: release the
    // bounds that push it past its limit (e.g. four capped assets in a sector capped at three).
    let anyFree = false;
    for (let k = 0; k < row.index.length; k++) if (active.bounds[row.index[k]!] === 0) anyFree = true;
    if (anyFree) continue;
    for (let k = 0; k < row.index.length; k++) {
      const j = row.index[k]!;
      const push = Math.sign(row.value[k]!) * active.bounds[j]!;
      if (push === side && p.lower[j] !== p.upper[j]) next.bounds[j] = 0;
    }
  }
  if (violated) return next;
  const z = boundMultipliers(p, x, y);
  let dScale = 1;
  for (let j = 0; j < p.nx; j++) dScale = Math.max(dScale, Math.abs(p.q[j]!), Math.abs(z[j]!));
  for (let r = 0; r < y.length; r++) dScale = Math.max(dScale, Math.abs(y[r]!));
  const tolD = tolerance * dScale;
  let wrongSign = false;
  for (let j = 0; j < p.nx; j++) {
    const s = active.bounds[j]!;
    if (p.lower[j] === p.upper[j]) continue;
    if ((s < 0 && z[j]! < -tolD) || (s > 0 && z[j]! > tolD)) {
      next.bounds[j] = 0;
      wrongSign = true;
    }
  }
  for (let r = 0; r < y.length; r++) {
    const row = p.rows[r]!;
    if (row.lower === row.upper) continue;
    const s = active.rows[r]!;
    if ((s < 0 && y[r]! < -tolD) || (s > 0 && y[r]! > tolD)) {
      next.rows[r] = 0;
      wrongSign = true;
    }
  }
  if (wrongSign) return next;
  const residuals = kktResiduals(p, x, y, z);
  return { x, y, z, residuals };
}
