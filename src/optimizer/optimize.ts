import { performance } from "node:perf_hooks";
import { InfeasibleError } from "../errors.ts";
import { defaultEstimators } from "./defaultEstimators.ts";
import { buildConstraints, type PortfolioConstraints } from "./markowitz/constraints.ts";
import { parseProblem, type Problem } from "./problem.ts";
import { createHighsSolver } from "./qp/highsSolver.ts";
import { interiorPointSolver } from "./qp/interiorPoint.ts";
import { constraintReports, portfolioMetrics } from "./report.ts";
import { resolveInputs } from "./resolveInputs.ts";
import { InputError } from "../errors.ts";
import { blackLittermanBranch } from "./branches/blackLitterman.ts";
import { ercBranch } from "./branches/erc.ts";
import { markowitzBranch } from "./branches/markowitz.ts";
import { buildOptimizerModel } from "./model.ts";
import {
  NO_RESIDUALS,
  type BranchOutcome,
  type OptimizeOptions,
  type OptimizeResult,
  type OptimizerBranch,
} from "./optimizeTypes.ts";

export type {
  BranchContext,
  BranchOutcome,
  OptimizeOptions,
  OptimizeResult,
  OptimizerBranch,
} from "./optimizeTypes.ts";
export { markowitzBranch } from "./branches/markowitz.ts";

/**
 * One branch per optimiser type (the registry's `optimizerType`).
 */
const branches: Partial<Record<NonNullable<Problem["optimizerType"]>, OptimizerBranch>> = {
  MARKOWITZ: markowitzBranch,
  ERC: ercBranch,
  BLACK_LITTERMAN: blackLittermanBranch,
};

/**
 * Optimises a portfolio problem (the format of docs/problem-format.md) synchronously with the
 * TypeScript QP engine, or with `options.qpSolver`. Bad input throws an `InputError` naming the
 * field; an infeasible problem returns `status: "infeasible"` with the conflicting constraints
 * and no weights. With `options.model`, an optimal result also carries `model`: the μ and Σ the
 * weights were chosen with (and the efficient frontier on them when asked), see model.ts.
 *
 * @example
 * ```ts
 * const result = optimize({
 *   assets: ["A", "B"],
 *   expectedReturns: [0.08, 0.12],
 *   covariance: [[0.04, 0.006], [0.006, 0.09]],
 *   objective: "max-sharpe",
 * });
 * result.weights; // tangency portfolio, long-only
 * const withModel = optimize(problem, { model: { frontier: { points: 20 } } });
 * withModel.model?.covariance; // { kind: "dense", matrix: [[0.04, 0.006], [0.006, 0.09]] }
 * ```
 */
export function optimize(input: unknown, options: OptimizeOptions = {}): OptimizeResult {
  const started = performance.now();
  const problem = parseProblem(input);
  const optimizerType = problem.optimizerType ?? "MARKOWITZ";
  const branch = branches[optimizerType];
  if (branch === undefined) {
    throw new InputError("OPTIMIZER_UNAVAILABLE", `"${optimizerType}" is not available in this build`, "optimizerType");
  }
  if (problem.solver === "highs" && options.qpSolver === undefined) {
    throw new InputError(
      "SOLVER_NOT_LOADED",
      'solver "highs" needs optimizeAsync (it loads the WASM module)',
      "solver",
    );
  }
  const inputs = resolveInputs(
    problem,
    options.estimators ?? defaultEstimators,
    options.files === undefined ? {} : { files: options.files },
  );
  const riskFreeRate = problem.riskFreeRate ?? 0.02;
  const solver = options.qpSolver ?? interiorPointSolver;
  const base = {
    optimizerType,
    objective:
      optimizerType === "ERC"
        ? null
        : (problem.objective ?? (optimizerType === "BLACK_LITTERMAN" ? "quadratic-utility" : "min-variance")),
    method:
      optimizerType === "ERC"
        ? String((problem as { ercMethod?: unknown }).ercMethod ?? "ccd")
        : (problem.method ?? "qp"),
    assets: inputs.assets,
    riskFreeRate,
  };
  let constraints: PortfolioConstraints;
  let outcome: BranchOutcome;
  try {
    constraints = buildConstraints(problem.constraints, inputs.assets);
    outcome = branch({
      problem,
      inputs,
      constraints,
      solver,
      riskFreeRate,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
  } catch (error) {
    if (!(error instanceof InfeasibleError)) throw error;
    outcome = {
      status: "infeasible",
      weights: null,
      infeasibility: { conflicts: [], message: error.message },
      solver: solver.name,
      iterations: 0,
      qpSolves: 0,
      residuals: NO_RESIDUALS,
      warnings: [],
    };
    constraints = undefined as never;
  }
  const warnings = [...inputs.warnings, ...outcome.warnings];
  const runtimeMs = performance.now() - started;
  const diagnostics = {
    solver: outcome.solver,
    iterations: outcome.iterations,
    qpSolves: outcome.qpSolves,
    residuals: outcome.residuals,
    runtimeMs,
  };
  if (outcome.weights === null || outcome.status !== "optimal") {
    return {
      ...base,
      status: outcome.status,
      weights: [],
      expectedReturn: null,
      volatility: null,
      sharpe: null,
      riskContributions: [],
      constraints: [],
      ...(outcome.infeasibility === undefined ? {} : { infeasibility: outcome.infeasibility }),
      diagnostics,
      warnings,
    };
  }
  const mu = outcome.expectedReturns === undefined ? inputs.expectedReturns : outcome.expectedReturns;
  const covariance = outcome.covariance ?? inputs.covariance;
  const metrics = portfolioMetrics(outcome.weights, mu, covariance, riskFreeRate);
  // The model is built from the very arrays behind `metrics`, so its w'Σw is `volatility`².
  const model =
    options.model === undefined || options.model === false
      ? undefined
      : buildOptimizerModel(
          { problem, assets: inputs.assets, expectedReturns: mu, covariance, riskFreeRate, solver },
          options.model === true ? {} : options.model,
        );
  return {
    ...base,
    status: "optimal",
    weights: Array.from(outcome.weights),
    ...metrics,
    constraints: constraintReports(
      constraints,
      outcome.weights,
      covariance,
      inputs.assets,
      outcome.targetVolatility === undefined ? {} : { targetVolatility: outcome.targetVolatility },
    ),
    diagnostics,
    warnings,
    ...outcome.extra,
    ...(model === undefined ? {} : { model }),
  };
}

/**
 * {@link optimize}, loading the HiGHS backend first when the problem asks for `solver: "highs"`.
 *
 * @example
 * ```ts
 * const result = await optimizeAsync({ ...problem, solver: "highs" });
 * ```
 */
export async function optimizeAsync(input: unknown, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const wantsHighs = typeof input === "object" && input !== null && (input as { solver?: unknown }).solver === "highs";
  if (wantsHighs && options.qpSolver === undefined) {
    return optimize(input, { ...options, qpSolver: await createHighsSolver() });
  }
  return optimize(input, options);
}
