import { performance } from "node:perf_hooks";
import { InfeasibleError } from "../errors.ts";
import { problemAt } from "./problemAt.ts";
import type { TargetFn } from "./types.ts";

/** The optimiser entry point: `optimize()` of src/optimizer/optimize.ts or of the pinned bundle. */
export type OptimizeFn = (
  problem: unknown,
  options: { readonly files: Readonly<Record<string, string>> },
) => {
  readonly status: string;
  readonly weights: readonly number[];
  readonly infeasibility?: { readonly message: string };
};

/**
 * The target policy the keeper runs: at each rebalance date, `optimize()` on the user's problem
 * re-estimated on that date's window ({@link problemAt}). An infeasible date stops the backtest
 * with exit 3 naming the date; the optimiser's own input errors pass through unchanged.
 *
 * @example
 * ```ts
 * const target = optimizerTarget(problem, ["A", "B"], optimize);
 * simulate({ ...options, target });
 * ```
 */
export function optimizerTarget(problem: unknown, allAssets: readonly string[], optimizeFn: OptimizeFn): TargetFn {
  return (ctx) => {
    const input = problemAt(problem, allAssets, ctx);
    const started = performance.now();
    const result = optimizeFn(input.problem, { files: input.files });
    const optimizerMs = performance.now() - started;
    if (result.status === "infeasible") {
      throw new InfeasibleError(
        "BACKTEST_INFEASIBLE",
        `the problem is infeasible on ${ctx.date}: ${result.infeasibility?.message ?? "no feasible weights"}`,
      );
    }
    if (result.status !== "optimal") throw new Error(`the optimiser returned ${result.status} on ${ctx.date}`);
    return { weights: result.weights, optimizerMs };
  };
}
