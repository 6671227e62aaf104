/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import type { QpProblem, QpRow, QpSolver } from "../qp/types.ts";
import type { PortfolioConstraints, WeightRow } from "./constraints.ts";
import { formulate } from "./formulate.ts";

/** Why a problem has no feasible portfolio: a minimal set of conflicting constraints. */
export interface Infeasibility {
  /** e.g. `["groups.Tech.upper 0.3", "budget 1", "bounds.lower"]`. */
  readonly conflicts: readonly string[];
  readonly message: string;
}

/**
 * Phase 1 of the linear constraints: the elastic programme
 *
 *   minimise Σ_r (e⁺_r + e⁻_r)  s.t.  l_r ≤ a_r'x + e⁺_r − e⁻_r ≤ u_r,  bounds hard,  e ≥ 0,
 *
 * (Chinneck, *Feasibility and Infeasibility in Optimization*, 2008, ch. 6) is always feasible; its
 * optimum is 0 exactly when the constraints are consistent. Returns the total violation and the
 * row multipliers (a Farkas certificate when the violation is positive).
 */
function elasticViolation(qp: QpProblem, solver: QpSolver): { violation: number; rowDual: Float64Array; ok: boolean } {
  const m = qp.rows.length;
  const nx = qp.nx + 2 * m;
  const assetOf = new Int32Array(nx).fill(-1);
  assetOf.set(qp.assetOf);
  const signOf = new Float64Array(nx);
  signOf.set(qp.signOf);
  const lower = new Float64Array(nx);
  const upper = new Float64Array(nx).fill(Infinity);
  lower.set(qp.lower);
  upper.set(qp.upper);
  const q = new Float64Array(nx);
  for (let j = qp.nx; j < nx; j++) q[j] = 1;
  const rows: QpRow[] = qp.rows.map((row, r) => ({
    ...row,
    index: Int32Array.from([...row.index, qp.nx + 2 * r, qp.nx + 2 * r + 1]),
    value: Float64Array.from([...row.value, 1, -1]),
  }));
  const elastic: QpProblem = {
    nx,
    nAssets: qp.nAssets,
    assetOf,
    signOf,
    covariance: null,
    covScale: 0,
    ridge: 0,
    q,
    lower,
    upper,
    rows,
  };
  const sol = solver.solve(elastic, { tolerance: 1e-11 });
  let violation = 0;
  for (let j = qp.nx; j < nx; j++) violation += sol.x[j]!;
  return { violation, rowDual: sol.rowDual, ok: sol.status === "optimal" };
}

function scaleOf(pc: PortfolioConstraints): number {
  let s = 1;
  for (const r of pc.rows) {
    if (Number.isFinite(r.lower)) s = Math.max(s, Math.abs(r.lower));
    if (Number.isFinite(r.upper)) s = Math.max(s, Math.abs(r.upper));
  }
  return s;
}

function describeRow(row: WeightRow, side: number): string {
  if (row.lower === row.upper) return `${row.name} ${row.lower}`;
  if (side > 0 || (side === 0 && row.lower === -Infinity)) return `${row.name}.lower ${row.lower}`;
  return `${row.name}.upper ${row.upper}`;
}

/**
 * Checks the linear constraints (bounds, budget, groups, linear rows, esg, turnover; liquidity is
 * in the bounds) and, when they conflict, finds a minimal conflicting set by the deletion filter
 * (Chinneck & Dravnieks, 1991): drop each row the elastic certificate involves, keep it only if
 * the rest becomes feasible; then test whether the lower and the upper bounds take part.
 * Returns null when a feasible portfolio exists.
 */
export function diagnoseLinearFeasibility(pc: PortfolioConstraints, solver: QpSolver): Infeasibility | null {
  // The elastic optimum is 0 exactly when feasible; the interior point reaches it to ~1e-9 per row.
  const tol = 1e-7 * scaleOf(pc);
  const zero = { a: 0, g: new Float64Array(pc.n) };
  const test = (
    rows: readonly WeightRow[],
    set: PortfolioConstraints,
    withTurnover: boolean,
  ): { infeasible: boolean; dual: Float64Array } => {
    const { qp } = formulate(set, null, zero, { rows, withTurnover });
    const { violation, rowDual } = elasticViolation(qp, solver);
    return { infeasible: violation > tol, dual: rowDual };
  };
  const hasTurnover = pc.reference !== null && pc.turnoverMax !== null;
  const first = test(pc.rows, pc, true);
  if (!first.infeasible) return null;

  // Deletion filter over the rows (turnover last: its row follows the weight rows).
  let kept = [...pc.rows];
  for (const row of [...kept]) {
    const without = kept.filter((r) => r !== row);
    if (test(without, pc, hasTurnover).infeasible) kept = without;
  }
  let turnoverInvolved = false;
  if (hasTurnover) turnoverInvolved = !test(kept, pc, false).infeasible;
  const final = test(kept, pc, turnoverInvolved);
  // Name the distinctive rows first and the budget last: "groups.Tech.upper 0.3 conflicts with budget 1".
  const described = kept.map((row, r) => ({ row, text: describeRow(row, Math.sign(final.dual[r] ?? 0)) }));
  described.sort((a, b) => Number(a.row.name === "budget") - Number(b.row.name === "budget"));
  const conflicts = described.map((d) => d.text);
  if (turnoverInvolved) conflicts.push(`turnover ${pc.turnoverMax}`);
  const relaxed = (side: "lower" | "upper"): PortfolioConstraints => ({
    ...pc,
    [side]: new Float64Array(pc.n).fill(side === "lower" ? -Infinity : Infinity),
    reference: pc.reference,
  });
  const boundNames = (side: "lower" | "upper"): string => {
    const from = side === "lower" ? pc.lowerFrom : pc.upperFrom;
    return from.includes("liquidity") ? `bounds.${side} (with liquidity)` : `bounds.${side}`;
  };
  if (!test(kept, relaxed("lower"), turnoverInvolved).infeasible) conflicts.push(boundNames("lower"));
  if (!test(kept, relaxed("upper"), turnoverInvolved).infeasible) conflicts.push(boundNames("upper"));
  const [head, ...rest] = conflicts;
  const message =
    head === undefined
      ? "the constraints admit no portfolio"
      : rest.length === 0
        ? `${head} cannot be met`
        : `${head} conflicts with ${rest.join(" and ")}`;
  return { conflicts, message };
}
