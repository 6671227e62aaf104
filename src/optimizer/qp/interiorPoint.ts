/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
import { luInPlace, luSolveInPlace } from "./dense.ts";
import { factorKkt, KktWorkspace, structuredApplies, type KktFactor } from "./kktSystem.ts";
import {
  activeSetOf,
  boundMultipliers,
  hessianMatVec,
  kktResiduals,
  objectiveValue,
  rowActivities,
} from "./operators.ts";
import { polishOnActiveSet } from "./polish.ts";
import { nystromSurrogate } from "./surrogate.ts";
import type { QpCovariance, QpProblem, QpSolution, QpSolveOptions, QpSolver } from "./types.ts";

const EMPTY_SET = (p: QpProblem): { bounds: Int8Array; rows: Int8Array } => ({
  bounds: new Int8Array(p.nx),
  rows: new Int8Array(p.rows.length),
});

/**
 * The TypeScript QP engine: Mehrotra's predictor–corrector primal–dual interior-point method
 * (Mehrotra 1992; Nocedal & Wright, *Numerical Optimization*, 2nd ed., §16.6 and §14.2) on
 *
 *   min ½x'Hx + q'x  s.t.  A_E x = b_E,  A_I x − s = 0,  l ≤ x ≤ u,  l_s ≤ s ≤ u_s,
 *
 * with equality rows eliminated through an m_E×m_E Schur complement and the Newton matrix
 * K = H + D_x + A_I'D_s A_I factorised once per iteration, exploiting a factor-model Σ (see
 * `kktSystem.ts`). The interior point is then polished: the equality-constrained QP on its active
 * set is solved exactly and accepted only if it satisfies the KKT conditions of the full problem,
 * which takes the objective to rounding accuracy.
 *
 * A warm start (the active set of a similar, previously solved problem) is tried first with the
 * same exact solve; if that point is not a KKT point the interior-point method runs cold.
 */
export const interiorPointSolver: QpSolver = {
  name: "ipm",
  solve(p: QpProblem, options: QpSolveOptions = {}): QpSolution {
    if (options.warmStart !== undefined) {
      const warm = polishOnActiveSet(p, options.warmStart);
      if (warm !== null) {
        return {
          status: "optimal",
          x: warm.x,
          rowDual: warm.y,
          boundDual: warm.z,
          objective: objectiveValue(p, warm.x),
          iterations: 0,
          residuals: warm.residuals,
          activeSet: activeSetOf(p, warm.x, warm.y, warm.z),
          solver: "ipm:warm-active-set",
        };
      }
    }
    const cov = p.covariance;
    if (cov !== null && cov.kind === "dense" && p.covScale > 0 && cov.n >= SURROGATE_MIN_ASSETS) {
      const guessed = solveViaSurrogate(p, cov, options);
      if (guessed !== null) return guessed;
    }
    return solveInteriorPoint(p, options);
  },
};

/** Below this many assets one dense Cholesky per iteration is cheap enough. */
const SURROGATE_MIN_ASSETS = 150;

/**
 * Dense Σ: an n³ Cholesky per iteration is what makes dense problems slow, and the optimal
 * active set usually leaves few variables free. So solve the problem with a Nyström factor-model
 * surrogate of Σ (structured, O(n·r²) per iteration), take its active set, and solve exactly on
 * it with the true Σ; the polishing step accepts the point only if it satisfies the KKT
 * conditions of the true problem. Otherwise the caller runs the dense interior point.
 */
function solveViaSurrogate(
  p: QpProblem,
  cov: QpCovariance & { kind: "dense" },
  options: QpSolveOptions,
): QpSolution | null {
  const surrogate = nystromSurrogate(cov);
  if (surrogate === null) return null;
  // Only the active set of the surrogate matters, so a looser tolerance suffices.
  const guess = solveInteriorPoint({ ...p, covariance: surrogate }, { ...options, tolerance: 1e-8, polish: false });
  if (guess.status !== "optimal") return null;
  const polished = polishOnActiveSet(p, guess.activeSet, { rounds: 12 });
  if (polished === null) return null;
  return {
    status: "optimal",
    x: polished.x,
    rowDual: polished.y,
    boundDual: polished.z,
    objective: objectiveValue(p, polished.x),
    iterations: guess.iterations,
    residuals: polished.residuals,
    activeSet: activeSetOf(p, polished.x, polished.y, polished.z),
    solver: "ipm:surrogate+polish",
  };
}

function solveInteriorPoint(p: QpProblem, options: QpSolveOptions & { polish?: boolean }): QpSolution {
  const tol = options.tolerance ?? 1e-9;
  const maxIter = options.maxIterations ?? 120;
  const n = p.nx;
  const m = p.rows.length;
  const structured = structuredApplies(p);
  const rowsEq: number[] = [];
  const inequality = new Uint8Array(m);
  p.rows.forEach((row, r) => {
    if (row.lower === row.upper) rowsEq.push(r);
    else inequality[r] = 1;
  });
  const lo = p.lower;
  const up = p.upper;
  const hasL = (j: number): boolean => lo[j]! > -Infinity;
  const hasU = (j: number): boolean => up[j]! < Infinity;
  const sLo = new Float64Array(m);
  const sUp = new Float64Array(m);
  p.rows.forEach((row, r) => {
    sLo[r] = row.lower;
    sUp[r] = row.upper;
  });

  // Starting point: inside every box, multipliers 1.
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const l = lo[j]!;
    const u = up[j]!;
    if (hasL(j) && hasU(j)) x[j] = l === u ? l : (l + u) / 2;
    else if (hasL(j)) x[j] = Math.max(l + 1, 0);
    else if (hasU(j)) x[j] = Math.min(u - 1, 0);
  }
  const fixedVar = new Uint8Array(n);
  for (let j = 0; j < n; j++) if (lo[j] === up[j]) fixedVar[j] = 1;
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
    if (hasL(j)) zl[j] = 1;
    if (hasU(j)) zu[j] = 1;
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) tl[r] = 1;
    if (sUp[r]! < Infinity) tu[r] = 1;
  }
  const y = new Float64Array(m);

  let qNorm = 0;
  for (let j = 0; j < n; j++) qNorm = Math.max(qNorm, Math.abs(p.q[j]!));
  let bNorm = 0;
  for (let r = 0; r < m; r++) {
    if (Number.isFinite(sLo[r]!)) bNorm = Math.max(bNorm, Math.abs(sLo[r]!));
    if (Number.isFinite(sUp[r]!)) bNorm = Math.max(bNorm, Math.abs(sUp[r]!));
  }

  const hx = new Float64Array(n);
  const rd = new Float64Array(n);
  const rs = new Float64Array(m);
  const rp = new Float64Array(m);
  const gl = new Float64Array(n);
  const gu = new Float64Array(n);
  const gsl = new Float64Array(m);
  const gsu = new Float64Array(m);
  const dx = new Float64Array(n);
  const ds = new Float64Array(m);
  // Distances to the bounds are iterates in their own right, moved by the same steps as x and s:
  // recomputing them as x − l would lose their leading digits next to a bound.
  for (let j = 0; j < n; j++) {
    if (fixedVar[j]) continue;
    if (hasL(j)) gl[j] = x[j]! - lo[j]!;
    if (hasU(j)) gu[j] = up[j]! - x[j]!;
  }
  for (let r = 0; r < m; r++) {
    if (!inequality[r]) continue;
    if (sLo[r]! > -Infinity) gsl[r] = s[r]! - sLo[r]!;
    if (sUp[r]! < Infinity) gsu[r] = sUp[r]! - s[r]!;
  }
  const workspace = new KktWorkspace();
  let earlyPolishes = 0;
  let iterations = 0;
  let bestMerit = Infinity;
  const bestX = new Float64Array(n);
  const bestY = new Float64Array(m);
  let status: QpSolution["status"] = "error";
  let message = "iteration limit reached";
  let reg = 1e-11;

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
    let gap = 0;
    let count = 0;
    let xNorm = 0;
    for (let j = 0; j < n; j++) {
      xNorm = Math.max(xNorm, Math.abs(x[j]!));
      if (fixedVar[j]) continue;
      if (hasL(j)) {
        gap += gl[j]! * zl[j]!;
        count++;
      }
      if (hasU(j)) {
        gap += gu[j]! * zu[j]!;
        count++;
      }
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      if (sLo[r]! > -Infinity) {
        gap += gsl[r]! * tl[r]!;
        count++;
      }
      if (sUp[r]! < Infinity) {
        gap += gsu[r]! * tu[r]!;
        count++;
      }
    }
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
    const objective = Math.abs(objectiveValue(p, x));
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
      const early = polishOnActiveSet(p, activeSetOf(p, xc, y, zc), { maxSize: 300 });
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

    // Newton matrix K = H + D_x + A_I' D_s A_I.
    for (let j = 0; j < n; j++) {
      if (fixedVar[j]) dx[j] = 1e12;
      else dx[j] = (hasL(j) ? zl[j]! / gl[j]! : 0) + (hasU(j) ? zu[j]! / gu[j]! : 0) + reg;
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      ds[r] = (sLo[r]! > -Infinity ? tl[r]! / gsl[r]! : 0) + (sUp[r]! < Infinity ? tu[r]! / gsu[r]! : 0);
    }
    let factor: KktFactor | null = null;
    for (let attempt = 0; attempt < 8 && factor === null; attempt++) {
      // Refinement pays only once the barrier terms spread over many orders of magnitude.
      factor = factorKkt(p, dx, ds, inequality, structured, mu < 1e-5 * (1 + qNorm), workspace);
      if (factor === null) {
        reg = Math.max(reg * 100, 1e-10);
        for (let j = 0; j < n; j++) dx[j]! += reg;
      }
    }
    if (factor === null) {
      message = "Newton matrix is not positive definite even after regularisation";
      break;
    }
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
    if (schurPiv === null) {
      message = "equality rows are linearly dependent";
      break;
    }

    const solveDirection = (
      cl: Float64Array,
      cu: Float64Array,
      ctl: Float64Array,
      ctu: Float64Array,
    ): { px: Float64Array; ps: Float64Array; py: Float64Array } => {
      const rhs = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        if (fixedVar[j]) continue;
        rhs[j] = -rd[j]! + (hasL(j) ? cl[j]! / gl[j]! : 0) - (hasU(j) ? cu[j]! / gu[j]! : 0);
      }
      const r2 = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        if (!inequality[r]) continue;
        r2[r] = -rs[r]! + (sLo[r]! > -Infinity ? ctl[r]! / gsl[r]! : 0) - (sUp[r]! < Infinity ? ctu[r]! / gsu[r]! : 0);
        const c = r2[r]! - ds[r]! * rp[r]!;
        const row = p.rows[r]!;
        for (let k = 0; k < row.index.length; k++) rhs[row.index[k]!]! += row.value[k]! * c;
      }
      kf.solve(rhs);
      const py = new Float64Array(m);
      if (me > 0) {
        const t = new Float64Array(me);
        rowsEq.forEach((r, a) => {
          const row = p.rows[r]!;
          let v = -rp[r]!;
          for (let k = 0; k < row.index.length; k++) v -= row.value[k]! * rhs[row.index[k]!]!;
          t[a] = v;
        });
        luSolveInPlace(schur, me, schurPiv, t);
        rowsEq.forEach((r, a) => {
          py[r] = t[a]!;
          const col = kInvAe[a]!;
          const ta = t[a]!;
          for (let j = 0; j < n; j++) rhs[j]! += col[j]! * ta;
        });
      }
      const px = rhs;
      for (let j = 0; j < n; j++) if (fixedVar[j]) px[j] = 0;
      const ps = new Float64Array(m);
      p.rows.forEach((row, r) => {
        if (!inequality[r]) return;
        let v = rp[r]!;
        for (let k = 0; k < row.index.length; k++) v += row.value[k]! * px[row.index[k]!]!;
        ps[r] = v;
        py[r] = r2[r]! - ds[r]! * v;
      });
      return { px, ps, py };
    };
    const dualSteps = (
      px: Float64Array,
      ps: Float64Array,
      cl: Float64Array,
      cu: Float64Array,
      ctl: Float64Array,
      ctu: Float64Array,
    ): { dzl: Float64Array; dzu: Float64Array; dtl: Float64Array; dtu: Float64Array } => {
      const dzl = new Float64Array(n);
      const dzu = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        if (fixedVar[j]) continue;
        if (hasL(j)) dzl[j] = (cl[j]! - zl[j]! * px[j]!) / gl[j]!;
        if (hasU(j)) dzu[j] = (cu[j]! + zu[j]! * px[j]!) / gu[j]!;
      }
      const dtl = new Float64Array(m);
      const dtu = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        if (!inequality[r]) continue;
        if (sLo[r]! > -Infinity) dtl[r] = (ctl[r]! - tl[r]! * ps[r]!) / gsl[r]!;
        if (sUp[r]! < Infinity) dtu[r] = (ctu[r]! + tu[r]! * ps[r]!) / gsu[r]!;
      }
      return { dzl, dzu, dtl, dtu };
    };
    const maxStep = (
      px: Float64Array,
      ps: Float64Array,
      d: { dzl: Float64Array; dzu: Float64Array; dtl: Float64Array; dtu: Float64Array },
    ): number => {
      let a = 1;
      for (let j = 0; j < n; j++) {
        if (fixedVar[j]) continue;
        const v = px[j]!;
        if (hasL(j)) {
          if (v < 0) a = Math.min(a, -gl[j]! / v);
          if (d.dzl[j]! < 0) a = Math.min(a, -zl[j]! / d.dzl[j]!);
        }
        if (hasU(j)) {
          if (v > 0) a = Math.min(a, gu[j]! / v);
          if (d.dzu[j]! < 0) a = Math.min(a, -zu[j]! / d.dzu[j]!);
        }
      }
      for (let r = 0; r < m; r++) {
        if (!inequality[r]) continue;
        const v = ps[r]!;
        if (sLo[r]! > -Infinity) {
          if (v < 0) a = Math.min(a, -gsl[r]! / v);
          if (d.dtl[r]! < 0) a = Math.min(a, -tl[r]! / d.dtl[r]!);
        }
        if (sUp[r]! < Infinity) {
          if (v > 0) a = Math.min(a, gsu[r]! / v);
          if (d.dtu[r]! < 0) a = Math.min(a, -tu[r]! / d.dtu[r]!);
        }
      }
      return a;
    };

    // Predictor (affine scaling).
    const cl = new Float64Array(n);
    const cu = new Float64Array(n);
    const ctl = new Float64Array(m);
    const ctu = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      if (hasL(j)) cl[j] = -gl[j]! * zl[j]!;
      if (hasU(j)) cu[j] = -gu[j]! * zu[j]!;
    }
    for (let r = 0; r < m; r++) {
      if (sLo[r]! > -Infinity) ctl[r] = -gsl[r]! * tl[r]!;
      if (sUp[r]! < Infinity) ctu[r] = -gsu[r]! * tu[r]!;
    }
    const aff = solveDirection(cl, cu, ctl, ctu);
    const affD = dualSteps(aff.px, aff.ps, cl, cu, ctl, ctu);
    const aAff = maxStep(aff.px, aff.ps, affD);
    let gapAff = 0;
    for (let j = 0; j < n; j++) {
      if (fixedVar[j]) continue;
      if (hasL(j)) gapAff += (gl[j]! + aAff * aff.px[j]!) * (zl[j]! + aAff * affD.dzl[j]!);
      if (hasU(j)) gapAff += (gu[j]! - aAff * aff.px[j]!) * (zu[j]! + aAff * affD.dzu[j]!);
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      if (sLo[r]! > -Infinity) gapAff += (gsl[r]! + aAff * aff.ps[r]!) * (tl[r]! + aAff * affD.dtl[r]!);
      if (sUp[r]! < Infinity) gapAff += (gsu[r]! - aAff * aff.ps[r]!) * (tu[r]! + aAff * affD.dtu[r]!);
    }
    const sigma = count > 0 && mu > 0 ? Math.min(1, (gapAff / count / mu) ** 3) : 0;
    const target = sigma * mu;
    // Corrector: centring plus the second-order term of the predictor.
    for (let j = 0; j < n; j++) {
      if (fixedVar[j]) continue;
      if (hasL(j)) cl[j] = target - gl[j]! * zl[j]! - aff.px[j]! * affD.dzl[j]!;
      if (hasU(j)) cu[j] = target - gu[j]! * zu[j]! + aff.px[j]! * affD.dzu[j]!;
    }
    for (let r = 0; r < m; r++) {
      if (!inequality[r]) continue;
      if (sLo[r]! > -Infinity) ctl[r] = target - gsl[r]! * tl[r]! - aff.ps[r]! * affD.dtl[r]!;
      if (sUp[r]! < Infinity) ctu[r] = target - gsu[r]! * tu[r]! + aff.ps[r]! * affD.dtu[r]!;
    }
    const dir = solveDirection(cl, cu, ctl, ctu);
    const dirD = dualSteps(dir.px, dir.ps, cl, cu, ctl, ctu);
    const eta = Math.min(0.9999, Math.max(0.9, 1 - mu));
    const alpha = Math.min(1, eta * maxStep(dir.px, dir.ps, dirD));
    for (let j = 0; j < n; j++) {
      x[j]! += alpha * dir.px[j]!;
      gl[j]! += alpha * dir.px[j]!;
      gu[j]! -= alpha * dir.px[j]!;
      zl[j]! += alpha * dirD.dzl[j]!;
      zu[j]! += alpha * dirD.dzu[j]!;
    }
    for (let r = 0; r < m; r++) {
      y[r]! += alpha * dir.py[r]!;
      if (!inequality[r]) continue;
      s[r]! += alpha * dir.ps[r]!;
      gsl[r]! += alpha * dir.ps[r]!;
      gsu[r]! -= alpha * dir.ps[r]!;
      tl[r]! += alpha * dirD.dtl[r]!;
      tu[r]! += alpha * dirD.dtu[r]!;
    }
    if (!x.every(Number.isFinite)) {
      message = "numerical failure (non-finite iterate)";
      break;
    }
  }

  if (status === "error" && bestMerit < 1e-6) {
    // Rounding stalled the last digits: the best iterate usually identifies the active set, and
    // polishing on it either yields a verified KKT point or fails and reports the error below.
    const zb = boundMultipliers(p, bestX, bestY);
    const polished = polishOnActiveSet(p, activeSetOf(p, bestX, bestY, zb));
    if (polished !== null) {
      return {
        status: "optimal",
        x: polished.x,
        rowDual: polished.y,
        boundDual: polished.z,
        objective: objectiveValue(p, polished.x),
        iterations,
        residuals: polished.residuals,
        activeSet: activeSetOf(p, polished.x, polished.y, polished.z),
        solver: "ipm+polish",
      };
    }
  }
  if (status !== "optimal") {
    const z = boundMultipliers(p, x, y);
    return {
      status,
      x,
      rowDual: y,
      boundDual: z,
      objective: objectiveValue(p, x),
      iterations,
      residuals: kktResiduals(p, x, y, z),
      activeSet: EMPTY_SET(p),
      solver: "ipm",
      message,
    };
  }
  // Clip the tiny interior margins and polish on the identified active set.
  for (let j = 0; j < n; j++) x[j] = Math.min(Math.max(x[j]!, lo[j]!), up[j]!);
  const z = boundMultipliers(p, x, y);
  const active = activeSetOf(p, x, y, z);
  if (options.polish === false) {
    return {
      status: "optimal",
      x,
      rowDual: y,
      boundDual: z,
      objective: objectiveValue(p, x),
      iterations,
      residuals: kktResiduals(p, x, y, z),
      activeSet: active,
      solver: "ipm",
    };
  }
  // Degenerate variables (at a bound with a zero multiplier) sit ~√μ from it; if the first guess
  // leaves the reduced KKT system singular, fix everything within 1e-7 of a bound and retry.
  const polished = polishOnActiveSet(p, active) ?? polishOnActiveSet(p, activeSetOf(p, x, y, z, 1e-7));
  const ipmResiduals = kktResiduals(p, x, y, z);
  if (polished !== null) {
    return {
      status: "optimal",
      x: polished.x,
      rowDual: polished.y,
      boundDual: polished.z,
      objective: objectiveValue(p, polished.x),
      iterations,
      residuals: polished.residuals,
      activeSet: activeSetOf(p, polished.x, polished.y, polished.z),
      solver: "ipm+polish",
    };
  }
  return {
    status: "optimal",
    x,
    rowDual: y,
    boundDual: z,
    objective: objectiveValue(p, x),
    iterations,
    residuals: ipmResiduals,
    activeSet: active,
    solver: "ipm",
  };
}
