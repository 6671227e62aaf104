/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// Mehrotra's predictor–corrector primal–dual interior-point iterations (Mehrotra 1992; Nocedal &
// Wright, *Numerical Optimization*, 2nd ed., §16.6 and §14.2) on
//
//   min ½x'Hx + q'x  s.t.  A_E x = b_E,  A_I x − s = 0,  l ≤ x ≤ u,  l_s ≤ s ≤ u_s.
import { finishInteriorPoint, type IpmOutcome } from "./ipmFinish.ts";
import {
  maxStep,
  newDirection,
  newtonSystem,
  solveDirection,
  type Complementarity,
  type NewtonWorkspace,
} from "./ipmDirection.ts";
import { complementarity, initialIterate, ipmShape } from "./ipmState.ts";
import { KktWorkspace, structuredApplies } from "./kktSystem.ts";
import { activeSetOf, boundMultipliers, hessianMatVec, objectiveValue, rowActivities } from "./operators.ts";
import { polishOnActiveSet } from "./polish.ts";
import type { QpProblem, QpSolution, QpSolveOptions } from "./types.ts";

/** Options of one run: `polish: false` returns the interior point itself; `refine: false` skips
 * the iterative refinement of late Newton solves (for a run whose active set is all that is used). */
export type InteriorPointOptions = QpSolveOptions & {
  readonly polish?: boolean;
  readonly refine?: boolean;
};

/**
 * Runs the interior-point method on `p`, then (unless `polish` is false) polishes the result on
 * its active set. Always returns a status; `"error"` carries a message.
 */
export function solveInteriorPoint(p: QpProblem, options: InteriorPointOptions): QpSolution {
  const tol = options.tolerance ?? 1e-9;
  const maxIter = options.maxIterations ?? 120;
  const shape = ipmShape(p);
  const { n, m, lo, up, hasL, hasU, fixedVar, sLo, inequality, qNorm, bNorm } = shape;
  const structured = structuredApplies(p);
  const it = initialIterate(shape);
  const { x, s, y, zl, zu, tl, tu, gl, gu, gsl, gsu } = it;

  const hx = new Float64Array(n);
  const res = {
    rd: new Float64Array(n),
    rs: new Float64Array(m),
    rp: new Float64Array(m),
  };
  const { rd, rs, rp } = res;
  const ws: NewtonWorkspace = {
    kkt: new KktWorkspace(),
    dx: new Float64Array(n),
    ds: new Float64Array(m),
    reg: 1e-11,
    refine: options.refine !== false,
  };
  const comp: Complementarity = {
    cl: new Float64Array(n),
    cu: new Float64Array(n),
    ctl: new Float64Array(m),
    ctu: new Float64Array(m),
  };
  const aff = newDirection(n, m);
  const dir = newDirection(n, m);
  let earlyPolishes = 0;
  let iterations = 0;
  let bestMerit = Infinity;
  const bestX = new Float64Array(n);
  const bestY = new Float64Array(m);
  let status: QpSolution["status"] = "error";
  let message = "iteration limit reached";

  for (; iterations < maxIter; iterations++) {
    hessianMatVec(p, x, hx);
    const ax = rowActivities(p, x);
    let rdMax = 0;
    for (let j = 0; j < n; j++) {
      rd[j] = hx[j]! + p.q[j]! - zl[j]! + zu[j]!;
    }
    p.rows.forEach((row, r) => {
      const yr = y[r]!;
      for (let k = 0; k < row.index.length; k++) rd[row.index[k]!]! -= row.value[k]! * yr;
    });
    for (let j = 0; j < n; j++) if (!fixedVar[j]) rdMax = Math.max(rdMax, Math.abs(rd[j]!));
    let rpMax = 0;
    let rsMax = 0;
    for (let r = 0; r < m; r++) {
      if (inequality[r]) {
        rp[r] = ax[r]! - s[r]!;
        rs[r] = y[r]! - tl[r]! + tu[r]!;
        rsMax = Math.max(rsMax, Math.abs(rs[r]!));
      } else rp[r] = ax[r]! - sLo[r]!;
      rpMax = Math.max(rpMax, Math.abs(rp[r]!));
    }
    let xNorm = 0;
    for (let j = 0; j < n; j++) xNorm = Math.max(xNorm, Math.abs(x[j]!));
    const { gap, count } = complementarity(shape, it);
    const mu = count > 0 ? gap / count : 0;
    const merit = Math.max(rpMax / (1 + Math.max(bNorm, xNorm)), Math.max(rdMax, rsMax) / (1 + qNorm), mu);
    if (merit < bestMerit) {
      bestMerit = merit;
      bestX.set(x);
      bestY.set(y);
    } else if (merit > 1e4 * bestMerit && bestMerit <= 1e-7) {
      // Rounding in the barrier terms has started to corrupt the directions (μ is far below
      // what double precision resolves): return to the best iterate and let polishing finish.
      x.set(bestX);
      y.set(bestY);
      status = "optimal";
      message = "";
      break;
    }
    if (xNorm > 1e12) {
      status = "unbounded";
      message = "iterates diverge: the objective is unbounded below on the feasible set";
      break;
    }
    const primalOk = rpMax <= tol * (1 + Math.max(bNorm, xNorm));
    const dualOk = Math.max(rdMax, rsMax) <= tol * (1 + qNorm);
    // The objective error of an interior point is about its total complementarity gap, so the
    // gap is measured against the objective itself (1e-10 relative), not against 1 + |f|.
    // ½x'Hx + q'x from the Hx of this iteration (what objectiveValue would recompute).
    let signedObjective = 0;
    for (let j = 0; j < n; j++) signedObjective += x[j]! * (0.5 * hx[j]! + p.q[j]!);
    const objective = Math.abs(signedObjective);
    const gapOk = gap <= Math.max(0.1 * tol * objective, 1e-15 * (1 + qNorm));
    const stalledDualOk = Math.max(rdMax, rsMax) <= 1e-7 * (1 + qNorm) && gapOk;
    // Early exit: once the iterates are within ~1e-6 the active set is usually identified, and a
    // polish on it yields the exact optimum; it is accepted only if it verifies as a KKT point, so
    // up to three attempts cost little when it does not, and the iterations go on.
    const nearlyOk =
      rpMax <= 1e-6 * (1 + Math.max(bNorm, xNorm)) &&
      Math.max(rdMax, rsMax) <= 1e-6 * (1 + qNorm) &&
      mu <= 1e-6 * (1 + objective);
    if (earlyPolishes < 3 && options.polish !== false && nearlyOk) {
      earlyPolishes++;
      const xc = Float64Array.from(x, (v, j) => Math.min(Math.max(v, lo[j]!), up[j]!));
      const zc = boundMultipliers(p, xc, y);
      const early = polishOnActiveSet(p, activeSetOf(p, xc, y, zc), {
        maxSize: 300,
      });
      if (early !== null) {
        return {
          status: "optimal",
          x: early.x,
          rowDual: early.y,
          boundDual: early.z,
          objective: objectiveValue(p, early.x),
          iterations,
          residuals: early.residuals,
          activeSet: activeSetOf(p, early.x, early.y, early.z),
          solver: "ipm+polish",
        };
      }
    }
    if (primalOk && (dualOk || stalledDualOk) && gapOk) {
      status = "optimal";
      message = "";
      break;
    }

    const sys = newtonSystem(shape, it, mu, structured, ws);
    if ("message" in sys) {
      message = sys.message;
      break;
    }
    // Predictor (affine scaling).
    const { cl, cu, ctl, ctu } = comp;
    for (let j = 0; j < n; j++) {
      if (hasL[j]) cl[j] = -gl[j]! * zl[j]!;
      if (hasU[j]) cu[j] = -gu[j]! * zu[j]!;
    }
    for (let r = 0; r < m; r++) {
      if (sLo[r]! > -Infinity) ctl[r] = -gsl[r]! * tl[r]!;
      if (shape.sUp[r]! < Infinity) ctu[r] = -gsu[r]! * tu[r]!;
    }
    solveDirection(shape, it, sys, res, comp, aff);
    const aAff = maxStep(shape, it, aff);
    let gapAff = 0;
    for (let j = 0; j < n; j++) {
      if (fixedVar[j]) continue;
      if (hasL[j]) gapAff += (gl[j]! + aAff * aff.px[j]!) * (zl[j]! + aAff * aff.dzl[j]!);
      if (hasU[j]) gapAff += (gu[j]! - aAff * aff.px[j]!) * (zu[j]! + aAff * aff.dzu[j]!);
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      if (sLo[r]! > -Infinity) gapAff += (gsl[r]! + aAff * aff.ps[r]!) * (tl[r]! + aAff * aff.dtl[r]!);
      if (shape.sUp[r]! < Infinity) gapAff += (gsu[r]! - aAff * aff.ps[r]!) * (tu[r]! + aAff * aff.dtu[r]!);
    }
    const sigma = count > 0 && mu > 0 ? Math.min(1, (gapAff / count / mu) ** 3) : 0;
    const target = sigma * mu;
    // Corrector: centring plus the second-order term of the predictor.
    for (let j = 0; j < n; j++) {
      if (fixedVar[j]) continue;
      if (hasL[j]) cl[j] = target - gl[j]! * zl[j]! - aff.px[j]! * aff.dzl[j]!;
      if (hasU[j]) cu[j] = target - gu[j]! * zu[j]! + aff.px[j]! * aff.dzu[j]!;
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      if (sLo[r]! > -Infinity) ctl[r] = target - gsl[r]! * tl[r]! - aff.ps[r]! * aff.dtl[r]!;
      if (shape.sUp[r]! < Infinity) ctu[r] = target - gsu[r]! * tu[r]! + aff.ps[r]! * aff.dtu[r]!;
    }
    solveDirection(shape, it, sys, res, comp, dir);
    const eta = Math.min(0.9999, Math.max(0.9, 1 - mu));
    const alpha = Math.min(1, eta * maxStep(shape, it, dir));
    for (let j = 0; j < n; j++) {
      x[j]! += alpha * dir.px[j]!;
      gl[j]! += alpha * dir.px[j]!;
      gu[j]! -= alpha * dir.px[j]!;
      zl[j]! += alpha * dir.dzl[j]!;
      zu[j]! += alpha * dir.dzu[j]!;
    }
    for (let r = 0; r < m; r++) {
      y[r]! += alpha * dir.py[r]!;
      if (!inequality[r]) continue;
      s[r]! += alpha * dir.ps[r]!;
      gsl[r]! += alpha * dir.ps[r]!;
      gsu[r]! -= alpha * dir.ps[r]!;
      tl[r]! += alpha * dir.dtl[r]!;
      tu[r]! += alpha * dir.dtu[r]!;
    }
    if (!x.every(Number.isFinite)) {
      message = "numerical failure (non-finite iterate)";
      break;
    }
  }
  const outcome: IpmOutcome = {
    status,
    message,
    iterations,
    x,
    y,
    bestMerit,
    bestX,
    bestY,
  };
  return finishInteriorPoint(p, outcome, options.polish !== false);
}
