// A turnover limit for the methods that have no turnover term of their own (risk budgeting, HRP).
import { InfeasibleError } from "../../errors.ts";
import type { PortfolioConstraints } from "../markowitz/constraints.ts";

/**
 * Risk budgeting and HRP have no turnover term, so a turnover limit Σ|w − w0| ≤ max is met by
 * moving only part of the way from the current weights w0 to the method's portfolio w*:
 * w = w0 + α(w* − w0) with α = max / Σ|w* − w0|. The result must still satisfy the bounds and rows
 * (it does whenever w0 does, by convexity); otherwise the limits conflict and the problem is
 * infeasible (`ERC_TURNOVER_CONFLICT` / `HRP_TURNOVER_CONFLICT`).
 *
 * @example
 * ```ts
 * const { weights, turnoverWarning } = limitTurnover(target, constraints, "risk-budgeting");
 * ```
 */
export function limitTurnover(
  target: Float64Array,
  constraints: PortfolioConstraints,
  method: "risk-budgeting" | "HRP",
): { weights: Float64Array; turnoverWarning: string | null } {
  const w0 = constraints.reference;
  const max = constraints.turnoverMax;
  if (w0 === null || max === null) return { weights: target, turnoverWarning: null };
  const turnover = target.reduce((s, w, i) => s + Math.abs(w - (w0[i] ?? 0)), 0);
  if (turnover <= max) return { weights: target, turnoverWarning: null };
  const alpha = max / turnover;
  const weights = target.map((w, i) => (w0[i] ?? 0) + alpha * (w - (w0[i] ?? 0)));
  const tolerance = 1e-9;
  const broken = weights.findIndex(
    (w, i) => w < (constraints.lower[i] ?? 0) - tolerance || w > (constraints.upper[i] ?? 1) + tolerance,
  );
  const row = constraints.rows.find((r) => {
    const v = r.coef.reduce((s, c, i) => s + c * (weights[i] ?? 0), 0);
    return v < r.lower - tolerance || v > r.upper + tolerance;
  });
  if (broken >= 0 || row !== undefined) {
    throw new InfeasibleError(
      method === "HRP" ? "HRP_TURNOVER_CONFLICT" : "ERC_TURNOVER_CONFLICT",
      `turnover.max ${max} conflicts with ${row === undefined ? `bounds[${broken}]` : row.name}: the current weights break it and the turnover limit cannot reach a point that meets it`,
      "constraints.turnover",
    );
  }
  return {
    weights,
    turnoverWarning: `turnover limit ${max}: moved ${(alpha * 100).toFixed(1)}% of the way to the ${method} portfolio (turnover ${turnover.toFixed(4)})`,
  };
}
