// Successive convex approximation (sequential QP) toward RC_i = b_i: Y. Feng & D. P. Palomar (2015),
// "SCRIP: Successive convex optimization methods for risk parity portfolio design", IEEE TSP 63(19),
// as implemented for the plain budget constraint in the riskParityPortfolio package.
import { ccdSweep, type UnconstrainedOutcome } from "./ccd.ts";
import { budgetError, choleskyInPlace, choleskySolveInPlace, matVec } from "./linalg.ts";
import { finishInCorrelationSpace, startInCorrelationSpace } from "./scaling.ts";

/**
 * Feng & Palomar's SCA on the residuals g_i(x) = RC_i(x) − b_i (their "rc-over-var vs b"
 * formulation), in the scaled variable x = D^{1/2} w normalised by 1'x = 1 (RC is homogeneous of
 * degree 0, so any positive normalisation gives the same portfolio). With s = Cx and v = x's,
 *
 *   J = [diag(s) + diag(x) C − 2 RC s'] / v,
 *
 * each step solves the strongly convex QP  min_d ‖g + J d‖² + (τ/2)‖d‖²  s.t. 1'd = 0  in closed
 * form through its KKT system (Q = 2J'J + τI by Cholesky, O(n³)), then x ← x + γ_k d with
 * γ_{k+1} = γ_k (1 − ζ γ_k) (γ_0 = 1, ζ = 1e-7) and a fraction-to-boundary cap keeping x > 0: the
 * long-only solution is interior, so the bound x ≥ 0 of their QP is never active there.
 * τ = 1e-8·tr(2J'J)/n (initially) keeps Q positive definite (J x = 0: J is singular along x itself) without
 * slowing the Gauss-Newton-like local convergence; when a step does not reduce ‖g‖², τ grows
 * tenfold and the QP is solved again (Levenberg-Marquardt safeguard), and shrinks after a success.
 */
export function solveSequentialQp(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  tolerance: number,
  maxIterations: number,
  warmStart?: Float64Array,
): UnconstrainedOutcome {
  const start = startInCorrelationSpace(data, n, budgets, warmStart);
  const { corr, x } = start;
  const s = start.cx;
  // Σ(RC − b)² is not convex: from the inverse-volatility point a hedging asset with negative
  // marginal risk (Cx)_i < 0 has RC_i < 0, and shrinking x_i towards 0 is then a descent direction
  // that ends at a spurious boundary point. One coordinate sweep of the convex formulation sets
  // x_i (Cx)_i = b_i > 0 at each update, which moves the start out of that basin.
  if (warmStart === undefined) ccdSweep(corr, n, budgets, x, s);
  normalise(x, s);
  const jac = new Float64Array(n * n);
  const q = new Float64Array(n * n);
  const rc = new Float64Array(n);
  const g = new Float64Array(n);
  const rhs = new Float64Array(n);
  const qvec = new Float64Array(n);
  const factor = new Float64Array(n * n);
  const trial = new Float64Array(n);
  const trialS = new Float64Array(n);
  let tauScale = 1e-8;
  const ones = new Float64Array(n);
  let gamma = 1;
  const zeta = 1e-7;
  let residual = budgetError(x, s, budgets);
  let iterations = 0;
  while (!(residual <= tolerance) && iterations < maxIterations) {
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i] as number) * (s[i] as number);
    for (let i = 0; i < n; i++) {
      rc[i] = ((x[i] as number) * (s[i] as number)) / v;
      g[i] = (rc[i] as number) - (budgets[i] as number);
    }
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const xi = (x[i] as number) / v;
      const ri = (2 * (rc[i] as number)) / v;
      for (let j = 0; j < n; j++) jac[row + j] = xi * (corr[row + j] as number) - ri * (s[j] as number);
      jac[row + i] = (jac[row + i] as number) + (s[i] as number) / v;
    }
    // Q = 2 J'J (+ τI), accumulated row by row of J so the inner loop stays contiguous.
    q.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let a = 0; a < n; a++) {
        const jia = 2 * (jac[row + a] as number);
        if (jia === 0) continue;
        const qa = a * n;
        for (let b = 0; b <= a; b++) q[qa + b] = (q[qa + b] as number) + jia * (jac[row + b] as number);
      }
    }
    let trace = 0;
    for (let a = 0; a < n; a++) trace += q[a * n + a] as number;
    // q_vec = 2 J'g
    for (let a = 0; a < n; a++) qvec[a] = 0;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const gi = 2 * (g[i] as number);
      for (let a = 0; a < n; a++) qvec[a] = (qvec[a] as number) + gi * (jac[row + a] as number);
    }
    let gg = 0;
    for (let i = 0; i < n; i++) gg += (g[i] as number) ** 2;
    let accepted = false;
    for (let attempt = 0; attempt < 30 && !accepted; attempt++) {
      const tau = (tauScale * trace) / n;
      factor.set(q);
      for (let a = 0; a < n; a++) factor[a * n + a] = (factor[a * n + a] as number) + tau;
      if (choleskyInPlace(factor, n, () => 0).failedAt >= 0) {
        tauScale *= 10;
        continue;
      }
      rhs.set(qvec);
      choleskySolveInPlace(factor, n, rhs); // Q⁻¹ q_vec
      ones.fill(1);
      choleskySolveInPlace(factor, n, ones); // Q⁻¹ 1
      let num = 0;
      let den = 0;
      for (let a = 0; a < n; a++) {
        num += rhs[a] as number;
        den += ones[a] as number;
      }
      const nu = -num / den;
      let cap = 1;
      for (let a = 0; a < n; a++) {
        const d = -((rhs[a] as number) + nu * (ones[a] as number)); // d = −Q⁻¹(q_vec + ν1)
        rhs[a] = d;
        if (d < 0) cap = Math.min(cap, (-0.9 * (x[a] as number)) / d);
      }
      const t = Math.min(gamma, cap);
      for (let a = 0; a < n; a++) trial[a] = (x[a] as number) + t * (rhs[a] as number);
      matVec(corr, n, trial, trialS);
      let v2 = 0;
      for (let i = 0; i < n; i++) v2 += (trial[i] as number) * (trialS[i] as number);
      let gg2 = 0;
      for (let i = 0; i < n; i++)
        gg2 += (((trial[i] as number) * (trialS[i] as number)) / v2 - (budgets[i] as number)) ** 2;
      if (gg2 < gg) {
        accepted = true;
        x.set(trial);
        s.set(trialS);
        tauScale = Math.max(tauScale / 10, 1e-10);
      } else {
        tauScale *= 10;
      }
    }
    if (!accepted) break;
    gamma *= 1 - zeta * gamma;
    iterations++;
    residual = budgetError(x, s, budgets);
  }
  return finishInCorrelationSpace(start, budgets, tolerance, iterations, residual);
}

/** Rescales x (and s = Cx) so that 1'x = 1. */
function normalise(x: Float64Array, s: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] as number;
  for (let i = 0; i < x.length; i++) {
    x[i] = (x[i] as number) / sum;
    s[i] = (s[i] as number) / sum;
  }
}
