import { InputError } from "../../errors.ts";
import { denseCovariance } from "../covariance.ts";
import { columnsOf } from "../estimators/kernels.ts";
import { returnsFromPrices } from "../estimators/returns.ts";
import { correlationFromCovariance, hierarchicalRiskParity, pairwiseCorrelation } from "../hrp/index.ts";
import { NO_RESIDUALS, type BranchContext, type HrpOutcome } from "../optimizeTypes.ts";
import type { HrpProblem } from "../problem.ts";
import { limitTurnover } from "./turnover.ts";

/**
 * `optimizerType: "HRP"`: hierarchical risk parity on the problem's Σ. The clustering uses the
 * returns' pairwise correlation when Σ is the sample covariance of the problem's prices (as
 * PyPortfolioOpt's `HRPOpt(returns)`), else the correlation Σ implies (as `HRPOpt(cov_matrix=…)`).
 * Bounds are kept split by split, groups/linear/esg rows by a final projection, turnover by moving
 * part of the way (as for ERC); tracking error and the penalties have no HRP form and are refused.
 *
 * @example
 * ```ts
 * optimize({ optimizerType: "HRP", assets: ["A", "B"], covariance: [[0.04, 0], [0, 0.09]] }).weights; // [0.6923…, 0.3076…]
 * ```
 */
export function hrpBranch({ problem, inputs, constraints }: BranchContext<HrpProblem>): HrpOutcome {
  if (constraints.budget !== 1) {
    throw new InputError("HRP_BUDGET", "HRP portfolios are fully invested: budget must be 1", "constraints.budget");
  }
  const unsupported = (["trackingError", "penalties"] as const).find((k) => problem.constraints?.[k] !== undefined);
  if (unsupported !== undefined) {
    throw new InputError(
      "HRP_CONSTRAINT_UNSUPPORTED",
      "HRP has no form of this constraint (it optimises no objective to add it to); use MARKOWITZ",
      `constraints.${unsupported}`,
    );
  }
  const n = inputs.assets.length;
  const covariance = denseCovariance(inputs.covariance);
  const sampleOfPrices =
    inputs.prices !== null &&
    (problem.covariance === undefined ||
      (!Array.isArray(problem.covariance) && "method" in problem.covariance && problem.covariance.method === "sample"));
  const correlation = sampleOfPrices
    ? pairwiseCorrelation(columnsOf(returnsFromPrices(inputs.prices as NonNullable<typeof inputs.prices>)))
    : correlationFromCovariance(covariance, n);
  const linkage = problem.linkage ?? "single";
  const split = problem.split ?? "dendrogram";
  const result = hierarchicalRiskParity({
    n,
    covariance,
    correlation,
    linkage,
    split,
    ...(problem.herc === undefined ? {} : { herc: problem.herc }),
    lower: constraints.lower,
    upper: constraints.upper,
    rows: constraints.rows.filter((row) => row.name !== "budget"),
  });
  const { weights, turnoverWarning } = limitTurnover(result.weights, constraints, "HRP");
  return {
    status: "optimal",
    weights,
    solver: `${problem.herc === undefined ? `hrp:${linkage}/${split}` : `herc:${linkage}/k${problem.herc.clusters}`}${result.projected.length > 0 ? "+projection" : ""}`,
    iterations: 0,
    qpSolves: result.projected.length > 0 ? 1 : 0,
    residuals: NO_RESIDUALS,
    warnings: turnoverWarning === null ? [] : [turnoverWarning],
    hrp: {
      linkage,
      split,
      order: result.order.map((i) => inputs.assets[i] as string),
      tree: result.tree.map((r) => [r.left, r.right, r.distance, r.size]),
      clippedSplits: result.clippedSplits,
      herc:
        result.clusters === null
          ? null
          : { clusters: result.clusters.map((c) => c.map((i) => inputs.assets[i] as string)) },
      projected: [...result.projected],
      weights: Array.from(result.weights),
    },
  };
}
