// Newton-Raphson on Spinu's convex formulation: F. Spinu (2013), "An algorithm for computing risk
// parity weights", SSRN 2297383.
import { type UnconstrainedOutcome } from "./ccd.ts";
import { budgetError, choleskyInPlace, choleskySolveInPlace, matVec } from "./linalg.ts";
import { finishInCorrelationSpace, startInCorrelationSpace } from "./scaling.ts";

/**
 * Damped Newton on f(x) = ½ x'Cx − Σ b_i ln x_i (C the correlation matrix; x = D^{1/2} y):
 *
 *   g = Cx − b/x,   H = C + diag(b/x²) (positive definite),   d = −H⁻¹g  (Cholesky, O(n³)),
 *
 * then a backtracking (Armijo, 1e-4) line search from t = min(1, 0.99·distance to the boundary
 * x > 0), skipped once the Newton decrement −g'd ≤ 1e-10 (where rounding makes the test
 * meaningless and the full step is quadratically convergent). f is evaluated along d at O(n)
 * per trial from Cx and Cd. Convergence is quadratic near
 * the solution; stops when max_i |RC_i − b_i| ≤ tolerance.
 */
export function solveNewton(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  tolerance: number,
  maxIterations: number,
  warmStart?: Float64Array,
): UnconstrainedOutcome {
  const start = startInCorrelationSpace(data, n, budgets, warmStart);
  const { corr, x, cx } = start;
  const hessian = new Float64Array(n * n);
  const d = new Float64Array(n);
  const cd = new Float64Array(n);
  let residual = budgetError(x, cx, budgets);
  let iterations = 0;
  const objective = (t: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const xi = (x[i] as number) + t * (d[i] as number);
      f += 0.5 * xi * ((cx[i] as number) + t * (cd[i] as number)) - (budgets[i] as number) * Math.log(xi);
    }
    return f;
  };
  while (!(residual <= tolerance) && iterations < maxIterations) {
    hessian.set(corr);
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      hessian[i * n + i] = (hessian[i * n + i] as number) + (budgets[i] as number) / (xi * xi);
      d[i] = (budgets[i] as number) / xi - (cx[i] as number); // −g
    }
    if (choleskyInPlace(hessian, n, () => 0).failedAt >= 0) break; // only if C is not PSD
    choleskySolveInPlace(hessian, n, d);
    matVec(corr, n, d, cd);
    let slope = 0;
    let t = 1;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const di = d[i] as number;
      slope += di * ((cx[i] as number) - (budgets[i] as number) / xi);
      if (di < 0) t = Math.min(t, (-0.99 * xi) / di);
    }
    // f is O(1) here (x'Cx → 1, Σb = 1). Once the Newton decrement −g'd is below 1e-10, the
    // Armijo comparison drowns in rounding (f changes by ~1e-20) and would reject good steps:
    // inside that region the full Newton step converges quadratically, so it is taken as is.
    if (-slope > 1e-10) {
      const f0 = objective(0);
      while (t > 1e-12 && !(objective(t) <= f0 + 1e-4 * t * slope)) t /= 2;
    }
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + t * (d[i] as number);
      cx[i] = (cx[i] as number) + t * (cd[i] as number);
    }
    iterations++;
    residual = budgetError(x, cx, budgets);
    if (residual <= tolerance) {
      matVec(corr, n, x, cx);
      residual = budgetError(x, cx, budgets);
    }
  }
  return finishInCorrelationSpace(start, budgets, tolerance, iterations, residual);
}
