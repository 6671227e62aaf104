// The efficient frontier a keeper cycle publishes with its metrics, from the cycle's own problem.
import type { FrontierMetrics, RiskReturnPoint } from "../../bus/portfolioMetrics.ts";
import { InputError } from "../../errors.ts";
import { defaultEstimators } from "../../optimizer/defaultEstimators.ts";
import { efficientFrontier } from "../../optimizer/frontier.ts";
import { parseProblem } from "../../optimizer/problem.ts";
import { portfolioStatistics } from "../../optimizer/report.ts";
import { resolveInputs } from "../../optimizer/resolveInputs.ts";

/** Options of {@link cycleFrontier}. */
export interface CycleFrontierOptions {
  /** Frontier portfolios to solve for. Default 20. */
  readonly points?: number;
}

/**
 * The efficient frontier of a cycle's problem (`problem.json` as stored, with its files) and the
 * current and target portfolios on it. The frontier keeps the DAO's constraints (bounds with the
 * on-chain position cap, groups, linear rows …) but drops the per-rebalance turnover limit, which
 * only says how far one rebalance may move from the current weights; so the frontier is the
 * strategic one and the target may lie inside it. Every point, the current and the target use the
 * same annualised expected returns and covariance (`resolveInputs` of the problem: the historical
 * mean unless the constraint set fixes `expectedReturns`; a Black-Litterman posterior is not used)
 * and the problem's risk-free rate (default 0.02).
 *
 * @example
 * ```ts
 * const frontier = cycleFrontier(problem, { "market-data.csv": csv }, currentWeights, report.weights);
 * ```
 */
export function cycleFrontier(
  problem: Readonly<Record<string, unknown>>,
  files: Readonly<Record<string, string>>,
  current: readonly number[],
  target: readonly number[] | null,
  { points = 20 }: CycleFrontierOptions = {},
): FrontierMetrics {
  const constraints = { ...(problem["constraints"] as Record<string, unknown> | undefined) };
  delete constraints["turnover"];
  const strategic = { ...problem, constraints };
  const frontier = efficientFrontier(strategic, { points, files });
  const inputs = resolveInputs(parseProblem(strategic), defaultEstimators, { files });
  const mu = inputs.expectedReturns;
  if (mu === null) throw new InputError("FIELD_MISSING", "the frontier needs expected returns", "expectedReturns");
  const at = (w: readonly number[], path: string): RiskReturnPoint => {
    if (w.length !== inputs.assets.length) {
      throw new InputError("VECTOR_LENGTH", `has ${w.length} weights, expected ${inputs.assets.length}`, path);
    }
    const m = portfolioStatistics(Float64Array.from(w), mu, inputs.covariance, frontier.riskFreeRate);
    return { volatility: m.volatility, expectedReturn: m.expectedReturn ?? 0 };
  };
  const point = (p: { volatility: number; expectedReturn: number }): RiskReturnPoint => ({
    volatility: p.volatility,
    expectedReturn: p.expectedReturn,
  });
  return {
    riskFreeRate: frontier.riskFreeRate,
    points: frontier.points.map(point),
    current: at(current, "currentWeights"),
    ...(target === null ? {} : { target: at(target, "targetWeights") }),
    minVariance: point(frontier.minVariance),
    maxSharpe: frontier.maxSharpe === null ? null : point(frontier.maxSharpe),
  };
}
