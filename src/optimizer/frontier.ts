import { frontierInputs } from "./frontierInputs.ts";
import { frontierOf, type FrontierResult } from "./frontierOf.ts";
import { buildConstraints } from "./markowitz/constraints.ts";
import type { OptimizeOptions } from "./optimizeTypes.ts";
import { interiorPointSolver } from "./qp/interiorPoint.ts";

export {
  frontierOf,
  type FrontierModel,
  type FrontierPoint,
  type FrontierPoints,
  type FrontierResult,
} from "./frontierOf.ts";
export { cvarFrontierSvg, frontierSvg } from "./frontierPlot.ts";

/**
 * The efficient frontier under the problem's constraints: `points` efficient-return portfolios
 * with targets evenly spaced from the minimum-variance return to the largest attainable return,
 * plus the minimum-variance and max-Sharpe portfolios. Each point is solved exactly (no
 * interpolation); the objective field of the problem is ignored.
 *
 * @example
 * ```ts
 * const frontier = efficientFrontier(problem, { points: 50 });
 * ```
 */
export function efficientFrontier(
  input: unknown,
  { points = 50, ...options }: OptimizeOptions & { points?: number } = {},
): FrontierResult {
  const { problem, inputs, mu } = frontierInputs(input, options);
  const riskFreeRate = problem.riskFreeRate ?? 0.02;
  const frontier = frontierOf(
    {
      constraints: buildConstraints(problem.constraints, inputs.assets),
      expectedReturns: mu,
      covariance: inputs.covariance,
      riskFreeRate,
      solver: options.qpSolver ?? interiorPointSolver,
    },
    points,
  );
  return { assets: inputs.assets, riskFreeRate, ...frontier, warnings: [...inputs.warnings, ...frontier.warnings] };
}
