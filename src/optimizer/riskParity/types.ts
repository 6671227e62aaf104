/**
 * Public types of the risk-budgeting solver. Weights and budgets are fractions (0.25 = 25 %);
 * the covariance matrix may be in any consistent unit (annualised by convention): every result
 * below is invariant to scaling it by c > 0.
 */

/** The four unconstrained algorithms; all reach the same unique long-only solution. */
export type RiskBudgetingMethod = "gradient" | "qp" | "newton" | "ccd";

/** Per-asset weight bounds, fractions of the portfolio (0 ≤ lower ≤ upper). */
export interface WeightBounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * One general linear constraint `lower ≤ coefficients · w ≤ upper` (at least one side given),
 * e.g. a sector cap `{ name: "tech", coefficients: [1, 1, 0], upper: 0.4 }`.
 */
export interface LinearConstraint {
  readonly name: string;
  readonly coefficients: readonly number[];
  readonly lower?: number;
  readonly upper?: number;
}

/** Options of {@link solveRiskBudgeting}. */
export interface RiskBudgetingOptions {
  /** Risk budgets b_i, fractions of total risk: each > 0, summing to 1 (within 1e-12). Default 1/n (ERC). */
  readonly budgets?: readonly number[];
  /** Unconstrained algorithm. Default `"ccd"`, the fastest (see docs/risk-parity.md and the bench). */
  readonly method?: RiskBudgetingMethod;
  /** Weight bounds; triggers the constrained (Richard & Roncalli 2019) solver when they bind. */
  readonly bounds?: WeightBounds;
  /** General linear constraints; trigger the constrained solver when they bind. */
  readonly linear?: readonly LinearConstraint[];
  /**
   * Unconstrained: stop when max_i |RC_i − b_i| ≤ tolerance (default 1e-10). Constrained: tolerance
   * on the ADMM residuals and on |1'w − 1|.
   */
  readonly tolerance?: number;
  /** Cap on the method's iterations (sweeps, Newton steps, SQP steps, gradient steps). */
  readonly maxIterations?: number;
  /** Starting weights (each > 0); rescaled internally, so any positive vector will do. */
  readonly warmStart?: Float64Array;
  /**
   * Check that Σ is positive definite with a Cholesky factorisation (O(n³)) before solving.
   * Default true; pass false only when the caller has already validated Σ (the O(n) checks of the
   * diagonal always run).
   */
  readonly validateCovariance?: boolean;
}

/** Result of {@link solveRiskBudgeting}. */
export interface RiskBudgetingResult {
  /** Portfolio weights, fractions summing to 1, all > 0. */
  readonly weights: Float64Array;
  /** Relative risk contributions RC_i = w_i (Σw)_i / w'Σw, summing to 1. */
  readonly riskContributions: Float64Array;
  /** The budgets solved for (1/n when none were given). */
  readonly budgets: Float64Array;
  /** max_i |RC_i − b_i|: ≤ tolerance when unconstrained; larger when constraints bind, by design. */
  readonly maxBudgetError: number;
  /** Portfolio volatility sqrt(w'Σw), in the unit of sqrt(Σ) (annualised if Σ is). */
  readonly volatility: number;
  /** Iterations of the method (for constrained problems: inner CCD sweeps summed over the λ search). */
  readonly iterations: number;
  /** The stopping quantity actually reached (max |RC_i − b_i| unconstrained; KKT/ADMM residual constrained). */
  readonly residual: number;
  /** The algorithm that produced the weights, e.g. `"ccd"` or `"ccd+admm (Richard-Roncalli 2019)"`. */
  readonly method: string;
  readonly converged: boolean;
  /** Constraints active at the solution: `bounds.lower[i]`, `bounds.upper[i]`, `<name>.lower`, `<name>.upper`. */
  readonly constraintsBinding: string[];
}
