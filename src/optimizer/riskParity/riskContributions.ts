import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { matVec } from "./linalg.ts";

/** Result of {@link riskDecomposition}: portfolio risk and its Euler allocation by asset. */
export interface RiskDecomposition {
  /** Portfolio variance w'Σw, in the covariance's units (annualised variance when Σ is). */
  readonly variance: number;
  /** √(w'Σw): portfolio volatility, fraction (annualised when Σ is). */
  readonly volatility: number;
  /** RC_i = w_i (Σw)_i / w'Σw: each asset's share of portfolio risk; sums to 1, may be negative (hedges). */
  readonly relative: Float64Array;
}

function checkWeights(weights: Float64Array, n: number): void {
  if (!(weights instanceof Float64Array))
    throw new InputError("VECTOR_NOT_FLOAT64", "must be a Float64Array", "weights");
  if (weights.length !== n) {
    throw new InputError("VECTOR_LENGTH", `has ${weights.length} entries, expected ${n}`, "weights");
  }
  weights.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${v}`, `weights[${i}]`);
  });
}

/**
 * Relative risk contributions (Euler allocation of the variance, or equivalently of the volatility):
 *
 *   RC_i = w_i (Σw)_i / (w'Σw),  Σ_i RC_i = 1
 *
 * invariant to scaling w or Σ. Reference: Maillard, Roncalli & Teïletche, "The Properties of
 * Equally Weighted Risk Contribution Portfolios" (2010), eq. (1)–(2); equal RC_i is the ERC
 * optimiser's target. The one function of this name in the code base; the optimiser result's
 * absolute contributions w_i (Σw)_i / σ are `volatilityContributions`. Throws
 * `PORTFOLIO_VARIANCE_NOT_POSITIVE` when w'Σw ≤ 0 (zero weights, or Σ not positive semidefinite).
 *
 * @example
 * ```ts
 * const sigma = symmetricFromRows([[0.04, 0], [0, 0.01]], "covariance");
 * riskContributions(Float64Array.of(1 / 3, 2 / 3), sigma); // Float64Array [0.5, 0.5]
 * ```
 */
export function riskContributions(weights: Float64Array, covariance: SymmetricMatrix): Float64Array {
  return riskDecomposition(weights, covariance).relative;
}

/**
 * {@link riskContributions} with the variance and volatility it is computed from (one product Σw).
 *
 * @example
 * ```ts
 * const sigma = symmetricFromRows([[0.04, 0], [0, 0.01]], "covariance");
 * riskDecomposition(Float64Array.of(0.5, 0.5), sigma); // { variance: 0.0125, volatility: 0.1118…, relative: [0.8, 0.2] }
 * ```
 */
export function riskDecomposition(weights: Float64Array, covariance: SymmetricMatrix): RiskDecomposition {
  checkWeights(weights, covariance.n);
  const { rc, variance } = contributionsAndVariance(weights, covariance);
  return { variance, volatility: Math.sqrt(variance), relative: rc };
}

/** Relative risk contributions and the variance w'Σw from one product Σw; inputs already checked. */
export function contributionsAndVariance(
  weights: Float64Array,
  { n, data }: SymmetricMatrix,
): { rc: Float64Array; variance: number } {
  const s = matVec(data, n, weights, new Float64Array(n));
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (weights[i] as number) * (s[i] as number);
  if (!(variance > 0)) {
    throw new InputError(
      "PORTFOLIO_VARIANCE_NOT_POSITIVE",
      `w'Σw is ${variance}; risk contributions need a positive portfolio variance`,
      "weights",
    );
  }
  const rc = new Float64Array(n);
  for (let i = 0; i < n; i++) rc[i] = ((weights[i] as number) * (s[i] as number)) / variance;
  return { rc, variance };
}

/**
 * Sums risk contributions per group (sector, asset class): group name → asset indices. An asset may
 * sit in several groups or in none; the result lists groups in the order given.
 *
 * @example
 * ```ts
 * groupRiskContributions(Float64Array.of(0.2, 0.3, 0.5), { equity: [0, 1], bonds: [2] });
 * // { equity: 0.5, bonds: 0.5 }
 * ```
 */
export function groupRiskContributions(
  rc: Float64Array,
  groups: Readonly<Record<string, readonly number[]>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, members] of Object.entries(groups)) {
    let sum = 0;
    members.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= rc.length) {
        throw new InputError(
          "GROUP_INDEX",
          `asset index ${i} is out of range 0..${rc.length - 1}`,
          `groups.${name}[${k}]`,
        );
      }
      sum += rc[i] as number;
    });
    out[name] = sum;
  }
  return out;
}
