import { performance } from "node:perf_hooks";
import { InfeasibleError } from "../errors.ts";
import { defaultEstimators } from "./defaultEstimators.ts";
import { buildConstraints, type PortfolioConstraints } from "./markowitz/constraints.ts";
import { parseProblem, type Problem } from "./problem.ts";
import { createHighsSolver } from "./qp/highsSolver.ts";
import { interiorPointSolver } from "./qp/interiorPoint.ts";
import { constraintReports, portfolioStatistics } from "./report.ts";
import { resolveInputs } from "./resolveInputs.ts";
import { InputError } from "../errors.ts";
import { blackLittermanBranch } from "./branches/blackLitterman.ts";
import { ercBranch } from "./branches/erc.ts";
import { hrpBranch } from "./branches/hrp.ts";
import { markowitzBranch } from "./branches/markowitz.ts";
import { buildOptimizerModel } from "./model.ts";
import {
  infeasibleOutcome,
  type BlackLittermanOutcome,
  type BranchContext,
  type BranchOutcome,
  type ErcOutcome,
  type HrpOutcome,
  type OptimizeOptions,
  type OptimizeResult,
  type OptimizeResultBase,
} from "./optimizeTypes.ts";

export type {
  BlackLittermanResult,
  BranchContext,
  BranchOutcome,
  ErcResult,
  HrpResult,
  MarkowitzResult,
  OptimizeOptions,
  OptimizeResult,
  OptimizeResultBase,
  OptimizerBranch,
} from "./optimizeTypes.ts";
export { markowitzBranch } from "./branches/markowitz.ts";

type AnyOutcome = BranchOutcome | ErcOutcome | BlackLittermanOutcome | HrpOutcome;

/** Runs the branch of the problem's optimiser type (the registry's `optimizerType`). */
function runBranch(problem: Problem, context: Omit<BranchContext, "problem">): AnyOutcome {
  switch (problem.optimizerType) {
    case "MARKOWITZ":
      return markowitzBranch({ ...context, problem });
    case "ERC":
      return ercBranch({ ...context, problem });
    case "BLACK_LITTERMAN":
      return blackLittermanBranch({ ...context, problem });
    case "HRP":
      return hrpBranch({ ...context, problem });
  }
}

/**
 * The result typed by the problem's optimiser type: its objective (ERC has none) and, when a
 * solution was found, the branch's report (`riskBudgeting`, the Black-Litterman posterior).
 */
function typedResult(
  problem: Problem,
  common: Omit<OptimizeResultBase, "optimizerType" | "objective">,
  outcome: AnyOutcome,
): OptimizeResult {
  const optimal = common.status === "optimal";
  switch (problem.optimizerType) {
    case "MARKOWITZ":
      return {
        optimizerType: "MARKOWITZ",
        objective: problem.objective ?? "min-variance",
        ...common,
        ...(optimal && outcome.cvar !== undefined ? { cvar: outcome.cvar } : {}),
      };
    case "ERC":
      return {
        optimizerType: "ERC",
        objective: null,
        ...common,
        ...(optimal && "riskBudgeting" in outcome ? { riskBudgeting: outcome.riskBudgeting } : {}),
      };
    case "BLACK_LITTERMAN":
      return {
        optimizerType: "BLACK_LITTERMAN",
        objective: problem.objective ?? "quadratic-utility",
        ...common,
        ...(optimal && "blackLitterman" in outcome ? outcome.blackLitterman : {}),
      };
    case "HRP":
      return {
        optimizerType: "HRP",
        objective: null,
        ...common,
        ...(optimal && "hrp" in outcome ? { hrp: outcome.hrp } : {}),
      };
  }
}

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
  if ("solver" in problem && problem.solver === "highs" && options.qpSolver === undefined) {
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
    method:
      problem.optimizerType === "ERC"
        ? (problem.ercMethod ?? "ccd")
        : problem.optimizerType === "HRP"
          ? `hrp-${problem.linkage ?? "single"}`
          : (problem.method ?? "qp"),
    assets: inputs.assets,
    riskFreeRate,
  };
  let constraints: PortfolioConstraints;
  let outcome: AnyOutcome;
  try {
    constraints = buildConstraints(problem.constraints, inputs.assets);
    outcome = runBranch(problem, {
      inputs,
      constraints,
      solver,
      riskFreeRate,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
  } catch (error) {
    if (!(error instanceof InfeasibleError)) throw error;
    outcome = infeasibleOutcome({ conflicts: [], message: error.message }, solver.name);
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
    return typedResult(
      problem,
      {
        ...base,
        status: outcome.status,
        weights: [],
        expectedReturn: null,
        volatility: null,
        sharpe: null,
        volatilityContributions: [],
        constraints: [],
        ...(outcome.infeasibility === undefined ? {} : { infeasibility: outcome.infeasibility }),
        diagnostics,
        warnings,
      },
      outcome,
    );
  }
  const mu = outcome.expectedReturns === undefined ? inputs.expectedReturns : outcome.expectedReturns;
  const covariance = outcome.covariance ?? inputs.covariance;
  const statistics = portfolioStatistics(outcome.weights, mu, covariance, riskFreeRate);
  // The model is built from the very arrays behind `statistics`, so its w'Σw is `volatility`².
  const model =
    options.model === undefined || options.model === false
      ? undefined
      : buildOptimizerModel(
          { problem, assets: inputs.assets, expectedReturns: mu, covariance, riskFreeRate, solver },
          options.model === true ? {} : options.model,
        );
  return typedResult(
    problem,
    {
      ...base,
      status: "optimal",
      weights: Array.from(outcome.weights),
      ...statistics,
      constraints: constraintReports(
        constraints,
        outcome.weights,
        covariance,
        inputs.assets,
        outcome.targetVolatility === undefined ? {} : { targetVolatility: outcome.targetVolatility },
      ),
      diagnostics,
      warnings,
      ...(model === undefined ? {} : { model }),
    },
    outcome,
  );
}

/**
 * {@link optimize}, loading the HiGHS backend first when the problem asks for `solver: "highs"` or a
 * CVaR objective.
 *
 * @example
 * ```ts
 * const result = await optimizeAsync({ ...problem, solver: "highs" });
 * ```
 */
export async function optimizeAsync(input: unknown, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const fields =
    typeof input === "object" && input !== null ? (input as { solver?: unknown; objective?: unknown }) : {};
  // The CVaR objectives are linear programmes, solved by HiGHS (branches/cvar.ts).
  const wantsHighs =
    fields.solver === "highs" || fields.objective === "min-cvar" || fields.objective === "efficient-cvar";
  if (wantsHighs && options.qpSolver === undefined) {
    return optimize(input, { ...options, qpSolver: await createHighsSolver() });
  }
  return optimize(input, options);
}
