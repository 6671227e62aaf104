/**
 * The one problem form every QP backend accepts, and what every backend returns.
 *
 * Variables `x ∈ R^N` map to asset weights through a signed selection `w = c + E·x`: variable `j`
 * adds `signOf[j]·x[j]` to `w[assetOf[j]]` (`assetOf[j] = -1` for auxiliary variables such as the
 * max-Sharpe scale κ or elastic slacks). The objective is
 *
 *   minimise ½·x'Hx + q'x,   H = E'(covScale·Σ + ridge·I)E,
 *
 * subject to `lower ≤ x ≤ upper` and `row.lower ≤ row·x ≤ row.upper` for every row.
 * Keeping Σ symbolic (dense or factor model) lets a backend exploit its structure.
 */

/** Covariance of the asset block: a dense matrix or a factor model `Σ = B F B' + diag(s)`. */
export type QpCovariance =
  | {
      readonly kind: "dense";
      readonly n: number;
      /** n×n row-major Σ. */
      readonly data: Float64Array;
      /**
       * out = Σx by a kernel prepared for this solve (../simd/denseProduct.ts); when absent, the
       * same sums in JS. Either way the result is identical.
       */
      readonly product?: (x: Float64Array, out: Float64Array) => void;
    }
  | {
      readonly kind: "factor";
      readonly n: number;
      readonly k: number;
      /** n×k row-major loadings B. */
      readonly loadings: Float64Array;
      /** k×k row-major factor covariance F. */
      readonly factorCovariance: Float64Array;
      /** Specific variances s (length n). */
      readonly specificVariance: Float64Array;
    };

/** One linear row `lower ≤ Σ_k value[k]·x[index[k]] ≤ upper`, named for diagnostics. */
export interface QpRow {
  readonly name: string;
  readonly index: Int32Array;
  readonly value: Float64Array;
  /** −Infinity when absent. */
  readonly lower: number;
  /** +Infinity when absent. */
  readonly upper: number;
}

/** A convex QP in the form described at the top of this file. */
export interface QpProblem {
  readonly nx: number;
  readonly nAssets: number;
  readonly assetOf: Int32Array;
  readonly signOf: Float64Array;
  readonly covariance: QpCovariance | null;
  /** Multiplies Σ in H (0 for a linear programme). */
  readonly covScale: number;
  /** Multiplies I in the asset block of H (L2 regularisation), ≥ 0. */
  readonly ridge: number;
  readonly q: Float64Array;
  /** Variable bounds; ±Infinity when absent. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Name of the constraint behind each variable's lower/upper bound, for diagnostics. */
  readonly boundNames?: {
    readonly lower: (j: number) => string;
    readonly upper: (j: number) => string;
  };
  readonly rows: readonly QpRow[];
}

/** Which bounds and rows hold with equality; also the warm start of a re-solve. */
export interface ActiveSet {
  /** Per variable: −1 at lower bound, +1 at upper bound, 0 free. */
  readonly bounds: Int8Array;
  /** Per row: −1 at lower, +1 at upper, 0 inactive (equality rows are always ±1). */
  readonly rows: Int8Array;
}

/** Residuals of the KKT conditions at the returned point (∞-norms, unscaled). */
export interface QpResiduals {
  /** Largest bound or row violation. */
  readonly primal: number;
  /** ‖Hx + q − A'y − z‖∞. */
  readonly dual: number;
  /** Largest |multiplier × distance to its bound|. */
  readonly complementarity: number;
}

export type QpStatus = "optimal" | "infeasible" | "unbounded" | "error";

export interface QpSolution {
  readonly status: QpStatus;
  readonly x: Float64Array;
  /** Row multipliers y (≥ 0 at a lower bound, ≤ 0 at an upper bound). */
  readonly rowDual: Float64Array;
  /** Bound multipliers z = Hx + q − A'y (≥ 0 at a lower bound, ≤ 0 at an upper bound). */
  readonly boundDual: Float64Array;
  readonly objective: number;
  readonly iterations: number;
  readonly residuals: QpResiduals;
  readonly activeSet: ActiveSet;
  /** Engine name and path, e.g. `ipm+polish`, `warm-active-set`, `highs`. */
  readonly solver: string;
  readonly message?: string;
}

/** Options every backend understands. */
export interface QpSolveOptions {
  /** Active set of a previous, similar problem (same variables and rows). */
  readonly warmStart?: ActiveSet;
  /** Relative tolerance of the KKT conditions. Default 1e-10. */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** A QP backend. Synchronous: the HiGHS backend is created once its WASM module is loaded. */
export interface QpSolver {
  readonly name: string;
  solve(problem: QpProblem, options?: QpSolveOptions): QpSolution;
}
