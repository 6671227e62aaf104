// The optimiser's entry-point types and the contract between the dispatcher (optimize.ts) and its
// branches (branches/): what a branch receives and what it hands back.
import { type PortfolioConstraints } from "./markowitz/constraints.ts";
import { type Problem } from "./problem.ts";
import type { QpResiduals, QpSolver } from "./qp/types.ts";
import { type ConstraintReport } from "./report.ts";
import { type EstimatorFunctions, type MarketInputs } from "./resolveInputs.ts";
import type { QpCovariance } from "./qp/types.ts";
import type { ModelRequest, OptimizerModel } from "./model.ts";

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
  /**
   * With `options.model` and status "optimal": the μ and Σ the weights were chosen with, exactly
   * as used (and the frontier on them when requested); `volatility` is √(w'Σw) with this Σ.
   */
  readonly model?: OptimizerModel;
}

/** Options of {@link optimize}. */
export interface OptimizeOptions {
  /** Contents of the files a problem names (prices CSV paths), keyed by the path as written. */
  readonly files?: Readonly<Record<string, string>>;
  /** QP backend; defaults to the TypeScript interior-point engine (or HiGHS via {@link optimizeAsync}). */
  readonly qpSolver?: QpSolver;
  /** Estimators for price-based inputs; defaults to `defaultEstimators`. */
  readonly estimators?: EstimatorFunctions;
  /** Return `result.model` (`true`, or what to add to it: the frontier); default false. */
  readonly model?: boolean | ModelRequest;
  /** Progress of long runs (resampling draws). */
  readonly onProgress?: (done: number, total: number) => void;
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
}

/** An optimiser type's implementation. */
export type OptimizerBranch = (context: BranchContext) => BranchOutcome;

/** Residuals of a branch that solved no QP (closed form, or nothing to solve). */
export const NO_RESIDUALS: QpResiduals = { primal: 0, dual: 0, complementarity: 0 };
