import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { matVec } from "./linalg.ts";

/**
 * Relative risk contributions RC_i = w_i (Σw)_i / (w'Σw) (Euler allocation of the variance, or
 * equivalently of the volatility): they sum to 1 and are invariant to scaling w or Σ.
 *
 * @example
 * ```ts
 * const sigma = symmetricFromRows([[0.04, 0], [0, 0.01]], "covariance");
 * riskContributions(sigma, Float64Array.of(1 / 3, 2 / 3)); // Float64Array [0.5, 0.5]
 * ```
 */
export function riskContributions(sigma: SymmetricMatrix, weights: Float64Array): Float64Array {
  if (weights.length !== sigma.n) {
    throw new InputError("VECTOR_LENGTH", `has ${weights.length} entries, expected ${sigma.n}`, "weights");
  }
  return contributionsAndVariance(sigma, weights).rc;
}

/** Relative risk contributions and the variance w'Σw from one product Σw. */
export function contributionsAndVariance(
  { n, data }: SymmetricMatrix,
  weights: Float64Array,
): { rc: Float64Array; variance: number } {
  const s = matVec(data, n, weights, new Float64Array(n));
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (weights[i] as number) * (s[i] as number);
  if (!(variance > 0)) {
    throw new InputError(
      "PORTFOLIO_ZERO_VARIANCE",
      `portfolio variance is ${variance}: risk contributions undefined`,
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
