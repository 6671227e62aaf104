// Gradient descent ("naive" first-order risk parity) on the log-barrier formulation of Spinu (2013)
// / Bai, Scheinberg & Tütüncü (2016), with Barzilai-Borwein steps.
import { type UnconstrainedOutcome } from "./ccd.ts";
import { budgetError, matVec } from "./linalg.ts";
import { finishInCorrelationSpace, startInCorrelationSpace } from "./scaling.ts";

/** Length of the non-monotone line-search memory (Grippo, Lampariello & Lucidi 1986). */
const MEMORY = 10;

/**
 * Gradient descent on f(x) = ½ x'Cx − Σ b_i ln x_i (C the correlation matrix, x = D^{1/2} y), the
 * dispersion of unnormalised risk contributions x_i(Cx)_i around the budgets measured through
 * their log-barrier potential: ∇f = Cx − b/x vanishes exactly where x_i (Cx)_i = b_i. Steps are
 * Barzilai-Borwein lengths (alternating BB1/BB2) with a non-monotone Armijo test against the worst
 * of the last 10 values (Raydan 1997) and a cap keeping x > 0. One O(n²) product (C·∇f) per step;
 * f along the step is then O(n). Linear convergence: the slow baseline of the four methods.
 *
 * The least-squares dispersion Σ_i (x_i (Cx)_i − b_i)² was the first candidate: it is not convex,
 * and BB gradient stalled at spurious stationary points on multi-factor covariance matrices, so
 * the convex potential is used instead (same solution, guaranteed convergence).
 */
export function solveGradient(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  tolerance: number,
  maxIterations: number,
  warmStart?: Float64Array,
): UnconstrainedOutcome {
  const start = startInCorrelationSpace(data, n, budgets, warmStart);
  const { corr, x, cx } = start;
  const grad = new Float64Array(n);
  const cg = new Float64Array(n);
  const prevGrad = new Float64Array(n);
  const gradientAt = (): void => {
    for (let i = 0; i < n; i++) grad[i] = (cx[i] as number) - (budgets[i] as number) / (x[i] as number);
  };
  const objectiveAt = (t: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const xi = (x[i] as number) - t * (grad[i] as number);
      f += 0.5 * xi * ((cx[i] as number) - t * (cg[i] as number)) - (budgets[i] as number) * Math.log(xi);
    }
    return f;
  };
  gradientAt();
  let value = objectiveAt(0);
  const history: number[] = [value];
  let step = 1; // C has unit diagonal: a unit step is the natural first guess
  let residual = budgetError(x, cx, budgets);
  let iterations = 0;
  while (!(residual <= tolerance) && iterations < maxIterations) {
    matVec(corr, n, grad, cg);
    let cap = Number.POSITIVE_INFINITY;
    let gg = 0;
    for (let i = 0; i < n; i++) {
      const gi = grad[i] as number;
      gg += gi * gi;
      if (gi > 0) cap = Math.min(cap, (0.9 * (x[i] as number)) / gi);
    }
    let t = Math.min(step, cap);
    const reference = Math.max(...history);
    let trialValue = objectiveAt(t);
    // When the predicted decrease t‖g‖² is below the rounding of f, the test cannot tell a good
    // step from a bad one and would stall the method just short of the tolerance: accept it.
    const resolvable = (step: number): boolean => step * gg > 1e-14 * Math.max(1, Math.abs(value));
    while (t > 1e-300 && resolvable(t) && !(trialValue <= reference - 1e-4 * t * gg)) {
      t /= 4;
      trialValue = objectiveAt(t);
    }
    if (!(t > 1e-300)) break;
    prevGrad.set(grad);
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) - t * (grad[i] as number);
      cx[i] = (cx[i] as number) - t * (cg[i] as number);
    }
    gradientAt();
    // s = −t·g_prev; BB1 = s's / s'Δg, BB2 = s'Δg / Δg'Δg.
    let ss = 0;
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = -t * (prevGrad[i] as number);
      const yi = (grad[i] as number) - (prevGrad[i] as number);
      ss += si * si;
      sy += si * yi;
      yy += yi * yi;
    }
    iterations++;
    step = sy > 0 ? (iterations % 2 === 0 ? ss / sy : sy / yy) : 2 * t;
    value = trialValue;
    history.push(value);
    if (history.length > MEMORY) history.shift();
    residual = budgetError(x, cx, budgets);
    if (residual <= tolerance) {
      matVec(corr, n, x, cx); // the incremental Cx must not fake convergence
      residual = budgetError(x, cx, budgets);
      gradientAt();
    }
  }
  return finishInCorrelationSpace(start, budgets, tolerance, iterations, residual);
}
