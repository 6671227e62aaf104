/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
// The market-impact penalty Σ κ_i·|Δ_i|^{3/2}, Δ = w − w0 (cvxportfolio's impact cost, as a fraction
// of NAV), on top of a Markowitz objective. The term is convex and continuously differentiable but not
// quadratic, so it is solved as a sequence of QPs by majorisation–minimisation: (Δ² + ε²)^{3/4} is
// concave in Δ², so at the current Δ its tangent in Δ² is an upper bound that is quadratic in Δ,
//   κ(Δ² + ε²)^{3/4} ≤ κ(s³ + (3/4)(Δ² + ε² − s⁴)/s),  s = (Δ_k² + ε²)^{1/4},
// with equal values and gradients at Δ_k. Each step minimises the objective plus Σ d_i Δ_i²,
// d_i = (3/4)κ_i/s_i — a diagonal added to Σ and a linear term — which never increases the true
// objective; ε shrinks to 1e-10, where the smoothing changes the objective by at most κ·ε^{3/2}.
// At the fixed point the QP's stationarity is the true one: 2d_iΔ_i = (3/2)κ_i·Δ_i/s_i.
import { InputError } from "../../errors.ts";
import type { QpCovariance, QpSolver } from "../qp/types.ts";
import type { PortfolioConstraints } from "./constraints.ts";
import { solveMarkowitz, type MarkowitzOutcome, type MarkowitzSpec, type WarmStartCache } from "./solveMarkowitz.ts";

/** Iteration limits of {@link solveWithMarketImpact}. */
const MAX_STEPS = 400;
const TOLERANCE = 1e-11;

/**
 * Solves `spec` under `pc` with `pc.marketImpact`'s penalty (min-variance, quadratic-utility or
 * efficient-return; the quadratic constraints and max-Sharpe have no such form and are refused).
 *
 * @example
 * ```ts
 * const outcome = solveWithMarketImpact(pc, mu, cov, { objective: "min-variance", riskFreeRate: 0.02, riskAversion: 1 }, solver);
 * ```
 */
export function solveWithMarketImpact(
  pc: PortfolioConstraints,
  mu: Float64Array | null,
  cov: QpCovariance,
  spec: MarkowitzSpec,
  solver: QpSolver,
  warm: WarmStartCache = {},
): MarkowitzOutcome {
  const impact = pc.marketImpact;
  if (impact === null) return solveMarkowitz(pc, mu, cov, spec, solver, warm);
  const refused =
    spec.objective === "max-sharpe" || spec.objective === "efficient-risk"
      ? `objective ${spec.objective}`
      : pc.trackingError !== null
        ? "constraints.trackingError"
        : pc.trackingErrorPenalty !== null
          ? "constraints.penalties.trackingError"
          : null;
  if (refused !== null) {
    throw new InputError(
      "OBJECTIVE_UNSUPPORTED",
      `penalties.marketImpact cannot be combined with ${refused} (its steps reshape Σ); use min-variance, quadratic-utility or efficient-return`,
      "constraints.penalties.marketImpact",
    );
  }
  const n = pc.n;
  const a = spec.objective === "quadratic-utility" ? spec.riskAversion / 2 : 1;
  const inner: PortfolioConstraints = { ...pc, marketImpact: null };
  const { reference: w0, kappa } = impact;
  let outcome = solveMarkowitz(inner, mu, cov, spec, solver, warm);
  if (outcome.kind !== "solved" || outcome.solution.status !== "optimal") return outcome;
  let w = outcome.solution.weights;
  let eps = 1e-3;
  let iterations = outcome.solution.iterations;
  let qpSolves = outcome.solution.qpSolves;
  for (let step = 0; step < MAX_STEPS; step++) {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const delta = w[i]! - w0[i]!;
      d[i] = (0.75 * kappa[i]!) / Math.pow(delta * delta + eps * eps, 0.25);
    }
    // a·w'Σ̃w − g̃'w with Σ̃ = Σ + diag(d)/a and g̃ = g + 2d∘w0 is the objective plus Σ d_i(w_i − w0_i)².
    const next = solveMarkowitz(
      inner,
      mu,
      withDiagonal(cov, d, 1 / a),
      { ...spec, extraLinear: Float64Array.from(d, (di, i) => 2 * di * w0[i]!) },
      solver,
      warm,
    );
    if (next.kind !== "solved" || next.solution.status !== "optimal") return next;
    iterations += next.solution.iterations;
    qpSolves += next.solution.qpSolves;
    const moved = next.solution.weights.reduce((m, v, i) => Math.max(m, Math.abs(v - w[i]!)), 0);
    w = next.solution.weights;
    outcome = next;
    if (moved < TOLERANCE) {
      if (eps <= 1e-10) break;
      eps = Math.max(1e-10, eps * 1e-2);
    }
  }
  const s = (outcome as Extract<MarkowitzOutcome, { kind: "solved" }>).solution;
  return {
    kind: "solved",
    solution: {
      ...s,
      iterations,
      qpSolves,
      warnings: [...s.warnings, `market impact: ${qpSolves} QP solves (majorisation–minimisation)`],
    },
  };
}

/** Σ + scale·diag(d), in the covariance's own form. */
function withDiagonal(cov: QpCovariance, d: Float64Array, scale: number): QpCovariance {
  if (cov.kind === "factor") {
    return { ...cov, specificVariance: Float64Array.from(cov.specificVariance, (v, i) => v + scale * d[i]!) };
  }
  const data = Float64Array.from(cov.data);
  for (let i = 0; i < cov.n; i++) data[i * cov.n + i]! += scale * d[i]!;
  return { kind: "dense", n: cov.n, data };
}
