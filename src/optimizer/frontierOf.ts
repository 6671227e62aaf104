/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
// The efficient frontier on a resolved model (μ, Σ, constraints): shared by `efficientFrontier`
// (frontier.ts), which resolves them from a problem, and by `optimize`'s model (model.ts).
import { InfeasibleError, InputError } from "../errors.ts";
import type { PortfolioConstraints } from "./markowitz/constraints.ts";
import { formulate } from "./markowitz/formulate.ts";
import { solveMarkowitz, type MarkowitzSpec, type WarmStartCache } from "./markowitz/solveMarkowitz.ts";
import type { QpCovariance, QpSolver } from "./qp/types.ts";
import { portfolioStatistics } from "./report.ts";

/** One frontier portfolio; annualised fractions. */
export interface FrontierPoint {
  readonly expectedReturn: number;
  readonly volatility: number;
  readonly sharpe: number | null;
  readonly weights: number[];
}

/** The market model and constraints {@link frontierOf} solves on. */
export interface FrontierModel {
  readonly constraints: PortfolioConstraints;
  /** Annualised expected returns, fractions. */
  readonly expectedReturns: Float64Array;
  /** Annualised covariance Σ (dense or factor model). */
  readonly covariance: QpCovariance;
  /** Annual risk-free rate for the Sharpe ratios, fraction. */
  readonly riskFreeRate: number;
  readonly solver: QpSolver;
}

/** What {@link frontierOf} returns. */
export interface FrontierPoints {
  /** Points by increasing target return, from the minimum-variance portfolio to the highest return. */
  readonly points: FrontierPoint[];
  readonly minVariance: FrontierPoint;
  /** Null when max-Sharpe is undefined (no portfolio beats the risk-free rate) or unsupported. */
  readonly maxSharpe: FrontierPoint | null;
  readonly warnings: string[];
}

/** Result of `efficientFrontier` (frontier.ts): the points with the assets and the risk-free rate. */
export interface FrontierResult extends FrontierPoints {
  readonly assets: readonly string[];
  readonly riskFreeRate: number;
}

/**
 * The efficient frontier (`efficientFrontier` in frontier.ts) on an already resolved model: the same points, solved on exactly the
 * μ and Σ given (`optimize(problem, { model: { frontier } })` passes the ones it optimised with).
 * Throws {@link InfeasibleError} when the constraints admit no portfolio, {@link InputError}
 * `PROBLEM_UNBOUNDED` when the return is unbounded on them.
 *
 * @example
 * ```ts
 * const { points, minVariance } = frontierOf({ constraints, expectedReturns, covariance, riskFreeRate: 0.02, solver }, 20);
 * ```
 */
export function frontierOf(model: FrontierModel, points: number): FrontierPoints {
  if (!Number.isInteger(points) || points < 2)
    throw new InputError("FIELD_INVALID", "must be an integer ≥ 2", "--points");
  const { constraints: pc, expectedReturns: mu, covariance: cov, riskFreeRate, solver } = model;
  const spec = (objective: MarkowitzSpec["objective"], targetReturn?: number): MarkowitzSpec => ({
    objective,
    riskFreeRate,
    riskAversion: 1,
    ...(targetReturn === undefined ? {} : { targetReturn }),
  });
  const point = (w: Float64Array): FrontierPoint => {
    const m = portfolioStatistics(w, mu, cov, riskFreeRate);
    return {
      expectedReturn: m.expectedReturn ?? 0,
      volatility: m.volatility,
      sharpe: m.sharpe,
      weights: Array.from(w),
    };
  };
  const warm: WarmStartCache = {};
  const solved = (s: MarkowitzSpec): Float64Array => {
    const out = solveMarkowitz(pc, mu, cov, s, solver, warm);
    if (out.kind === "infeasible") throw new InfeasibleError("PROBLEM_INFEASIBLE", out.infeasibility.message);
    if (out.solution.status !== "optimal") {
      throw new InputError("PROBLEM_UNBOUNDED", `the ${s.objective} problem has no finite solution`, "constraints");
    }
    return out.solution.weights;
  };
  const warnings: string[] = [];
  const minVariance = point(solved(spec("min-variance")));
  // Highest attainable return: the linear programme max μ'w under the constraints.
  const lp = formulate(pc, null, { a: 0, g: mu });
  const top = solver.solve(lp.qp);
  if (top.status !== "optimal") {
    throw new InputError("PROBLEM_UNBOUNDED", "the expected return is unbounded on the feasible set", "constraints");
  }
  const topWeights = lp.toWeights(top.x);
  const rMax = mu.reduce((s, v, i) => s + v * topWeights[i]!, 0);
  const rMin = minVariance.expectedReturn;
  const out: FrontierPoint[] = [];
  for (let k = 0; k < points; k++) {
    // The top target stays a hair inside the attainable range so phase 1's tolerance cannot
    // reject the return the LP just attained.
    const target = rMin + ((rMax - rMin) * Math.min(k, points - 1 - 1e-6)) / (points - 1);
    if (k === 0) {
      out.push(minVariance);
      continue;
    }
    try {
      out.push(point(solved(spec("efficient-return", target))));
    } catch (error) {
      // The highest-return LP ignores a tracking-error limit; past it the targets are infeasible.
      if (!(error instanceof InfeasibleError)) throw error;
      warnings.push(
        `frontier stops at return ${out.at(-1)?.expectedReturn ?? rMin}: higher targets are infeasible (${error.message})`,
      );
      break;
    }
  }
  let maxSharpe: FrontierPoint | null = null;
  try {
    const ms = solveMarkowitz(pc, mu, cov, spec("max-sharpe"), solver);
    if (ms.kind === "solved" && ms.solution.status === "optimal") maxSharpe = point(ms.solution.weights);
    else warnings.push("max-Sharpe portfolio undefined: no feasible portfolio returns more than the risk-free rate");
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    warnings.push(`max-Sharpe not marked: ${error.message}`);
  }
  return { points: out, minVariance, maxSharpe, warnings };
}
