// Group (sector) limits and other linear rows for HRP. Bisection splits contiguous runs of the
// quasi-diagonal order, and a sector is scattered across them, so its limits cannot be kept split by
// split. When the bounded HRP weights break a row, they are replaced by the nearest portfolio
// (Euclidean) that keeps every bound, row and the budget: one small QP on the interior-point engine.
// By its KKT conditions w = h + λ·1 + Σ_k μ_k·a_k + (bound multipliers): the weights of a binding
// group all move by the same amount, the others only by the budget's λ; it is the identity when no
// row binds.
import { InfeasibleError } from "../../errors.ts";
import { solveInteriorPoint } from "../qp/mehrotra.ts";
import type { QpProblem, QpRow } from "../qp/types.ts";

/** A linear row lower ≤ coef·w ≤ upper (a group limit has coef 1 on its members, 0 elsewhere). */
export interface HrpRow {
  readonly name: string;
  readonly coef: Float64Array;
  /** −Infinity when absent. */
  readonly lower: number;
  /** +Infinity when absent. */
  readonly upper: number;
}

/** Slack allowed when checking a limit (the QP's own tolerance is tighter). */
const TOLERANCE = 1e-10;

/**
 * The rows `weights` break (beyond a 1e-10 slack), by name.
 *
 * @example
 * ```ts
 * brokenRows(Float64Array.of(0.6, 0.4), [{ name: "groups.tech", coef: Float64Array.of(1, 0), lower: 0, upper: 0.5 }]); // ["groups.tech"]
 * ```
 */
export function brokenRows(weights: Float64Array, rows: readonly HrpRow[]): string[] {
  return rows
    .filter((r) => {
      const v = r.coef.reduce((s, c, i) => s + c * (weights[i] as number), 0);
      return v < r.lower - TOLERANCE || v > r.upper + TOLERANCE;
    })
    .map((r) => r.name);
}

/**
 * The portfolio nearest to `weights` (least squares) with Σw = 1, `lower ≤ w ≤ upper` and every
 * row within its limits. Throws `HRP_CONSTRAINTS_INFEASIBLE` (exit 3) when no portfolio keeps
 * them all.
 *
 * @example
 * ```ts
 * const w = projectOntoRows(Float64Array.of(0.6, 0.4), new Float64Array(2), Float64Array.of(1, 1), [
 *   { name: "groups.tech", coef: Float64Array.of(1, 0), lower: 0, upper: 0.5 },
 * ]); // [0.5, 0.5]
 * ```
 */
export function projectOntoRows(
  weights: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  extra: readonly HrpRow[],
): Float64Array {
  const n = weights.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rows: QpRow[] = [
    { name: "budget", index: all, value: new Float64Array(n).fill(1), lower: 1, upper: 1 },
    ...extra.map((r) => ({ name: r.name, index: all, value: r.coef, lower: r.lower, upper: r.upper })),
  ];
  // ½‖w‖² − h'w = ½‖w − h‖² + const.
  const problem: QpProblem = {
    nx: n,
    nAssets: n,
    assetOf: all,
    signOf: new Float64Array(n).fill(1),
    covariance: { kind: "dense", n, data: identity(n) },
    covScale: 1,
    ridge: 0,
    q: weights.map((h) => -h),
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
    rows,
  };
  const solution = solveInteriorPoint(problem, { tolerance: 1e-12 });
  if (solution.status !== "optimal") {
    throw new InfeasibleError(
      "HRP_CONSTRAINTS_INFEASIBLE",
      `no portfolio keeps the position bounds, ${extra.map((r) => r.name).join(", ")} and the budget together (${solution.message ?? solution.status})`,
      "constraints",
    );
  }
  return Float64Array.from(solution.x);
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}
