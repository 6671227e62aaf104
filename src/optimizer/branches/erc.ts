import { InputError } from "../../errors.ts";
import { denseCovariance } from "../covariance.ts";
import type { BranchContext, ErcOutcome } from "../optimizeTypes.ts";
import type { ErcProblem } from "../problem.ts";
import { groupRiskContributions, solveRiskBudgeting } from "../riskParity/index.ts";
import type { LinearConstraint } from "../riskParity/types.ts";
import { limitTurnover } from "./turnover.ts";

/**
 * `optimizerType: "ERC"`: risk budgeting on the problem's Σ with `riskBudgets` (default 1/n) and
 * `ercMethod` (default CCD). Bounds and linear/group rows other than the budget go to the
 * constrained solver of Richard & Roncalli (2019); see docs/risk-parity.md.
 *
 * @example
 * ```ts
 * optimize({ optimizerType: "ERC", assets: ["A", "B"], covariance: [[0.04, 0], [0, 0.09]] }).weights; // [0.6, 0.4]
 * ```
 */
export function ercBranch({ problem, inputs, constraints }: BranchContext<ErcProblem>): ErcOutcome {
  if (constraints.budget !== 1) {
    throw new InputError(
      "ERC_BUDGET",
      "risk budgeting portfolios are fully invested: budget must be 1",
      "constraints.budget",
    );
  }
  const n = inputs.assets.length;
  const sigma = { n, data: denseCovariance(inputs.covariance) };
  // The budget row is implied by the normalisation; every other row is a general constraint.
  const linear: LinearConstraint[] = constraints.rows
    .filter((row) => row.name !== "budget")
    .map((row) => ({
      name: row.name,
      coefficients: Array.from(row.coef),
      ...(Number.isFinite(row.lower) ? { lower: row.lower } : {}),
      ...(Number.isFinite(row.upper) ? { upper: row.upper } : {}),
    }));
  const result = solveRiskBudgeting(sigma, {
    ...(problem.riskBudgets === undefined ? {} : { budgets: problem.riskBudgets }),
    ...(problem.ercMethod === undefined ? {} : { method: problem.ercMethod }),
    bounds: { lower: constraints.lower, upper: constraints.upper },
    linear,
  });
  const { weights, turnoverWarning } = limitTurnover(result.weights, constraints, "risk-budgeting");
  const groups: Record<string, number[]> = {};
  for (const group of problem.constraints?.groups ?? []) {
    groups[group.name] = group.assets.map((asset) => inputs.assets.indexOf(asset));
  }
  const groupBudgets: Record<string, number> = {};
  for (const [name, members] of Object.entries(groups)) {
    groupBudgets[name] = members.reduce((sum, i) => sum + (result.budgets[i] ?? 0), 0);
  }
  return {
    status: "optimal",
    weights,
    solver: `risk-budgeting:${result.method}`,
    iterations: result.iterations,
    qpSolves: 0,
    residuals: { primal: result.residual, dual: 0, complementarity: 0 },
    warnings: [
      ...(result.converged ? [] : [`risk budgeting stopped before convergence (residual ${result.residual})`]),
      ...(turnoverWarning === null ? [] : [turnoverWarning]),
    ],
    riskBudgeting: {
      budgets: Array.from(result.budgets),
      // Relative, of the risk-budgeting portfolio itself (before a turnover limit moves `weights`).
      riskContributions: Array.from(result.riskContributions),
      maxBudgetError: result.maxBudgetError,
      groupRiskContributions: groupRiskContributions(result.riskContributions, groups),
      groupBudgets,
      constraintsBinding: result.constraintsBinding,
      converged: result.converged,
    },
  };
}
