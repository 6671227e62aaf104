// Cyclical coordinate descent for risk budgeting: Griveau-Billion, Richard & Roncalli (2013),
// "A fast algorithm for computing high-dimensional risk parity portfolios", SSRN 2325255.
import { budgetError, matVec } from "./linalg.ts";
import { jsSweepEngine, wasmSweepEngine } from "./symmetricSweep.ts";

/** Outcome of an unconstrained solve on the unnormalised variable y (w = y / 1'y). */
export interface UnconstrainedOutcome {
  readonly y: Float64Array;
  /** Σy, freshly computed (not accumulated) at the returned y. */
  readonly sigmaY: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** max |RC_i − b_i| at the returned y. */
  readonly residual: number;
}

/** Positive root of a·y² + β·y − c = 0 (a, c > 0), written to avoid cancellation when β > 0. */
function positiveRoot(a: number, beta: number, c: number): number {
  const root = Math.sqrt(beta * beta + 4 * a * c);
  return beta >= 0 ? (2 * c) / (beta + root) : (root - beta) / (2 * a);
}

/**
 * Starting point y0 = t·x0 with x0_i = sqrt(b_i)/σ_i (exact for uncorrelated assets) or the warm
 * start, and t = 1/sqrt(x0'Σx0), the optimal scale of x0 for Spinu's objective (Σ b_i = 1).
 * Writes y and s = Σy.
 */
export function initialPoint(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  warmStart: Float64Array | undefined,
  y: Float64Array,
  s: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    y[i] =
      warmStart === undefined
        ? Math.sqrt(budgets[i] as number) / Math.sqrt(data[i * n + i] as number)
        : (warmStart[i] as number);
  }
  matVec(data, n, y, s);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[i] as number) * (s[i] as number);
  const t = 1 / Math.sqrt(variance);
  for (let i = 0; i < n; i++) {
    y[i] = (y[i] as number) * t;
    s[i] = (s[i] as number) * t;
  }
}

/** One plain CCD sweep on f(y) = ½ y'Σy − Σ b_i ln y_i; updates y and s = Σy in place. */
export function ccdSweep(data: Float64Array, n: number, budgets: Float64Array, y: Float64Array, s: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const sii = data[row + i] as number;
    const yi = y[i] as number;
    const next = positiveRoot(sii, (s[i] as number) - sii * yi, budgets[i] as number);
    const delta = next - yi;
    y[i] = next;
    for (let j = 0; j < n; j++) s[j] = (s[j] as number) + delta * (data[row + j] as number);
  }
}

/** f(y) = ½ y's − Σ b_i ln y_i given s = Σy: O(n). */
function spinuObjective(y: Float64Array, s: Float64Array, budgets: Float64Array): number {
  let f = 0;
  for (let i = 0; i < y.length; i++)
    f += 0.5 * (y[i] as number) * (s[i] as number) - (budgets[i] as number) * Math.log(y[i] as number);
  return f;
}

/** Solves the small m×m system A x = r by Gaussian elimination with partial pivoting (A is copied). */
function solveSmall(a: Float64Array, r: Float64Array, m: number): Float64Array | undefined {
  const mat = Float64Array.from(a);
  const x = Float64Array.from(r);
  for (let k = 0; k < m; k++) {
    let p = k;
    for (let i = k + 1; i < m; i++) if (Math.abs(mat[i * m + k] as number) > Math.abs(mat[p * m + k] as number)) p = i;
    if (p !== k) {
      for (let j = 0; j < m; j++) {
        const t = mat[k * m + j] as number;
        mat[k * m + j] = mat[p * m + j] as number;
        mat[p * m + j] = t;
      }
      const t = x[k] as number;
      x[k] = x[p] as number;
      x[p] = t;
    }
    const pivot = mat[k * m + k] as number;
    if (!(Math.abs(pivot) > 0)) return undefined;
    for (let i = k + 1; i < m; i++) {
      const f = (mat[i * m + k] as number) / pivot;
      for (let j = k; j < m; j++) mat[i * m + j] = (mat[i * m + j] as number) - f * (mat[k * m + j] as number);
      x[i] = (x[i] as number) - f * (x[k] as number);
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let j = i + 1; j < m; j++) sum -= (mat[i * m + j] as number) * (x[j] as number);
    x[i] = sum / (mat[i * m + i] as number);
  }
  return x;
}

/** Depth of the Anderson history (past sweeps combined). */
const ANDERSON_DEPTH = 5;

/** Which sweep backend {@link solveCcd} uses: WebAssembly SIMD when available (`"auto"`), or JS. */
export type CcdBackend = "auto" | "js";

/**
 * CCD on Spinu's strictly convex objective f(y) = ½ y'Σy − Σ b_i ln y_i, whose unique minimiser
 * satisfies y_i (Σy)_i = b_i, i.e. RC_i = b_i for w = y/1'y. The exact coordinate minimiser solves
 * σ_ii y_i² + c_i y_i − b_i = 0 with c_i = (Σy)_i − σ_ii y_i, so
 *
 *   y_i ← (−c_i + sqrt(c_i² + 4 σ_ii b_i)) / (2 σ_ii).
 *
 * Each sweep reads only the lower triangle of Σ, once (./symmetricSweep.ts), and returns a freshly
 * computed Σy of its output, on which the stopping test max_i |RC_i − b_i| ≤ tolerance is made: no
 * separate verification pass. The sweeps are Anderson-accelerated (Walker & Ni 2011, depth 5): the
 * next iterate is the combination of the last sweeps' outputs that minimises the norm of the
 * combined sweep residual; because Σ is linear, Σy and the strict-upper products of the
 * combination are combined too, at O(n) per sweep. The accelerated point is accepted only if it
 * stays positive and does not raise f above the plain sweep's value, otherwise the plain sweep is
 * kept and the history restarts, so every iteration is at least as good as a CCD sweep. The
 * returned point is always a sweep output (or the start) with its fresh Σy.
 *
 * Cost: one half-pass over Σ per sweep, in WebAssembly SIMD (f64x2) on a packed copy of the
 * lower triangle when available (the copy and the start's product Σy together cost about one more
 * half-pass), else in JS on Σ itself (the start's product costs a half-pass); both backends give
 * bit-identical results.
 */
export function solveCcd(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  tolerance: number,
  maxIterations: number,
  warmStart?: Float64Array,
  backend: CcdBackend = "auto",
): UnconstrainedOutcome {
  const y = new Float64Array(n);
  const s = new Float64Array(n);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] =
      warmStart === undefined
        ? Math.sqrt(budgets[i] as number) / Math.sqrt(data[i * n + i] as number)
        : (warmStart[i] as number);
  }
  // The engine computes s = Σy and u for the start as it reads Σ in.
  const start = { y, s, u };
  const engine =
    (backend === "auto" ? wasmSweepEngine(data, n, budgets, start) : undefined) ??
    jsSweepEngine(data, n, budgets, start);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[i] as number) * (s[i] as number);
  // Optimal scale of the start for f (Σ b_i = 1): y'Σy = 1.
  const t = 1 / Math.sqrt(variance);
  for (let i = 0; i < n; i++) {
    y[i] = (y[i] as number) * t;
    s[i] = (s[i] as number) * t;
    u[i] = (u[i] as number) * t;
  }
  const slots = ANDERSON_DEPTH + 1;
  const history = Array.from({ length: slots }, () => ({
    y: new Float64Array(n),
    u: new Float64Array(n),
    s: new Float64Array(n),
    /** Sweep residual g(y) − y. */
    f: new Float64Array(n),
  }));
  const cand = { y: new Float64Array(n), u: new Float64Array(n), s: new Float64Array(n) };
  const gram = new Float64Array(ANDERSON_DEPTH * ANDERSON_DEPTH);
  const rhs = new Float64Array(ANDERSON_DEPTH);
  let stored = 0; // sweeps in the history, oldest first at index (head − stored) mod slots
  let head = 0;
  let residual = budgetError(y, s, budgets);
  let best = { y, s };
  let sweeps = 0;
  while (!(residual <= tolerance) && sweeps < maxIterations) {
    const g = history[head] as (typeof history)[number];
    g.y.set(y);
    engine.sweep(g.y, u, g.s, g.u);
    sweeps++;
    best = g;
    residual = budgetError(g.y, g.s, budgets);
    if (residual <= tolerance) break;
    for (let i = 0; i < n; i++) g.f[i] = (g.y[i] as number) - (y[i] as number);
    stored = Math.min(stored + 1, slots);
    const m = stored - 1; // differences available
    const index = (age: number): (typeof history)[number] =>
      history[(head - age + slots) % slots] as (typeof history)[number]; // age 0 = newest
    let accepted = false;
    if (m > 0) {
      // Differences ΔF_j = F_{j+1} − F_j over the history, newest last; Gram system (ΔF'ΔF) γ = ΔF'f.
      for (let p = 0; p < m; p++) {
        const fp1 = index(p).f;
        const fp0 = index(p + 1).f;
        let r = 0;
        for (let i = 0; i < n; i++) r += ((fp1[i] as number) - (fp0[i] as number)) * (g.f[i] as number);
        rhs[p] = r;
        for (let q = 0; q <= p; q++) {
          const fq1 = index(q).f;
          const fq0 = index(q + 1).f;
          let v = 0;
          for (let i = 0; i < n; i++)
            v += ((fp1[i] as number) - (fp0[i] as number)) * ((fq1[i] as number) - (fq0[i] as number));
          gram[p * m + q] = v;
          gram[q * m + p] = v;
        }
      }
      let trace = 0;
      for (let p = 0; p < m; p++) trace += gram[p * m + p] as number;
      for (let p = 0; p < m; p++) gram[p * m + p] = (gram[p * m + p] as number) + 1e-12 * trace;
      const gamma = trace > 0 ? solveSmall(gram.subarray(0, m * m), rhs.subarray(0, m), m) : undefined;
      if (gamma !== undefined) {
        cand.y.set(g.y);
        cand.u.set(g.u);
        cand.s.set(g.s);
        for (let p = 0; p < m; p++) {
          const c = gamma[p] as number;
          const h1 = index(p);
          const h0 = index(p + 1);
          for (let i = 0; i < n; i++) {
            cand.y[i] = (cand.y[i] as number) - c * ((h1.y[i] as number) - (h0.y[i] as number));
            cand.u[i] = (cand.u[i] as number) - c * ((h1.u[i] as number) - (h0.u[i] as number));
            cand.s[i] = (cand.s[i] as number) - c * ((h1.s[i] as number) - (h0.s[i] as number));
          }
        }
        let positive = true;
        for (let i = 0; i < n && positive; i++) positive = (cand.y[i] as number) > 0;
        if (positive && spinuObjective(cand.y, cand.s, budgets) <= spinuObjective(g.y, g.s, budgets)) {
          y.set(cand.y);
          u.set(cand.u);
          accepted = true;
        }
      }
    }
    if (!accepted) {
      y.set(g.y);
      u.set(g.u);
      if (m > 0) stored = 1; // restart the history from this sweep
    }
    head = (head + 1) % slots;
  }
  return {
    y: Float64Array.from(best.y),
    sigmaY: Float64Array.from(best.s),
    iterations: sweeps,
    converged: residual <= tolerance,
    residual,
  };
}

/** Problem data of {@link ccdBoxSweep}: ½ y'Σy − Σ λb_i ln y_i + (φ/2)‖y − v‖² over lower ≤ y ≤ upper. */
export interface BoxCcdProblem {
  readonly data: Float64Array;
  readonly n: number;
  /** λ·b_i. */
  readonly scaledBudgets: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** ADMM penalty φ (0 without a proximal term). */
  readonly phi: number;
  /** Proximal centre v (ignored when φ = 0). */
  readonly centre: Float64Array;
}

/**
 * One CCD sweep of Richard & Roncalli (2019), Algorithm 3 (box constraints handled inside the
 * coordinate update: the minimiser of a convex function of one variable over an interval is the
 * clipped unconstrained minimiser). With φ > 0 this is the x-update of their ADMM (Algorithm 4).
 * Updates y and s = Σy in place; returns max_i |Δy_i|.
 */
export function ccdBoxSweep(problem: BoxCcdProblem, y: Float64Array, s: Float64Array): number {
  const { data, n, scaledBudgets, lower, upper, phi, centre } = problem;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const sii = data[row + i] as number;
    const yi = y[i] as number;
    const beta = (s[i] as number) - sii * yi - (phi > 0 ? phi * (centre[i] as number) : 0);
    let next = positiveRoot(sii + phi, beta, scaledBudgets[i] as number);
    if (next < (lower[i] as number)) next = lower[i] as number;
    if (next > (upper[i] as number)) next = upper[i] as number;
    const delta = next - yi;
    if (delta === 0) continue;
    y[i] = next;
    if (Math.abs(delta) > largest) largest = Math.abs(delta);
    for (let j = 0; j < n; j++) s[j] = (s[j] as number) + delta * (data[row + j] as number);
  }
  return largest;
}
