import { performance } from "node:perf_hooks";
import { InfeasibleError } from "../errors.ts";
import { defaultEstimators } from "./defaultEstimators.ts";
import { closedFormWeights } from "./markowitz/closedForm.ts";
import { buildConstraints, type PortfolioConstraints } from "./markowitz/constraints.ts";
import { resampledWeights } from "./markowitz/resampled.ts";
import { solveMarkowitz, type MarkowitzSpec } from "./markowitz/solveMarkowitz.ts";
import { parseProblem, type Problem } from "./problem.ts";
import { createHighsSolver } from "./qp/highsSolver.ts";
import { interiorPointSolver } from "./qp/interiorPoint.ts";
import type { QpResiduals, QpSolver } from "./qp/types.ts";
import { constraintReports, portfolioMetrics, type ConstraintReport } from "./report.ts";
import { resolveInputs, type EstimatorFunctions, type MarketInputs } from "./resolveInputs.ts";
import { InputError } from "../errors.ts";
import type { BlackLittermanView } from "./blackLitterman/index.ts";
import { blackLittermanBranch } from "./branches/blackLitterman.ts";
import { ercBranch } from "./branches/erc.ts";
import type { QpCovariance } from "./qp/types.ts";
import type { Hex } from "viem";

/** Result of {@link optimize}; numbers are annualised fractions unless named otherwise. */
export interface OptimizeResult {
  readonly status: "optimal" | "infeasible" | "unbounded" | "error";
  readonly optimizerType: string;
  readonly objective: string | null;
  readonly method: string;
  readonly assets: readonly string[];
  /** Weights in asset order (fractions of NAV); empty unless a solution was found. */
  readonly weights: number[];
  readonly expectedReturn: number | null;
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly riskFreeRate: number;
  readonly riskContributions: number[];
  readonly constraints: ConstraintReport[];
  /** Present when status is "infeasible": a minimal set of conflicting constraints. */
  readonly infeasibility?: { readonly conflicts: readonly string[]; readonly message: string };
  readonly diagnostics: {
    readonly solver: string;
    /** Interior-point iterations summed over every QP solved. */
    readonly iterations: number;
    readonly qpSolves: number;
    readonly residuals: QpResiduals;
    readonly runtimeMs: number;
  };
  readonly warnings: string[];
}

/** Options of {@link optimize}. */
export interface OptimizeOptions {
  /** Contents of the files a problem names (prices CSV paths), keyed by the path as written. */
  readonly files?: Readonly<Record<string, string>>;
  /** QP backend; defaults to the TypeScript interior-point engine (or HiGHS via {@link optimizeAsync}). */
  readonly qpSolver?: QpSolver;
  /** Estimators for price-based inputs; defaults to `defaultEstimators`. */
  readonly estimators?: EstimatorFunctions;
  /** Progress of long runs (resampling draws). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Black-Litterman views that the caller (CLI, keeper) has verified (src/views/verifyViews.ts)
   * with their view-set commitment; required when `blackLitterman.signedViews` is set.
   */
  readonly signedViews?: { readonly views: readonly BlackLittermanView[]; readonly commitment: Hex };
}

/** What an optimiser branch (MARKOWITZ, ERC, BLACK_LITTERMAN) hands back to the dispatcher. */
export interface BranchOutcome {
  readonly status: OptimizeResult["status"];
  readonly weights: Float64Array | null;
  /** Expected returns to report with (e.g. Black-Litterman's posterior); defaults to the inputs'. */
  readonly expectedReturns?: Float64Array | null;
  readonly infeasibility?: { readonly conflicts: readonly string[]; readonly message: string };
  readonly solver: string;
  readonly iterations: number;
  readonly qpSolves: number;
  readonly residuals: QpResiduals;
  readonly warnings: readonly string[];
  readonly targetVolatility?: number;
  /** Covariance to report with (e.g. Black-Litterman's Σ*); defaults to the inputs'. */
  readonly covariance?: QpCovariance;
  /** Optimiser-specific result fields (risk budgets, Black-Litterman posterior), merged into the result. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Everything a branch needs, resolved and validated once by the dispatcher. */
export interface BranchContext {
  readonly problem: Problem;
  readonly inputs: MarketInputs;
  readonly constraints: PortfolioConstraints;
  readonly solver: QpSolver;
  readonly riskFreeRate: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signedViews?: OptimizeOptions["signedViews"];
}

/** An optimiser type's implementation. */
export type OptimizerBranch = (context: BranchContext) => BranchOutcome;

const NO_RESIDUALS: QpResiduals = { primal: 0, dual: 0, complementarity: 0 };

/** `optimizerType: "MARKOWITZ"`, also the last step of Black-Litterman. */
export function markowitzBranch(ctx: BranchContext): BranchOutcome {
  const { problem, inputs, constraints: pc, solver } = ctx;
  const spec: MarkowitzSpec = {
    objective: problem.objective ?? "min-variance",
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
      return {
        status: "infeasible",
        weights: null,
        infeasibility: out.infeasibility,
        solver: solver.name,
        iterations: 0,
        qpSolves: 0,
        residuals: NO_RESIDUALS,
        warnings: [],
      };
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
  const outcome = solveMarkowitz(pc, mu, inputs.covariance, spec, solver);
  if (outcome.kind === "infeasible") {
    return {
      status: "infeasible",
      weights: null,
      infeasibility: outcome.infeasibility,
      solver: solver.name,
      iterations: 0,
      qpSolves: 0,
      residuals: NO_RESIDUALS,
      warnings: [],
    };
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
 * and no weights.
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
      ...(options.signedViews === undefined ? {} : { signedViews: options.signedViews }),
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
