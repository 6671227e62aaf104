// The mean-CVaR efficient frontier: efficient-cvar portfolios with target returns evenly spaced from
// the min-CVaR portfolio's return to the largest attainable return, each solved exactly by the
// Rockafellar–Uryasev programme on HiGHS (cvar/solveCvar.ts).
import { InputError } from "../errors.ts";
import { scenariosFromPrices } from "./branches/cvar.ts";
import { solveCvar, type CvarSpec } from "./cvar/solveCvar.ts";
import { frontierInputs } from "./frontierInputs.ts";
import { buildConstraints, type PortfolioConstraints } from "./markowitz/constraints.ts";
import type { OptimizeOptions } from "./optimizeTypes.ts";
import type { QpProblem, QpSolver } from "./qp/types.ts";

/** One mean-CVaR frontier portfolio: annualised expected return, per-period CVaR and VaR. */
export interface CvarFrontierPoint {
  readonly expectedReturn: number;
  readonly cvar: number;
  readonly valueAtRisk: number;
  readonly weights: number[];
}

/** Result of {@link cvarFrontier}. */
export interface CvarFrontierResult {
  readonly assets: readonly string[];
  readonly beta: number;
  /** Scenarios the CVaR is measured on (return rows with every asset present). */
  readonly scenarios: number;
  /** By increasing target return. */
  readonly points: CvarFrontierPoint[];
  readonly minCvar: CvarFrontierPoint;
}

/**
 * The mean-CVaR frontier of a problem (its prices give the scenarios, its μ the returns, its
 * constraints apply; the objective field is ignored). `qpSolver` must be HiGHS.
 *
 * @example
 * ```ts
 * const frontier = cvarFrontier(problem, { points: 20, files, qpSolver: await createHighsSolver() });
 * frontier.minCvar.cvar;
 * ```
 */
export function cvarFrontier(
  input: unknown,
  { points = 50, beta = 0.95, ...options }: OptimizeOptions & { points?: number; beta?: number } = {},
): CvarFrontierResult {
  if (!Number.isInteger(points) || points < 2)
    throw new InputError("FIELD_INVALID", "must be an integer ≥ 2", "--points");
  const solver = options.qpSolver;
  if (solver === undefined || solver.name !== "highs") {
    throw new InputError(
      "SOLVER_NOT_LOADED",
      "the mean-CVaR frontier is solved by HiGHS: pass its qpSolver",
      "qpSolver",
    );
  }
  const { problem, inputs, mu } = frontierInputs(input, options);
  if (inputs.prices === null)
    throw new InputError("FIELD_MISSING", "the CVaR frontier needs historical scenarios", "prices");
  const scenarios = scenariosFromPrices(inputs.prices);
  const pc = buildConstraints(problem.constraints, inputs.assets);
  const solve = (spec: CvarSpec): CvarFrontierPoint => {
    const out = solveCvar(pc, mu, scenarios, spec, solver);
    if (out.kind === "infeasible") throw new InputError("PROBLEM_INFEASIBLE", out.infeasibility.message, "constraints");
    const w = out.result.weights;
    return {
      expectedReturn: w.reduce((s, v, i) => s + v * (mu[i] as number), 0),
      cvar: out.result.cvar,
      valueAtRisk: out.result.valueAtRisk,
      weights: Array.from(w),
    };
  };
  const minCvar = solve({ objective: "min-cvar", beta });
  const top = maxReturn(pc, mu, solver);
  const out: CvarFrontierPoint[] = [];
  for (let k = 0; k < points; k++) {
    const target = minCvar.expectedReturn + ((top - minCvar.expectedReturn) * k) / (points - 1);
    // The ends are attained exactly; a hair inside keeps the last target feasible after rounding.
    const safe = k === points - 1 ? top - 1e-12 * Math.max(1, Math.abs(top)) : target;
    out.push(k === 0 ? minCvar : solve({ objective: "efficient-cvar", beta, targetReturn: safe }));
  }
  return { assets: inputs.assets, beta, scenarios: scenarios.t, points: out, minCvar };
}

/** The largest μ'w the linear constraints allow: one LP. */
function maxReturn(pc: PortfolioConstraints, mu: Float64Array, solver: QpSolver): number {
  const n = pc.n;
  const all = Int32Array.from({ length: n }, (_, j) => j);
  const problem: QpProblem = {
    nx: n,
    nAssets: n,
    assetOf: all,
    signOf: new Float64Array(n).fill(1),
    covariance: null,
    covScale: 0,
    ridge: 0,
    q: mu.map((v) => -v),
    lower: Float64Array.from(pc.lower),
    upper: Float64Array.from(pc.upper),
    rows: pc.rows.map((r) => ({ name: r.name, index: all, value: r.coef, lower: r.lower, upper: r.upper })),
  };
  const solution = solver.solve(problem);
  if (solution.status !== "optimal") {
    throw new InputError(
      "PROBLEM_UNBOUNDED",
      "the largest expected return is not finite under the constraints",
      "constraints",
    );
  }
  return -solution.objective;
}
