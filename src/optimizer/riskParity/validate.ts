// Input checks of the risk-budgeting solver: run once at the boundary, each naming what is wrong.
import { InfeasibleError, InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { choleskyPivots } from "../simd/cholesky.ts";
import type { LinearConstraint, WeightBounds } from "./types.ts";

/** Largest accepted |Σ b_i − 1|. */
export const BUDGET_SUM_TOLERANCE = 1e-12;

/**
 * Budgets b_i > 0 with Σ b_i = 1 (within 1e-12); 1/n when absent. Errors name `riskBudgets[i]`
 * or `riskBudgets`.
 *
 * @example
 * ```ts
 * validateBudgets([0.5, 0.3, 0.2], 3); // Float64Array [0.5, 0.3, 0.2]
 * ```
 */
export function validateBudgets(budgets: readonly number[] | undefined, n: number): Float64Array {
  if (budgets === undefined) return new Float64Array(n).fill(1 / n);
  if (!Array.isArray(budgets)) throw new InputError("BUDGETS_NOT_ARRAY", "must be an array of numbers", "riskBudgets");
  if (budgets.length !== n) {
    throw new InputError(
      "BUDGETS_LENGTH",
      `has ${budgets.length} entries, expected ${n} (one per asset)`,
      "riskBudgets",
    );
  }
  const out = new Float64Array(n);
  let sum = 0;
  budgets.forEach((value: unknown, i) => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(value)}`, `riskBudgets[${i}]`);
    }
    if (!(value > 0)) {
      throw new InputError(
        "BUDGET_NOT_POSITIVE",
        `must be > 0, got ${value} (a zero budget has no long-only risk-budgeting solution: drop the asset instead)`,
        `riskBudgets[${i}]`,
      );
    }
    out[i] = value;
    sum += value;
  });
  if (Math.abs(sum - 1) > BUDGET_SUM_TOLERANCE) {
    throw new InputError("BUDGETS_SUM", `must sum to 1, got ${sum}`, "riskBudgets");
  }
  return out;
}

/**
 * Checks Σ for risk budgeting: every variance > 0 (O(n)) and, unless `full` is false, positive
 * definiteness by Cholesky (O(n³)). A pivot below −1e-8·Σ_kk means a negative eigenvalue
 * (`COVARIANCE_NOT_PSD`); a pivot within ±1e-12·Σ_kk means asset k is a linear combination of the
 * assets before it (`COVARIANCE_SINGULAR`).
 */
export function validateCovariance(sigma: SymmetricMatrix, full: boolean, path = "covariance"): void {
  const { n, data } = sigma;
  if (data.length !== n * n) {
    throw new InputError("MATRIX_SHAPE", `data has ${data.length} entries, expected ${n}×${n}`, path);
  }
  for (let i = 0; i < n; i++) {
    const d = data[i * n + i] as number;
    if (!Number.isFinite(d))
      throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${d}`, `${path}[${i}][${i}]`);
    if (!(d > 0)) {
      throw new InputError(
        "COVARIANCE_ZERO_VARIANCE",
        `variance is ${d}: an asset without risk has no risk budget (its weight would grow without bound)`,
        `${path}[${i}][${i}]`,
      );
    }
  }
  if (!full) return;
  for (let k = 0; k < n * n; k++) {
    if (!Number.isFinite(data[k] as number)) {
      throw new InputError(
        "INPUT_NOT_FINITE",
        `must be finite, got ${data[k]}`,
        `${path}[${Math.floor(k / n)}][${k % n}]`,
      );
    }
  }
  const outcome = choleskyPivots(data, n, 1e-12);
  if (outcome.failedAt < 0) return;
  const k = outcome.failedAt;
  const relative = outcome.pivot / (data[k * n + k] as number);
  if (relative < -1e-8) {
    throw new InputError(
      "COVARIANCE_NOT_PSD",
      `is not positive semi-definite: Cholesky pivot of asset ${k} is ${outcome.pivot} (relative ${relative.toExponential(2)}); ` +
        "repair it (shrinkage or nearest-PSD projection) before solving",
      path,
    );
  }
  throw new InputError(
    "COVARIANCE_SINGULAR",
    `is singular: asset ${k} is (numerically) a linear combination of assets 0..${k - 1} ` +
      `(relative Cholesky pivot ${relative.toExponential(2)}); remove the redundant asset or shrink the estimate`,
    path,
  );
}

/** Starting weights: n finite entries, each > 0. */
export function validateWarmStart(warm: Float64Array, n: number): void {
  if (warm.length !== n)
    throw new InputError("VECTOR_LENGTH", `has ${warm.length} entries, expected ${n}`, "warmStart");
  warm.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0))
      throw new InputError("WARM_START_NOT_POSITIVE", `must be > 0, got ${v}`, `warmStart[${i}]`);
  });
}

/** Validated constraint set: box plus rows `lower_k ≤ a_k·w ≤ upper_k` (±Infinity when a side is absent). */
export interface ConstraintSet {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Rows as a dense m×n row-major matrix. */
  readonly rows: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly names: readonly string[];
  readonly m: number;
}

/**
 * Checks bounds (0 ≤ lower ≤ upper, upper > 0: risk budgeting is long-only and every asset with a
 * positive budget holds a positive weight) and linear rows, and rejects sets that obviously cannot
 * hold weights summing to 1.
 */
export function validateConstraints(
  bounds: WeightBounds | undefined,
  linear: readonly LinearConstraint[] | undefined,
  n: number,
): ConstraintSet {
  const lower = new Float64Array(n);
  const upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  if (bounds !== undefined) {
    for (const side of ["lower", "upper"] as const) {
      if (bounds[side].length !== n) {
        throw new InputError(
          "VECTOR_LENGTH",
          `has ${bounds[side].length} entries, expected ${n}`,
          `constraints.bounds.${side}`,
        );
      }
    }
    for (let i = 0; i < n; i++) {
      const lo = bounds.lower[i] as number;
      const hi = bounds.upper[i] as number;
      if (Number.isNaN(lo) || lo < 0 || lo === Number.POSITIVE_INFINITY) {
        throw new InputError(
          "BOUND_NEGATIVE",
          `must be a number ≥ 0, got ${lo} (risk budgeting is long-only)`,
          `constraints.bounds.lower[${i}]`,
        );
      }
      if (Number.isNaN(hi) || !(hi > 0)) {
        throw new InputError(
          "BOUND_NOT_POSITIVE",
          `must be > 0, got ${hi} (an asset with a positive risk budget holds a positive weight)`,
          `constraints.bounds.upper[${i}]`,
        );
      }
      if (hi < lo)
        throw new InputError("BOUNDS_CROSSED", `is ${hi}, below lower bound ${lo}`, `constraints.bounds.upper[${i}]`);
      lower[i] = lo;
      upper[i] = hi;
    }
    let sumLower = 0;
    let sumUpper = 0;
    for (let i = 0; i < n; i++) {
      sumLower += lower[i] as number;
      sumUpper += upper[i] as number;
    }
    if (sumLower > 1 + 1e-12 || sumUpper < 1 - 1e-12) {
      throw new InfeasibleError(
        "BOUNDS_INFEASIBLE",
        `no weights summing to 1 fit the bounds (Σ lower = ${sumLower}, Σ upper = ${sumUpper})`,
        "constraints.bounds",
      );
    }
  }
  const list = linear ?? [];
  const m = list.length;
  const rows = new Float64Array(m * n);
  const rowLower = new Float64Array(m);
  const rowUpper = new Float64Array(m);
  const names: string[] = [];
  list.forEach((row, k) => {
    const path = `constraints.linear[${k}]`;
    if (typeof row.name !== "string" || row.name.length === 0)
      throw new InputError("CONSTRAINT_NAME", "needs a name", `${path}.name`);
    if (!Array.isArray(row.coefficients) || row.coefficients.length !== n) {
      throw new InputError("VECTOR_LENGTH", `must have ${n} coefficients (one per asset)`, `${path}.coefficients`);
    }
    row.coefficients.forEach((c: unknown, j) => {
      if (typeof c !== "number" || !Number.isFinite(c)) {
        throw new InputError(
          "INPUT_NOT_FINITE",
          `must be a finite number, got ${String(c)}`,
          `${path}.coefficients[${j}]`,
        );
      }
      rows[k * n + j] = c;
    });
    const lo = row.lower ?? Number.NEGATIVE_INFINITY;
    const hi = row.upper ?? Number.POSITIVE_INFINITY;
    if (row.lower === undefined && row.upper === undefined) {
      throw new InputError("CONSTRAINT_NO_SIDE", "needs a lower or an upper limit", path);
    }
    for (const [side, v] of [
      ["lower", row.lower],
      ["upper", row.upper],
    ] as const) {
      if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
        throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(v)}`, `${path}.${side}`);
      }
    }
    if (hi < lo) throw new InputError("CONSTRAINT_CROSSED", `upper ${hi} is below lower ${lo}`, path);
    rowLower[k] = lo;
    rowUpper[k] = hi;
    names.push(row.name);
  });
  return { lower, upper, rows, rowLower, rowUpper, names, m };
}
