import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import type { DenseMatrix } from "./types.ts";
import { assertPicking, assertSigma, assertTau, quadraticForm } from "./validate.ts";

/**
 * He & Litterman (1999) view uncertainty, PyPortfolioOpt `default_omega`:
 *
 *     Ω = diag(τ · P Σ P')
 *
 * i.e. each view is as uncertain as the prior on its own portfolio, so Ω/τ is the view
 * portfolio's variance. Returns Ω as a k×k row-major matrix (diagonal).
 *
 * @example
 * ```ts
 * const omega = heLittermanOmega({ sigma, P, tau: 0.05 });
 * ```
 */
export function heLittermanOmega({
  sigma,
  P,
  tau,
}: {
  sigma: SymmetricMatrix;
  P: DenseMatrix;
  tau: number;
}): Float64Array {
  assertSigma(sigma, "sigma");
  assertPicking(P, sigma.n, "P");
  assertTau(tau, "tau");
  const k = P.rows;
  const omega = new Float64Array(k * k);
  for (let v = 0; v < k; v++) omega[v * k + v] = tau * quadraticForm(P, v, sigma);
  return omega;
}

/**
 * Idzorek (2005) confidence-based uncertainty in the closed form of Walters ("The Black-Litterman
 * Model in Detail", 2014, eqs. 41 and 44), PyPortfolioOpt `idzorek_method`:
 *
 *     α_v = (1 − c_v) / c_v,    ω_v = τ · α_v · p_v Σ p_v'
 *
 * Confidence c_v ∈ (0, 1]: 1 gives ω_v = 0 (the posterior honours the view exactly), c → 0 gives
 * ω → ∞ (the posterior returns to the prior). With c = 0.5, ω equals He-Litterman's. Unlike
 * PyPortfolioOpt, c = 0 is refused instead of replaced by 1e6: a view nobody believes is dropped,
 * not silently weighted. Returns Ω as a k×k row-major matrix (diagonal).
 *
 * @example
 * ```ts
 * const omega = idzorekOmega({ sigma, P, tau: 0.05, confidences: [0.5, 1] });
 * ```
 */
export function idzorekOmega({
  sigma,
  P,
  tau,
  confidences,
}: {
  sigma: SymmetricMatrix;
  P: DenseMatrix;
  tau: number;
  confidences: readonly number[];
}): Float64Array {
  assertSigma(sigma, "sigma");
  assertPicking(P, sigma.n, "P");
  assertTau(tau, "tau");
  const k = P.rows;
  if (confidences.length !== k) {
    throw new InputError("BL_CONFIDENCES_LENGTH", `has ${confidences.length} entries for ${k} views`, "confidences");
  }
  const omega = new Float64Array(k * k);
  for (let v = 0; v < k; v++) {
    const c = confidences[v] ?? Number.NaN;
    if (!(c > 0 && c <= 1))
      throw new InputError("BL_CONFIDENCE_INVALID", `must be in (0, 1], got ${c}`, `confidences[${v}]`);
    omega[v * k + v] = c === 1 ? 0 : tau * ((1 - c) / c) * quadraticForm(P, v, sigma);
  }
  return omega;
}
