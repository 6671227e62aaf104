import { blackLittermanInputs } from "../blackLitterman/index.ts";
import { denseCovariance } from "../covariance.ts";
import { marketImpliedRiskAversion } from "../estimators/index.ts";
import { toRows } from "../matrix.ts";
import { markowitzBranch } from "./markowitz.ts";
import type { BlackLittermanOutcome, BranchContext } from "../optimizeTypes.ts";
import type { BlackLittermanProblem } from "../problem.ts";

/**
 * `optimizerType: "BLACK_LITTERMAN"`: the problem's Σ (e.g. Ledoit-Wolf) and the `blackLitterman`
 * section give the posterior π* and Σ* (docs/black-litterman.md); the Markowitz engine then
 * optimises them under the problem's constraints. The objective defaults to quadratic utility
 * with the same δ as the prior, whose unconstrained optimum is the BL implied portfolio
 * (δΣ*)⁻¹π*. Signed views arrive verified in `blackLitterman.verifiedViews` (the CLI and the
 * keeper verify them; the core does no I/O); the result's `viewSources` names each view's origin.
 *
 * @example
 * ```ts
 * optimize({ optimizerType: "BLACK_LITTERMAN", assets, covariance, blackLitterman: { marketCaps, riskAversion: 2.5, views } });
 * ```
 */
export function blackLittermanBranch(ctx: BranchContext<BlackLittermanProblem>): BlackLittermanOutcome {
  const { problem, inputs } = ctx;
  const section = problem.blackLitterman;
  const marketPrices = section.marketPrices;
  const frequency = inputs.frequency;
  let riskAversion: number | undefined = problem.riskAversion;
  if (marketPrices !== undefined && section.riskAversion === undefined) {
    riskAversion = marketImpliedRiskAversion(
      {
        dates: marketPrices.map((_, i) => String(i)),
        columns: ["market"],
        rows: marketPrices.map((p) => [p]),
        source: "blackLitterman.marketPrices",
      },
      { frequency, riskFreeRate: section.riskFreeRate ?? ctx.riskFreeRate },
    );
  }
  const n = inputs.assets.length;
  const bl = blackLittermanInputs(section, {
    assets: inputs.assets,
    sigma: { n, data: denseCovariance(inputs.covariance) },
    riskAversion,
    observations: inputs.prices === null ? undefined : inputs.prices.rows.length - 1,
  });
  const objective = problem.objective ?? "quadratic-utility";
  const outcome = markowitzBranch({
    ...ctx,
    problem: { ...problem, objective, riskAversion: problem.riskAversion ?? bl.riskAversion },
    inputs: {
      ...inputs,
      expectedReturns: bl.posteriorReturns,
      covariance: { kind: "dense", n, data: bl.optimizerCovariance.data },
    },
  });
  return {
    ...outcome,
    expectedReturns: bl.posteriorReturns,
    covariance: { kind: "dense", n, data: bl.optimizerCovariance.data },
    blackLitterman: {
      priorReturns: Array.from(bl.priorReturns),
      posteriorReturns: Array.from(bl.posteriorReturns),
      posteriorCovariance: toRows(bl.posteriorCovariance),
      impliedWeights: bl.impliedWeights === null ? null : Array.from(bl.impliedWeights),
      impliedWeightsRaw: Array.from(bl.impliedWeightsRaw),
      viewSetCommitment: bl.viewSetCommitment,
      viewSources: bl.viewSources,
      tau: bl.tau,
      riskAversion: bl.riskAversion,
    },
  };
}
