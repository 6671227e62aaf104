import { InputError } from "../errors.ts";
import { defaultEstimators } from "./defaultEstimators.ts";
import type { OptimizeOptions } from "./optimizeTypes.ts";
import { parseProblem, type Problem } from "./problem.ts";
import { resolveInputs, type MarketInputs } from "./resolveInputs.ts";

/**
 * The parsed problem and its market inputs, which must hold expected returns: what every frontier
 * (mean-variance or mean-CVaR) starts from.
 *
 * @example
 * ```ts
 * const { problem, inputs, mu } = frontierInputs(problemJson, {});
 * ```
 */
export function frontierInputs(
  input: unknown,
  options: Pick<OptimizeOptions, "estimators" | "files">,
): { problem: Problem; inputs: MarketInputs; mu: Float64Array } {
  const problem = parseProblem(input);
  const inputs = resolveInputs(
    problem,
    options.estimators ?? defaultEstimators,
    options.files === undefined ? {} : { files: options.files },
  );
  const mu = inputs.expectedReturns;
  if (mu === null) throw new InputError("FIELD_MISSING", "the frontier needs expected returns", "expectedReturns");
  return { problem, inputs, mu };
}
