// `optimizerType: "MARKOWITZ"`: the mean-variance family (also Black-Litterman's last step).
import { closedFormWeights } from "../markowitz/closedForm.ts";
import { resampledWeights } from "../markowitz/resampled.ts";
import { solveWithMarketImpact } from "../markowitz/marketImpact.ts";
import { type MarkowitzSpec } from "../markowitz/solveMarkowitz.ts";
import { InputError } from "../../errors.ts";
import { infeasibleOutcome, NO_RESIDUALS, type BranchContext, type BranchOutcome } from "../optimizeTypes.ts";
import type { MeanVarianceProblem } from "../problem.ts";
import { cvarBranch } from "./cvar.ts";

/** `optimizerType: "MARKOWITZ"`, also the last step of Black-Litterman. */
export function markowitzBranch(ctx: BranchContext<MeanVarianceProblem>): BranchOutcome {
  const { problem, inputs, constraints: pc, solver } = ctx;
  const objective = problem.objective ?? "min-variance";
  if (objective === "min-cvar" || objective === "efficient-cvar") return cvarBranch(ctx);
  if (problem.beta !== undefined) {
    throw new InputError("FIELD_UNKNOWN", "only applies to the CVaR objectives (min-cvar, efficient-cvar)", "beta");
  }
  const spec: MarkowitzSpec = {
    objective,
    riskFreeRate: ctx.riskFreeRate,
    riskAversion: problem.riskAversion ?? 1,
    ...(problem.targetVolatility === undefined ? {} : { targetVolatility: problem.targetVolatility }),
    ...(problem.targetReturn === undefined ? {} : { targetReturn: problem.targetReturn }),
  };
  const method = problem.method ?? "qp";
  const mu = inputs.expectedReturns;
  const common =
    spec.objective === "efficient-risk" && spec.targetVolatility !== undefined
      ? { targetVolatility: spec.targetVolatility }
      : {};
  if (method === "closed-form") {
    const w = closedFormWeights(pc, mu, inputs.covariance, spec);
    return {
      status: "optimal",
      weights: w,
      solver: "closed-form",
      iterations: 0,
      qpSolves: 0,
      residuals: NO_RESIDUALS,
      warnings: [],
      ...common,
    };
  }
  if (method === "resampled") {
    if (mu === null) throw new InputError("FIELD_MISSING", "resampling simulates returns from μ", "expectedReturns");
    const r = problem.resampling ?? {};
    const out = resampledWeights(pc, mu, inputs.covariance, spec, solver, {
      draws: r.draws ?? 100,
      observations: r.observations ?? 252,
      seed: r.seed ?? 1,
      frequency: inputs.frequency,
      ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }),
    });
    if ("infeasibility" in out) {
      return infeasibleOutcome(out.infeasibility, solver.name);
    }
    return {
      status: "optimal",
      weights: out.weights,
      solver: `${solver.name}:resampled`,
      iterations: out.iterations,
      qpSolves: out.qpSolves,
      residuals: NO_RESIDUALS,
      warnings: out.warnings,
      ...common,
    };
  }
  const outcome = solveWithMarketImpact(pc, mu, inputs.covariance, spec, solver);
  if (outcome.kind === "infeasible") {
    return infeasibleOutcome(outcome.infeasibility, solver.name);
  }
  const s = outcome.solution;
  return {
    status: s.status,
    weights: s.status === "optimal" ? s.weights : null,
    solver: s.last.solver,
    iterations: s.iterations,
    qpSolves: s.qpSolves,
    residuals: s.last.residuals,
    warnings: s.last.message === undefined ? s.warnings : [...s.warnings, s.last.message],
    ...common,
  };
}
