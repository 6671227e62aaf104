import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { solveCcd, type UnconstrainedOutcome } from "./ccd.ts";
import { solveConstrained } from "./constrained.ts";
import { solveGradient } from "./gradient.ts";
import { solveNewton } from "./newton.ts";
import { contributionsAndVariance } from "./riskContributions.ts";
import { solveSequentialQp } from "./sequentialQp.ts";
import type { RiskBudgetingMethod, RiskBudgetingOptions, RiskBudgetingResult } from "./types.ts";
import {
  validateBudgets,
  validateConstraints,
  validateCovariance,
  validateWarmStart,
  type ConstraintSet,
} from "./validate.ts";

type Solver = (
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  tolerance: number,
  maxIterations: number,
  warmStart?: Float64Array,
) => UnconstrainedOutcome;

const SOLVERS: Readonly<Record<RiskBudgetingMethod, { solve: Solver; maxIterations: number }>> = {
  gradient: { solve: solveGradient, maxIterations: 200_000 },
  qp: { solve: solveSequentialQp, maxIterations: 500 },
  newton: { solve: solveNewton, maxIterations: 200 },
  ccd: { solve: solveCcd, maxIterations: 10_000 },
};

/** The default method: the fastest in `npm run bench` at every size measured (see docs/risk-parity.md). */
export const DEFAULT_RISK_BUDGETING_METHOD: RiskBudgetingMethod = "ccd";

/** Default stopping tolerance on max_i |RC_i − b_i| (unconstrained). */
export const DEFAULT_RISK_BUDGETING_TOLERANCE = 1e-10;

/**
 * Risk-budgeting (risk-parity) portfolio: long-only weights w, 1'w = 1, whose relative risk
 * contributions RC_i = w_i (Σw)_i / w'Σw equal the budgets b_i (ERC when b_i = 1/n). The solution
 * exists and is unique for any positive-definite Σ and positive budgets (Roncalli 2013).
 *
 * Unconstrained, `method` picks one of four algorithms that reach that same point: `"ccd"`
 * (default, cyclical coordinate descent), `"newton"`, `"qp"` (sequential QP) or `"gradient"`.
 * With `bounds` or `linear` constraints the unconstrained solution is returned if it already
 * satisfies them (it is then also the constrained solution); otherwise the constrained RB
 * portfolio of Richard & Roncalli (2019) is computed, whose risk contributions differ from the
 * budgets wherever a constraint binds (see docs/risk-parity.md).
 *
 * Throws `InputError` for invalid budgets (`riskBudgets[i]`, `riskBudgets`), a covariance that is
 * singular or not positive semi-definite (`COVARIANCE_SINGULAR`, `COVARIANCE_NOT_PSD`,
 * `COVARIANCE_ZERO_VARIANCE`) or malformed constraints; `InfeasibleError` when the constraints
 * leave no admissible portfolio. A result with `converged: false` ran out of iterations.
 *
 * @example
 * ```ts
 * const sigma = symmetricFromRows([[0.01, 0], [0, 0.04]], "covariance"); // vols 10 %, 20 %
 * const { weights, riskContributions } = solveRiskBudgeting(sigma, {});
 * // weights ≈ [2/3, 1/3], riskContributions ≈ [0.5, 0.5]
 * ```
 */
export function solveRiskBudgeting(sigma: SymmetricMatrix, options: RiskBudgetingOptions = {}): RiskBudgetingResult {
  const { n, data } = sigma;
  validateCovariance(sigma, options.validateCovariance ?? true);
  const budgets = validateBudgets(options.budgets, n);
  const method = options.method ?? DEFAULT_RISK_BUDGETING_METHOD;
  // Own keys only: `method` comes from user input, and "toString" must not reach Object.prototype.
  const entry = Object.hasOwn(SOLVERS, method) ? SOLVERS[method] : undefined;
  if (entry === undefined) {
    throw new InputError(
      "ERC_METHOD",
      `must be one of ${Object.keys(SOLVERS).join(", ")}, got ${String(method)}`,
      "ercMethod",
    );
  }
  const tolerance = options.tolerance ?? DEFAULT_RISK_BUDGETING_TOLERANCE;
  if (!(Number.isFinite(tolerance) && tolerance > 0)) {
    throw new InputError("TOLERANCE", `must be a positive number, got ${tolerance}`, "tolerance");
  }
  const maxIterations = options.maxIterations ?? entry.maxIterations;
  if (!(Number.isInteger(maxIterations) && maxIterations > 0)) {
    throw new InputError("MAX_ITERATIONS", `must be a positive integer, got ${maxIterations}`, "maxIterations");
  }
  if (options.warmStart !== undefined) validateWarmStart(options.warmStart, n);
  const constrained = options.bounds !== undefined || (options.linear !== undefined && options.linear.length > 0);
  const set = constrained ? validateConstraints(options.bounds, options.linear, n) : undefined;

  const outcome = entry.solve(data, n, budgets, tolerance, maxIterations, options.warmStart);
  let total = 0;
  for (let i = 0; i < n; i++) total += outcome.y[i] as number;
  const free = outcome.y.map((v) => v / total);
  if (set === undefined || violated(free, set, n).length === 0) {
    return compose(sigma, free, budgets, {
      fresh: outcome,
      iterations: outcome.iterations,
      residual: outcome.residual,
      method,
      converged: outcome.converged,
      set,
    });
  }
  const result = solveConstrained(data, n, budgets, set, tolerance, SOLVERS.ccd.maxIterations, free);
  return compose(sigma, result.weights, budgets, {
    iterations: outcome.iterations + result.iterations,
    residual: result.residual,
    method: result.method,
    converged: result.converged,
    set,
  });
}

/** Slack used to call a constraint binding or violated (weights are fractions). */
const ACTIVE_TOLERANCE = 1e-9;

/** Names of the constraints that w violates by more than 1e-12. */
function violated(w: Float64Array, set: ConstraintSet, n: number): string[] {
  return activeOrViolated(w, set, n, -1e-12);
}

/** Constraints with slack ≤ `slack` (binding when slack > 0, violated when slack < 0). */
function activeOrViolated(w: Float64Array, set: ConstraintSet, n: number, slack: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    if (wi - (set.lower[i] as number) <= slack && (set.lower[i] as number) > 0) names.push(`bounds.lower[${i}]`);
    if ((set.upper[i] as number) - wi <= slack) names.push(`bounds.upper[${i}]`);
  }
  for (let k = 0; k < set.m; k++) {
    let dot = 0;
    for (let j = 0; j < n; j++) dot += (set.rows[k * n + j] as number) * (w[j] as number);
    const lo = set.rowLower[k] as number;
    const hi = set.rowUpper[k] as number;
    if (Number.isFinite(lo) && dot - lo <= slack * (1 + Math.abs(lo))) names.push(`${set.names[k] as string}.lower`);
    if (Number.isFinite(hi) && hi - dot <= slack * (1 + Math.abs(hi))) names.push(`${set.names[k] as string}.upper`);
  }
  return names;
}

function compose(
  sigma: SymmetricMatrix,
  weights: Float64Array,
  budgets: Float64Array,
  info: {
    /** The solver's y and fresh Σy, when `weights` = y/1'y: saves one O(n²) product. */
    fresh?: UnconstrainedOutcome;
    iterations: number;
    residual: number;
    method: string;
    converged: boolean;
    set: ConstraintSet | undefined;
  },
): RiskBudgetingResult {
  const { rc, variance } = info.fresh === undefined ? contributionsAndVariance(weights, sigma) : fromSolver(info.fresh);
  let maxBudgetError = 0;
  for (let i = 0; i < weights.length; i++)
    maxBudgetError = Math.max(maxBudgetError, Math.abs((rc[i] as number) - (budgets[i] as number)));
  const n = sigma.n;
  return {
    weights,
    riskContributions: rc,
    budgets,
    maxBudgetError,
    volatility: Math.sqrt(variance),
    iterations: info.iterations,
    residual: info.residual,
    method: info.method,
    converged: info.converged,
    constraintsBinding: info.set === undefined ? [] : activeOrViolated(weights, info.set, n, ACTIVE_TOLERANCE),
  };
}

/** RC and w'Σw for w = y/1'y from y and Σy (RC is invariant to the scale of y). */
function fromSolver({ y, sigmaY }: UnconstrainedOutcome): { rc: Float64Array; variance: number } {
  let quadratic = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    quadratic += (y[i] as number) * (sigmaY[i] as number);
    total += y[i] as number;
  }
  const rc = y.map((v, i) => (v * (sigmaY[i] as number)) / quadratic);
  return { rc, variance: quadratic / (total * total) };
}
