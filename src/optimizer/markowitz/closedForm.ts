/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { InfeasibleError, InputError } from "../../errors.ts";
import { denseCovariance } from "../covariance.ts";
import { choleskyInPlace, choleskySolveInPlace } from "../qp/dense.ts";
import type { QpCovariance } from "../qp/types.ts";
import type { PortfolioConstraints } from "./constraints.ts";
import type { MarkowitzSpec } from "./solveMarkowitz.ts";

/**
 * Closed forms under the budget 1'w = B alone (Merton, "An analytic derivation of the efficient
 * portfolio frontier", JFQA 1972). With A = 1'Σ⁻¹1, b = 1'Σ⁻¹μ, C = μ'Σ⁻¹μ, D = AC − b²:
 *
 * - min-variance:       w = B·Σ⁻¹1 / A
 * - max-sharpe:         w = B·Σ⁻¹(μ − r_f·1) / 1'Σ⁻¹(μ − r_f·1)
 * - quadratic-utility:  w = Σ⁻¹(μ − η·1)/δ with η = (b − δB)/A
 * - efficient-return:   w = Σ⁻¹[(C·B − b·r)·1 + (A·r − b·B)·μ] / D
 * - efficient-risk:     the efficient-return portfolio at the upper root r of
 *                       A·r² − 2bB·r + C·B² − D·σ² = 0.
 */
export function closedFormWeights(
  pc: PortfolioConstraints,
  mu: Float64Array | null,
  cov: QpCovariance,
  spec: MarkowitzSpec,
): Float64Array {
  if (!pc.budgetOnly || pc.l2Gamma !== 0 || pc.trackingErrorPenalty !== null || pc.marketImpact !== null) {
    throw new InputError(
      "CLOSED_FORM_UNAVAILABLE",
      'closed-form needs a budget as the only constraint and unbounded weights (constraints.bounds {lower: null, upper: null}); use method "qp"',
      "method",
    );
  }
  const n = pc.n;
  const l = Float64Array.from(denseCovariance(cov));
  if (!choleskyInPlace(l, n)) {
    throw new InputError("COVARIANCE_SINGULAR", "is singular; the closed forms need an invertible Σ", "covariance");
  }
  const solve = (v: Float64Array): Float64Array => {
    const out = Float64Array.from(v);
    choleskySolveInPlace(l, n, out);
    return out;
  };
  const budget = pc.budget;
  const ones = new Float64Array(n).fill(1);
  const s1 = solve(ones);
  const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const a = dot(ones, s1);
  if (spec.objective === "min-variance") return s1.map((v) => (budget * v) / a);
  if (mu === null)
    throw new InputError("FIELD_MISSING", `required by objective "${spec.objective}"`, "expectedReturns");
  const sm = solve(mu);
  const b = dot(ones, sm);
  const c = dot(mu, sm);
  const d = a * c - b * b;
  switch (spec.objective) {
    case "max-sharpe": {
      const se = sm.map((v, i) => v - spec.riskFreeRate * s1[i]!);
      const total = dot(ones, se);
      if (!(total > 0) || budget <= 0) {
        throw new InfeasibleError(
          "TANGENCY_UNDEFINED",
          `riskFreeRate ${spec.riskFreeRate} is not below the minimum-variance return: no tangency portfolio with budget ${budget}`,
          "riskFreeRate",
        );
      }
      return se.map((v) => (budget * v) / total);
    }
    case "quadratic-utility": {
      const delta = spec.riskAversion;
      const eta = (b - delta * budget) / a;
      return sm.map((v, i) => (v - eta * s1[i]!) / delta);
    }
    case "efficient-return":
    case "efficient-risk": {
      let r: number;
      if (spec.objective === "efficient-return") {
        if (spec.targetReturn === undefined)
          throw new InputError("FIELD_MISSING", "required by efficient-return", "targetReturn");
        r = spec.targetReturn;
      } else {
        const sigma = spec.targetVolatility;
        if (sigma === undefined)
          throw new InputError("FIELD_MISSING", "required by efficient-risk", "targetVolatility");
        const disc = b * b * budget * budget - a * (c * budget * budget - d * sigma * sigma);
        if (disc < 0) {
          throw new InfeasibleError(
            "TARGET_VOLATILITY_UNATTAINABLE",
            `targetVolatility ${sigma} is below the minimum attainable volatility ${Math.sqrt((budget * budget) / a).toPrecision(6)}`,
            "targetVolatility",
          );
        }
        r = (b * budget + Math.sqrt(disc)) / a;
      }
      if (!(d > 0))
        throw new InputError(
          "FRONTIER_DEGENERATE",
          "all expected returns are equal: the frontier is a point",
          "expectedReturns",
        );
      return s1.map((v, i) => ((c * budget - b * r) * v + (a * r - b * budget) * sm[i]!) / d);
    }
  }
}
