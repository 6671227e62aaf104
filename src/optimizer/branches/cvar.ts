// The CVaR objectives of the mean-variance family (min-cvar, efficient-cvar): historical scenarios
// from the problem's prices, the Rockafellar–Uryasev programme on HiGHS.
import { InputError } from "../../errors.ts";
import { solveCvar, type Scenarios } from "../cvar/solveCvar.ts";
import type { PriceTable } from "../estimators/priceTable.ts";
import { returnsFromPrices } from "../estimators/returns.ts";
import { infeasibleOutcome, type BranchContext, type BranchOutcome } from "../optimizeTypes.ts";
import type { MeanVarianceProblem } from "../problem.ts";

/**
 * Scenario returns for CVaR: the per-period returns of `prices`, keeping only the dates where
 * every asset has one (PyPortfolioOpt's `returns_from_prices(prices).dropna()`).
 *
 * @example
 * ```ts
 * const s = scenariosFromPrices(parsePricesCsv(csv));
 * s.t; // dates with a return for every asset
 * ```
 */
export function scenariosFromPrices(prices: PriceTable): Scenarios {
  const returns = returnsFromPrices(prices);
  const { n, t, values } = returns;
  const kept: number[] = [];
  for (let s = 0; s < t; s++) {
    let complete = true;
    for (let j = 0; j < n && complete; j++) complete = !Number.isNaN(values[s * n + j] as number);
    if (complete) kept.push(s);
  }
  const out = new Float64Array(kept.length * n);
  kept.forEach((s, k) => out.set(values.subarray(s * n, s * n + n), k * n));
  return { t: kept.length, n, values: out };
}

/**
 * `objective: "min-cvar"` or `"efficient-cvar"`: minimises CVaR at confidence `beta` (default 0.95)
 * of the historical scenarios, every linear constraint applying; the result carries `cvar`.
 *
 * @example
 * ```ts
 * optimize({ prices: "prices.csv", objective: "min-cvar", beta: 0.95 }, { files }).cvar?.cvar;
 * ```
 */
export function cvarBranch(ctx: BranchContext<MeanVarianceProblem>): BranchOutcome {
  const { problem, inputs, constraints, solver } = ctx;
  const objective = problem.objective === "efficient-cvar" ? "efficient-cvar" : "min-cvar";
  if (inputs.prices === null) {
    throw new InputError("FIELD_MISSING", `objective "${objective}" needs historical scenarios`, "prices");
  }
  // The programme has a row per scenario (hundreds to thousands): a job for a simplex code, not the
  // interior point, whose Newton systems are built for a few dense rows.
  if (solver.name !== "highs") {
    throw new InputError(
      "SOLVER_NOT_LOADED",
      `objective "${objective}" is a linear programme solved by HiGHS: call optimizeAsync (the CLI does), or pass a HiGHS qpSolver`,
      "objective",
    );
  }
  const scenarios = scenariosFromPrices(inputs.prices);
  const beta = problem.beta ?? 0.95;
  const out = solveCvar(
    constraints,
    inputs.expectedReturns,
    scenarios,
    { objective, beta, ...(problem.targetReturn === undefined ? {} : { targetReturn: problem.targetReturn }) },
    solver,
  );
  if (out.kind === "infeasible") {
    return infeasibleOutcome(out.infeasibility, solver.name);
  }
  const { result } = out;
  return {
    status: "optimal",
    weights: result.weights,
    solver: `${result.solution.solver}:cvar-lp`,
    iterations: result.solution.iterations,
    qpSolves: 1,
    residuals: result.solution.residuals,
    warnings: [],
    cvar: { beta, cvar: result.cvar, valueAtRisk: result.valueAtRisk, scenarios: scenarios.t },
  };
}
