// Group (sector) limits for HRP. Bisection splits contiguous runs of the quasi-diagonal order, and
// a sector is scattered across them, so its limits cannot be kept split by split. When the bounded
// HRP weights break a group limit, they are replaced by the nearest portfolio (Euclidean) that keeps
// every bound, group limit and the budget: one small QP on the interior-point engine, which leaves
// weights inside the limits untouched in spirit (the KKT conditions shift every weight of a binding
// group by the same amount) and is the identity when no limit binds.
import { InfeasibleError } from "../../errors.ts";
import { solveInteriorPoint } from "../qp/mehrotra.ts";
import type { QpProblem, QpRow } from "../qp/types.ts";

/** A group limit on the sum of its members' weights. */
export interface HrpGroup {
  readonly name: string;
  readonly members: readonly number[];
  /** −Infinity or 0 when absent. */
  readonly lower: number;
  /** +Infinity or 1 when absent. */
  readonly upper: number;
}

/** Slack allowed when checking a limit (the QP's own tolerance is tighter). */
const TOLERANCE = 1e-10;

/**
 * Whether `weights` keep every group limit.
 *
 * @example
 * ```ts
 * groupsHold(Float64Array.of(0.6, 0.4), [{ name: "tech", members: [0], lower: 0, upper: 0.5 }]); // false
 * ```
 */
export function groupsHold(weights: Float64Array, groups: readonly HrpGroup[]): boolean {
  return groups.every((g) => {
    const sum = g.members.reduce((s, i) => s + (weights[i] as number), 0);
    return sum >= g.lower - TOLERANCE && sum <= g.upper + TOLERANCE;
  });
}

/**
 * The portfolio nearest to `weights` (least squares) with Σw = 1, `lower ≤ w ≤ upper` and every
 * group within its limits. Throws `HRP_CONSTRAINTS_INFEASIBLE` (exit 3) when no portfolio keeps
 * them all.
 *
 * @example
 * ```ts
 * const w = projectOntoGroups(Float64Array.of(0.6, 0.4), new Float64Array(2), Float64Array.of(1, 1), [
 *   { name: "tech", members: [0], lower: 0, upper: 0.5 },
 * ]); // [0.5, 0.5]
 * ```
 */
export function projectOntoGroups(
  weights: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  groups: readonly HrpGroup[],
): Float64Array {
  const n = weights.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rows: QpRow[] = [
    { name: "budget", index: all, value: new Float64Array(n).fill(1), lower: 1, upper: 1 },
    ...groups.map((g) => ({
      name: `groups.${g.name}`,
      index: Int32Array.from(g.members),
      value: new Float64Array(g.members.length).fill(1),
      lower: g.lower,
      upper: g.upper,
    })),
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
      `no portfolio keeps the position bounds, group limits and budget together (${solution.message ?? solution.status})`,
      "constraints.groups",
    );
  }
  return Float64Array.from(solution.x);
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}
