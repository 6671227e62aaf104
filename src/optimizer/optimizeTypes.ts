// The optimiser's entry-point types and the contract between the dispatcher (optimize.ts) and its
// branches (branches/): what a branch receives and what it hands back.
import { type PortfolioConstraints } from "./markowitz/constraints.ts";
import type { OptimizerType, Problem } from "./problem.ts";
import type { QpResiduals, QpSolver } from "./qp/types.ts";
import { type ConstraintReport } from "./report.ts";
import { type EstimatorFunctions, type MarketInputs } from "./resolveInputs.ts";
import type { QpCovariance } from "./qp/types.ts";
import type { ModelRequest, OptimizerModel } from "./model.ts";
import type { ViewSource } from "./blackLitterman/index.ts";
import type { Hex } from "viem";

/** What every {@link OptimizeResult} holds; numbers are annualised fractions unless named otherwise. */
export interface OptimizeResultBase {
  readonly status: "optimal" | "infeasible" | "unbounded" | "error";
  readonly optimizerType: OptimizerType;
  /** The mean-variance objective; null for ERC and HRP, which have none. */
  readonly objective: string | null;
  readonly method: string;
  readonly assets: readonly string[];
  /** Weights in asset order (fractions of NAV); empty unless a solution was found. */
  readonly weights: number[];
  readonly expectedReturn: number | null;
  readonly volatility: number | null;
  readonly sharpe: number | null;
  readonly riskFreeRate: number;
  /**
   * Absolute contributions w_i·(Σw)_i / σ, summing to `volatility` (empty unless optimal); the
   * relative shares RC_i = w_i(Σw)_i / w'Σw are these divided by `volatility`.
   */
  readonly volatilityContributions: number[];
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

/** `riskBudgeting` of an ERC result: the risk-budgeting portfolio before any turnover limit. */
export interface RiskBudgetingReport {
  /** Target shares of risk b_i, fractions summing to 1. */
  readonly budgets: number[];
  /** Relative risk contributions RC_i = w_i(Σw)_i / w'Σw, summing to 1. */
  readonly riskContributions: number[];
  /** max_i |RC_i − b_i|. */
  readonly maxBudgetError: number;
  /** Σ RC_i per `constraints.groups` entry. */
  readonly groupRiskContributions: Record<string, number>;
  /** Σ b_i per `constraints.groups` entry. */
  readonly groupBudgets: Record<string, number>;
  readonly constraintsBinding: string[];
  readonly converged: boolean;
}

/** The Black-Litterman fields of a result (docs/black-litterman.md). */
export interface BlackLittermanReport {
  /** Prior π, annualised. */
  readonly priorReturns: number[];
  /** Posterior π*, annualised: the μ the weights were optimised for. */
  readonly posteriorReturns: number[];
  /** Posterior Σ*, annualised, rows. */
  readonly posteriorCovariance: number[][];
  /** (δΣ*)⁻¹π* normalised to sum 1; null when it sums to 0. */
  readonly impliedWeights: number[] | null;
  readonly impliedWeightsRaw: number[];
  /** Commitment of the verified signed view set; null for unsigned views. */
  readonly viewSetCommitment: Hex | null;
  /** Where each view came from, in view order: unsigned, or verified with its signer, digest and nonce. */
  readonly viewSources: readonly ViewSource[];
  readonly tau: number;
  readonly riskAversion: number;
}

/** `cvar` of a min-cvar / efficient-cvar result: per-period figures of the scenarios, losses positive. */
export interface CvarReport {
  readonly beta: number;
  /** CVaR_β: mean loss over the worst (1 − β) share of the historical scenarios. */
  readonly cvar: number;
  /** VaR_β: the loss exceeded in at most (1 − β) of them. */
  readonly valueAtRisk: number;
  /** Scenarios used: the return rows of the prices with every asset present. */
  readonly scenarios: number;
}

/** {@link optimize} of a MARKOWITZ problem; `cvar` is present for the CVaR objectives. */
export interface MarkowitzResult extends OptimizeResultBase {
  readonly optimizerType: "MARKOWITZ";
  readonly cvar?: CvarReport;
}

/** {@link optimize} of an ERC problem; `riskBudgeting` is present when `status` is optimal. */
export interface ErcResult extends OptimizeResultBase {
  readonly optimizerType: "ERC";
  readonly objective: null;
  readonly riskBudgeting?: RiskBudgetingReport;
}

/** `hrp` of an HRP result: how the portfolio was built (docs/optimizer.md, "Hierarchical risk parity"). */
export interface HrpReport {
  readonly linkage: "single" | "complete" | "average" | "ward";
  readonly split: "halves" | "dendrogram";
  /** Asset symbols in quasi-diagonal (dendrogram leaf) order. */
  readonly order: string[];
  /** The tree in SciPy's linkage convention: [left, right, distance, size] per merge. */
  readonly tree: [number, number, number, number][];
  /** Bisection splits whose share the position bounds changed. */
  readonly clippedSplits: number;
  /** With `herc` in the problem: its clusters, symbols left to right; else null. */
  readonly herc: { readonly clusters: string[][] } | null;
  /** Rows (groups, linear, esg) the bisection broke, which the final projection then kept. */
  readonly projected: string[];
  /** The HRP portfolio before a turnover limit moved `weights` part of the way to it. */
  readonly weights: number[];
}

/** {@link optimize} of an HRP problem; `hrp` is present when `status` is optimal. */
export interface HrpResult extends OptimizeResultBase {
  readonly optimizerType: "HRP";
  readonly objective: null;
  readonly hrp?: HrpReport;
}

/** {@link optimize} of a BLACK_LITTERMAN problem; its report fields are present when `status` is optimal. */
export interface BlackLittermanResult extends OptimizeResultBase, Partial<BlackLittermanReport> {
  readonly optimizerType: "BLACK_LITTERMAN";
}

/** Result of {@link optimize}, typed by the problem's `optimizerType`. */
export type OptimizeResult = MarkowitzResult | ErcResult | BlackLittermanResult | HrpResult;

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

/** What an optimiser branch (MARKOWITZ, ERC, BLACK_LITTERMAN, HRP) hands back to the dispatcher. */
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
  /** The CVaR objectives' risk figures. */
  readonly cvar?: CvarReport;
}

/** What the ERC branch hands back: its report beside the common outcome. */
export interface ErcOutcome extends BranchOutcome {
  readonly riskBudgeting: RiskBudgetingReport;
}

/** What the HRP branch hands back: its report beside the common outcome. */
export interface HrpOutcome extends BranchOutcome {
  readonly hrp: HrpReport;
}

/** What the Black-Litterman branch hands back: its report beside the common outcome. */
export interface BlackLittermanOutcome extends BranchOutcome {
  readonly blackLitterman: BlackLittermanReport;
}

/** Everything a branch needs, resolved and validated once by the dispatcher. */
export interface BranchContext<P extends Problem = Problem> {
  readonly problem: P;
  readonly inputs: MarketInputs;
  readonly constraints: PortfolioConstraints;
  readonly solver: QpSolver;
  readonly riskFreeRate: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** An optimiser type's implementation. */
export type OptimizerBranch<P extends Problem = Problem, O extends BranchOutcome = BranchOutcome> = (
  context: BranchContext<P>,
) => O;

/** Residuals of a branch that solved no QP (closed form, or nothing to solve). */
export const NO_RESIDUALS: QpResiduals = { primal: 0, dual: 0, complementarity: 0 };

/**
 * The outcome of a branch whose constraints admit no portfolio.
 *
 * @example
 * ```ts
 * return infeasibleOutcome({ conflicts: ["bounds", "budget"], message: "…" }, solver.name);
 * ```
 */
export function infeasibleOutcome(
  infeasibility: NonNullable<BranchOutcome["infeasibility"]>,
  solver: string,
): BranchOutcome {
  return {
    status: "infeasible",
    weights: null,
    infeasibility,
    solver,
    iterations: 0,
    qpSolves: 0,
    residuals: NO_RESIDUALS,
    warnings: [],
  };
}
