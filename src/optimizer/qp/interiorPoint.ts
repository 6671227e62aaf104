import { prepareDenseProduct } from "../simd/denseProduct.ts";
import { solveInteriorPoint } from "./mehrotra.ts";
import { activeSetOf, objectiveValue } from "./operators.ts";
import { polishOnActiveSet } from "./polish.ts";
import { nystromSurrogate } from "./surrogate.ts";
import type { QpCovariance, QpProblem, QpSolution, QpSolveOptions, QpSolver } from "./types.ts";

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
 *
 * Modules: `mehrotra.ts` (the iterations), `ipmState.ts` (layout and iterate), `ipmDirection.ts`
 * (Newton system and directions), `ipmFinish.ts` (result and final polish), `polish.ts`.
 */
export const interiorPointSolver: QpSolver = {
  name: "ipm",
  solve(problem: QpProblem, options: QpSolveOptions = {}): QpSolution {
    const p = withPreparedProduct(problem);
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
    // The original covariance object: its Nyström sketch is cached per object.
    const cov = problem.covariance;
    if (cov !== null && cov.kind === "dense" && p.covScale > 0 && cov.n >= SURROGATE_MIN_ASSETS) {
      const guessed = solveViaSurrogate(p, cov, options);
      if (guessed !== null) return guessed;
    }
    return solveInteriorPoint(p, options);
  },
};

/**
 * A dense Σ is multiplied many times per solve (polishing and its verification, the dense
 * iterations): prepare the product once per solve, in WebAssembly SIMD where available
 * (../simd/denseProduct.ts; identical results either way).
 */
function withPreparedProduct(p: QpProblem): QpProblem {
  const cov = p.covariance;
  if (cov === null || cov.kind !== "dense" || p.covScale === 0) return p;
  return {
    ...p,
    covariance: { ...cov, product: prepareDenseProduct(cov.data, cov.n) },
  };
}

/** Below this many assets one dense Cholesky per iteration is cheap enough. */
const SURROGATE_MIN_ASSETS = 150;

/**
 * Stopping tolerance of the surrogate's interior point. Only its active set is used, and that is
 * settled well before 1e-8 (the bench problems give the same active set, polish rounds and
 * optimum from 1e-4 to 1e-8, two to three iterations fewer at 1e-5); a wrong guess costs polish
 * rounds, and one that polishing cannot repair falls back to the dense method. For the same
 * reason the surrogate's Newton solves skip iterative refinement (a third of the solves).
 */
const SURROGATE_TOLERANCE = 1e-5;

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
  const prepared = p.covariance?.kind === "dense" ? p.covariance.product : undefined;
  const surrogate = nystromSurrogate(cov, undefined, prepared);
  if (surrogate === null) return null;
  const guess = solveInteriorPoint(
    { ...p, covariance: surrogate },
    {
      ...options,
      tolerance: SURROGATE_TOLERANCE,
      polish: false,
      refine: false,
    },
  );
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
