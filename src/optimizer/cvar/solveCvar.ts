// Conditional value at risk (expected shortfall) from historical scenarios, minimised as the linear
// programme of Rockafellar & Uryasev (2000): with scenario returns r_s (s = 1…T) and confidence β,
//
//   minimise  α + 1/((1 − β)T) · Σ_s u_s
//   subject to u_s ≥ −r_s·w − α,  u_s ≥ 0,  the portfolio's linear constraints on w
//   (and μ'w ≥ target for efficient-cvar),
//
// whose optimum is the portfolio's CVaR_β and whose α is a VaR_β (PyPortfolioOpt's EfficientCVaR
// solves the same programme with cvxpy).
import { InputError } from "../../errors.ts";
import { diagnoseLinearFeasibility, type Infeasibility } from "../markowitz/feasibility.ts";
import type { PortfolioConstraints } from "../markowitz/constraints.ts";
import type { QpProblem, QpRow, QpSolution, QpSolver } from "../qp/types.ts";

/** What {@link solveCvar} minimises: CVaR alone, or CVaR at a required expected return. */
export interface CvarSpec {
  readonly objective: "min-cvar" | "efficient-cvar";
  /** Confidence level β ∈ (0, 1); PyPortfolioOpt's default 0.95. */
  readonly beta: number;
  /** Required μ'w of efficient-cvar (annualised, like μ). */
  readonly targetReturn?: number;
}

/** Scenario returns: T rows of n per-period returns, no missing values. */
export interface Scenarios {
  readonly t: number;
  readonly n: number;
  /** T × n row-major. */
  readonly values: Float64Array;
}

/** A CVaR portfolio with its risk figures (per period, as the scenarios; losses positive). */
export interface CvarSolution {
  readonly weights: Float64Array;
  /** CVaR_β: the mean loss in the worst (1 − β) share of scenarios. */
  readonly cvar: number;
  /** VaR_β: the loss exceeded in at most (1 − β) of scenarios (the programme's α). */
  readonly valueAtRisk: number;
  readonly solution: QpSolution;
}

/** {@link solveCvar}'s outcome: a solution, or the constraints that conflict. */
export type CvarOutcome =
  | { readonly kind: "solved"; readonly result: CvarSolution }
  | { readonly kind: "infeasible"; readonly infeasibility: Infeasibility };

/**
 * Solves the Rockafellar–Uryasev programme on `scenarios` under `pc` (bounds and weight rows;
 * turnover, tracking error and the penalties have no linear form here and are refused).
 *
 * @example
 * ```ts
 * const out = solveCvar(pc, mu, scenarios, { objective: "min-cvar", beta: 0.95 }, solver);
 * if (out.kind === "solved") out.result.cvar;
 * ```
 */
export function solveCvar(
  pc: PortfolioConstraints,
  mu: Float64Array | null,
  scenarios: Scenarios,
  spec: CvarSpec,
  solver: QpSolver,
): CvarOutcome {
  const { n, t, values } = scenarios;
  if (!(spec.beta > 0 && spec.beta < 1)) {
    throw new InputError("CVAR_BETA", `must be strictly between 0 and 1, got ${spec.beta}`, "beta");
  }
  if (t * (1 - spec.beta) < 1) {
    throw new InputError(
      "CVAR_TOO_FEW_SCENARIOS",
      `${t} scenarios leave no tail at beta ${spec.beta}: need at least ${Math.ceil(1 / (1 - spec.beta))}`,
      "prices",
    );
  }
  const refused = pc.reference !== null ? "turnover" : pc.trackingError !== null ? "trackingError" : null;
  if (
    refused !== null ||
    pc.l2Gamma !== 0 ||
    pc.transactionRate !== 0 ||
    pc.trackingErrorPenalty !== null ||
    pc.marketImpact !== null
  ) {
    throw new InputError(
      "CVAR_CONSTRAINT_UNSUPPORTED",
      "the CVaR programme takes bounds and linear rows only",
      `constraints.${refused ?? "penalties"}`,
    );
  }
  let rows = pc.rows;
  if (spec.objective === "efficient-cvar") {
    if (spec.targetReturn === undefined) {
      throw new InputError("FIELD_MISSING", "required by efficient-cvar", "targetReturn");
    }
    if (mu === null) throw new InputError("FIELD_MISSING", 'required by objective "efficient-cvar"', "expectedReturns");
    rows = [...rows, { name: "targetReturn", coef: mu, lower: spec.targetReturn, upper: Infinity }];
  }
  const infeasible = diagnoseLinearFeasibility({ ...pc, rows }, solver);
  if (infeasible !== null) return { kind: "infeasible", infeasibility: infeasible };

  // Variables: w (n), α (1), u (T).
  const nx = n + 1 + t;
  const alpha = n;
  const assetOf = new Int32Array(nx).fill(-1);
  const signOf = new Float64Array(nx);
  for (let j = 0; j < n; j++) {
    assetOf[j] = j;
    signOf[j] = 1;
  }
  const q = new Float64Array(nx);
  q[alpha] = 1;
  q.fill(1 / ((1 - spec.beta) * t), n + 1);
  const lower = new Float64Array(nx);
  const upper = new Float64Array(nx).fill(Infinity);
  lower.set(pc.lower);
  upper.set(pc.upper);
  lower[alpha] = -Infinity;
  const all = Int32Array.from({ length: n }, (_, j) => j);
  const qpRows: QpRow[] = rows.map((r) => ({
    name: r.name,
    index: all,
    value: r.coef,
    lower: r.lower,
    upper: r.upper,
  }));
  for (let s = 0; s < t; s++) {
    // r_s·w + α + u_s ≥ 0.
    const index = new Int32Array(n + 2);
    const value = new Float64Array(n + 2);
    for (let j = 0; j < n; j++) {
      index[j] = j;
      value[j] = values[s * n + j] as number;
    }
    index[n] = alpha;
    value[n] = 1;
    index[n + 1] = n + 1 + s;
    value[n + 1] = 1;
    qpRows.push({ name: `scenario[${s}]`, index, value, lower: 0, upper: Infinity });
  }
  const problem: QpProblem = {
    nx,
    nAssets: n,
    assetOf,
    signOf,
    covariance: null,
    covScale: 0,
    ridge: 0,
    q,
    lower,
    upper,
    rows: qpRows,
  };
  const solution = solver.solve(problem);
  if (solution.status !== "optimal") {
    throw new InputError(
      "CVAR_SOLVE_FAILED",
      `the CVaR programme did not solve (${solution.message ?? solution.status})`,
      "objective",
    );
  }
  const weights = solution.x.slice(0, n);
  return {
    kind: "solved",
    result: {
      weights,
      cvar: scenarioCvar(weights, scenarios, spec.beta),
      valueAtRisk: solution.x[alpha] as number,
      solution,
    },
  };
}

/**
 * CVaR_β of fixed weights on the scenarios, by the same formula the programme minimises:
 * min over α of α + Σ_s max(0, −r_s·w − α)/((1 − β)T), attained at a β-quantile of the losses.
 *
 * @example
 * ```ts
 * scenarioCvar(Float64Array.of(1), { t: 4, n: 1, values: Float64Array.of(-0.1, 0, 0.1, 0.2) }, 0.75); // 0.1
 * ```
 */
export function scenarioCvar(weights: Float64Array, scenarios: Scenarios, beta: number): number {
  const { n, t, values } = scenarios;
  const losses = new Float64Array(t);
  for (let s = 0; s < t; s++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += (values[s * n + j] as number) * (weights[j] as number);
    losses[s] = -r;
  }
  losses.sort();
  // The objective is convex piecewise linear in α with kinks at the losses: its minimum is at one.
  const k = 1 / ((1 - beta) * t);
  let best = Number.POSITIVE_INFINITY;
  let tail = 0;
  for (let i = t - 1; i >= 0; i--) {
    const a = losses[i] as number;
    // Σ over losses above a of (loss − a), computed from the running tail sum.
    const above = t - 1 - i;
    const value = a + k * (tail - above * a);
    if (value < best) best = value;
    tail += a;
  }
  return best;
}
