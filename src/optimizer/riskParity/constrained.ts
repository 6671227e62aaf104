// Constrained risk budgeting: J.-C. Richard & T. Roncalli (2019), "Constrained risk budgeting
// portfolios: theory, algorithms, applications & puzzles", arXiv:1902.05710.
import { InfeasibleError } from "../../errors.ts";
import { ccdBoxSweep, type BoxCcdProblem } from "./ccd.ts";
import { dykstraWorkspace, projectDykstra } from "./dykstra.ts";
import { matVec } from "./linalg.ts";
import type { ConstraintSet } from "./validate.ts";

/** Outcome of {@link solveConstrained}. */
export interface ConstrainedOutcome {
  /** Weights summing to 1 (fractions). */
  readonly weights: Float64Array;
  /** λ* of the formulation (in units of Σ). */
  readonly lambda: number;
  /** Inner CCD sweeps summed over the λ search (and ADMM iterations). */
  readonly iterations: number;
  readonly converged: boolean;
  /** max(|1'x − 1|, ADMM primal residual ‖x − z‖∞) at the returned point. */
  readonly residual: number;
  readonly method: string;
}

interface Evaluation {
  readonly x: Float64Array;
  readonly sum: number;
  readonly sweeps: number;
  readonly converged: boolean;
  readonly primal: number;
}

/**
 * Richard & Roncalli define the constrained RB portfolio through
 *
 *   x*(λ) = argmin_x ½ x'Σx − λ Σ_i b_i ln x_i   s.t.  x ∈ Ω   (no budget constraint),
 *
 * and take the λ* > 0 for which 1'x*(λ*) = 1 (their §2.3; they use the volatility σ(x) in place
 * of ½x'Σx, whose KKT points are the same curve reparametrised by λ → λσ(x), so the portfolio
 * with 1'x = 1 is the same). Putting 1'x = 1 inside the program instead adds a multiplier to
 * every asset's condition and changes the answer (their "wrong" formulation, which several
 * libraries solve). At the solution, for every asset untouched by a binding constraint,
 * x_i (Σx)_i = λ* b_i: those assets keep risk contributions in the ratio of their budgets.
 *
 * Algorithms: bounds only → CCD with the clipped coordinate update (their Algorithm 3). General
 * rows → ADMM (their Algorithm 4) splitting x = z: x-update by one sweep of that CCD with the
 * proximal term (φ/2)‖x − z + u‖², z-update by Dykstra's projection onto bounds ∩ rows,
 * u ← u + x − z, with residual balancing of φ (Boyd et al. 2011, §3.4.1). λ* by a bracketed
 * Illinois (regula falsi) search on ln λ, each solve warm-started from the previous one (x, z, u, φ).
 */
export function solveConstrained(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  set: ConstraintSet,
  tolerance: number,
  maxIterations: number,
  start: Float64Array,
): ConstrainedOutcome {
  assertFeasible(set, n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale += data[i * n + i] as number;
  scale /= n; // typical variance: the unit of φ and of the stationarity tolerances
  const x = Float64Array.from(start);
  for (let i = 0; i < n; i++) x[i] = Math.min(Math.max(x[i] as number, set.lower[i] as number), set.upper[i] as number);
  const s = matVec(data, n, x, new Float64Array(n));
  const scaled = new Float64Array(n);
  const centre = new Float64Array(n);
  const z = new Float64Array(n);
  const u = new Float64Array(n);
  const zPrev = new Float64Array(n);
  const work = set.m > 0 ? dykstraWorkspace(set, n) : undefined;
  const innerTolerance = Math.min(tolerance, 1e-10) * 1e-3;
  let totalSweeps = 0;
  let admmStarted = false;
  let phi = scale;

  const ccd = (phi: number, maxSweeps: number, stop: number): { sweeps: number; converged: boolean; moved: number } => {
    const problem: BoxCcdProblem = { data, n, scaledBudgets: scaled, lower: set.lower, upper: set.upper, phi, centre };
    let moved = Number.POSITIVE_INFINITY;
    for (let sweep = 1; sweep <= maxSweeps; sweep++) {
      moved = ccdBoxSweep(problem, x, s);
      if (moved <= stop) return { sweeps: sweep, converged: true, moved };
    }
    return { sweeps: maxSweeps, converged: false, moved };
  };

  const evaluate = (lambda: number): Evaluation => {
    for (let i = 0; i < n; i++) scaled[i] = lambda * (budgets[i] as number);
    if (work === undefined) {
      const { sweeps, converged } = ccd(0, Math.max(maxIterations, 1), innerTolerance);
      matVec(data, n, x, s); // drop the rounding accumulated by incremental updates
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] as number;
      return { x: Float64Array.from(x), sum, sweeps, converged, primal: 0 };
    }
    // ADMM, warm-started from the previous λ's x, z, scaled dual u and penalty φ: successive λ
    // of the search are close, and so are their solutions and multipliers.
    if (!admmStarted) {
      z.set(x);
      projectDykstra(z, set, work, innerTolerance, 100_000);
      u.fill(0);
      admmStarted = true;
    }
    let sweeps = 0;
    let primal = Number.POSITIVE_INFINITY;
    let converged = false;
    for (let iter = 0; iter < maxIterations; iter++) {
      for (let i = 0; i < n; i++) centre[i] = (z[i] as number) - (u[i] as number);
      // One CCD sweep per ADMM iteration (an inexact x-update): ten times fewer sweeps than
      // solving each x-subproblem to the end, and the stopping test below also requires that
      // sweep to leave x in place, so the limit is a fixed point of exact ADMM.
      const inner = ccd(phi, 1, innerTolerance);
      sweeps += inner.sweeps;
      zPrev.set(z);
      for (let i = 0; i < n; i++) z[i] = (x[i] as number) + (u[i] as number);
      projectDykstra(z, set, work, innerTolerance, 100_000);
      primal = 0;
      let dual = 0;
      for (let i = 0; i < n; i++) {
        const r = (x[i] as number) - (z[i] as number);
        u[i] = (u[i] as number) + r;
        primal = Math.max(primal, Math.abs(r));
        dual = Math.max(dual, phi * Math.abs((z[i] as number) - (zPrev[i] as number)));
      }
      if (primal <= tolerance && dual <= tolerance * scale && inner.moved <= tolerance) {
        converged = true;
        break;
      }
      // Residual balancing: u is the scaled dual, so it rescales inversely with φ.
      if (primal > 10 * (dual / scale)) {
        phi *= 2;
        for (let i = 0; i < n; i++) u[i] = (u[i] as number) / 2;
      } else if (dual / scale > 10 * primal) {
        phi /= 2;
        for (let i = 0; i < n; i++) u[i] = (u[i] as number) * 2;
      }
    }
    // Report the feasible iterate z; keep x on it for the next warm start.
    x.set(z);
    matVec(data, n, x, s);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += z[i] as number;
    return { x: Float64Array.from(z), sum, sweeps, converged, primal };
  };

  // Without constraints x*(λ) = sqrt(λ)·y* and 1'x = 1 at λ = w'Σw: the start's variance is the
  // natural first guess of λ*.
  let startVariance = 0;
  for (let i = 0; i < n; i++) startVariance += (start[i] as number) * (s[i] as number);
  const lambda = startVariance > 0 ? startVariance : scale;
  let current = evaluate(lambda);
  totalSweeps += current.sweeps;
  let lo = { t: Number.NaN, h: Number.NaN, e: current };
  let hi = { t: Number.NaN, h: Number.NaN, e: current };
  const t0 = Math.log(lambda);
  const h0 = current.sum - 1;
  if (h0 <= 0) lo = { t: t0, h: h0, e: current };
  else hi = { t: t0, h: h0, e: current };
  // Bracket the root of h(t) = 1'x*(e^t) − 1 (non-decreasing in t) by steps of ln 4.
  for (let k = 0; k < 80 && (Number.isNaN(lo.t) || Number.isNaN(hi.t)); k++) {
    const t = Number.isNaN(lo.t) ? hi.t - Math.log(4) * (k + 1) : lo.t + Math.log(4) * (k + 1);
    current = evaluate(Math.exp(t));
    totalSweeps += current.sweeps;
    const h = current.sum - 1;
    if (Math.abs(h) <= tolerance) {
      lo = { t, h, e: current };
      hi = lo;
      break;
    }
    if (h < 0) lo = { t, h, e: current };
    else hi = { t, h, e: current };
  }
  if (Number.isNaN(lo.t) || Number.isNaN(hi.t)) {
    const sum = current.sum;
    throw new InfeasibleError(
      "RISK_BUDGETING_INFEASIBLE",
      `no λ > 0 gives constrained risk-budgeting weights summing to 1 (closest sum ${sum}): ` +
        "the bounds and linear constraints leave no long-only portfolio with the budgeted assets",
      "constraints",
    );
  }
  // Illinois iterations: regula falsi that halves the stored value of an end point retained twice.
  let best = Math.abs(lo.h) <= Math.abs(hi.h) ? lo : hi;
  let lastSide = 0;
  for (let k = 0; k < 200 && Math.abs(best.h) > tolerance && hi.t - lo.t > 1e-15; k++) {
    let t = lo.t - (lo.h * (hi.t - lo.t)) / (hi.h - lo.h);
    if (!(t > lo.t && t < hi.t)) t = (lo.t + hi.t) / 2;
    current = evaluate(Math.exp(t));
    totalSweeps += current.sweeps;
    const point = { t, h: current.sum - 1, e: current };
    if (Math.abs(point.h) < Math.abs(best.h)) best = point;
    if (point.h < 0) {
      lo = point;
      if (lastSide === -1) hi = { ...hi, h: hi.h / 2 };
      lastSide = -1;
    } else {
      hi = point;
      if (lastSide === 1) lo = { ...lo, h: lo.h / 2 };
      lastSide = 1;
    }
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = (best.e.x[i] as number) / best.e.sum;
  const residual = Math.max(Math.abs(best.h), best.e.primal);
  return {
    weights,
    lambda: Math.exp(best.t),
    iterations: totalSweeps,
    converged: best.e.converged && residual <= tolerance,
    residual,
    method: work === undefined ? "ccd (Richard-Roncalli 2019, bounds)" : "ccd+admm (Richard-Roncalli 2019)",
  };
}

/**
 * Rejects a constraint set with no portfolio summing to 1: Dykstra's projection of 1/n onto
 * bounds ∩ rows ∩ {1'w = 1} converges to a feasible point when there is one; otherwise the point
 * it stops at violates some constraints, which the error names.
 */
function assertFeasible(set: ConstraintSet, n: number): void {
  const rows = new Float64Array((set.m + 1) * n);
  rows.set(set.rows);
  rows.fill(1, set.m * n);
  const withBudget: ConstraintSet = {
    ...set,
    rows,
    rowLower: Float64Array.of(...set.rowLower, 1),
    rowUpper: Float64Array.of(...set.rowUpper, 1),
    names: [...set.names, "budget (Σw = 1)"],
    m: set.m + 1,
  };
  const point = new Float64Array(n).fill(1 / n);
  projectDykstra(point, withBudget, dykstraWorkspace(withBudget, n), 1e-13, 20_000);
  const broken: string[] = [];
  const slack = 1e-8;
  for (let i = 0; i < n; i++) {
    if ((point[i] as number) < (set.lower[i] as number) - slack) broken.push(`bounds.lower[${i}]`);
    if ((point[i] as number) > (set.upper[i] as number) + slack) broken.push(`bounds.upper[${i}]`);
  }
  for (let k = 0; k <= set.m; k++) {
    let dot = 0;
    for (let j = 0; j < n; j++) dot += (rows[k * n + j] as number) * (point[j] as number);
    const lo = withBudget.rowLower[k] as number;
    const hi = withBudget.rowUpper[k] as number;
    if (dot < lo - slack * (1 + Math.abs(lo)) || dot > hi + slack * (1 + Math.abs(hi))) {
      broken.push(withBudget.names[k] as string);
    }
  }
  if (broken.length > 0) {
    throw new InfeasibleError(
      "CONSTRAINTS_INFEASIBLE",
      `no long-only portfolio summing to 1 satisfies the constraints; conflicting: ${broken.join(", ")}`,
      "constraints",
    );
  }
}
