// The efficient frontier a keeper cycle publishes with its metrics: the one the pinned optimiser
// bundle solved on its own model, with the held and target portfolios placed on the same model.
import type { FrontierMetrics, RiskReturnPoint } from "../../bus/portfolioMetrics.ts";
import { InputError } from "../../errors.ts";
import { modelCovarianceMatrix, type OptimizerModel } from "../../optimizer/model.ts";

/**
 * The cycle's frontier from the bundle's `model` (`optimize(problem, { model: { frontier } })`,
 * asked for by `optimizeCycle` without the per-rebalance turnover limit, so the frontier is the
 * strategic one and the target may lie inside it), and the current and target portfolios on it:
 * volatility √(w'Σw) and return μ'w with the model's μ and Σ — for Black-Litterman the posterior
 * π* and Σ*, for Markowitz and ERC the problem's estimates. Nothing is re-estimated here. Throws
 * {@link InputError} `FRONTIER_UNAVAILABLE` with the bundle's reason when the model has no frontier.
 *
 * @example
 * ```ts
 * const frontier = cycleFrontier(result.model, currentWeights, result.weights);
 * ```
 */
export function cycleFrontier(
  model: OptimizerModel,
  current: readonly number[],
  target: readonly number[] | null,
): FrontierMetrics {
  const frontier = model.frontier;
  if (frontier === undefined) {
    throw new InputError(
      "FRONTIER_UNAVAILABLE",
      model.frontierUnavailable ?? "the optimiser returned no frontier",
      "model.frontier",
    );
  }
  const mu = model.expectedReturns;
  if (mu === null)
    throw new InputError("FIELD_MISSING", "the frontier needs expected returns", "model.expectedReturns");
  const sigma = modelCovarianceMatrix(model);
  const n = model.assets.length;
  const at = (w: readonly number[], path: string): RiskReturnPoint => {
    if (w.length !== n) throw new InputError("VECTOR_LENGTH", `has ${w.length} weights, expected ${n}`, path);
    let variance = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) variance += (w[i] ?? 0) * (sigma.data[i * n + j] ?? 0) * (w[j] ?? 0);
    }
    return {
      volatility: Math.sqrt(Math.max(variance, 0)),
      expectedReturn: w.reduce((s, wi, i) => s + wi * (mu[i] ?? 0), 0),
    };
  };
  const point = (p: { volatility: number; expectedReturn: number }): RiskReturnPoint => ({
    volatility: p.volatility,
    expectedReturn: p.expectedReturn,
  });
  return {
    riskFreeRate: model.riskFreeRate,
    points: frontier.points.map(point),
    current: at(current, "currentWeights"),
    ...(target === null ? {} : { target: at(target, "targetWeights") }),
    minVariance: point(frontier.minVariance),
    maxSharpe: frontier.maxSharpe === null ? null : point(frontier.maxSharpe),
  };
}
