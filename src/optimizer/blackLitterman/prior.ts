import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { assertFiniteVector, assertSigma } from "./validate.ts";

export interface ImpliedPriorReturnsParameters {
  /** Annualised covariance Σ of asset returns. */
  readonly sigma: SymmetricMatrix;
  /** Market (equilibrium) weights w_mkt, fractions; normalised to sum 1 here. */
  readonly marketWeights: Float64Array;
  /** Risk aversion δ > 0 (annualised excess return per unit of variance). */
  readonly riskAversion: number;
  /** Annualised risk-free rate, a fraction, added to every entry (default 0). */
  readonly riskFreeRate?: number;
}

/**
 * Market-implied prior (reverse optimisation), He & Litterman (1999) eq. (1); PyPortfolioOpt
 * `market_implied_prior_returns`:
 *
 *     π = δ · Σ · w_mkt + r_f
 *
 * δΣw_mkt is the equilibrium *excess* return; like PyPortfolioOpt this adds r_f so that π is a
 * total return comparable with views stated as total returns. PyPortfolioOpt's function defaults
 * r_f to 0.02 (its BlackLittermanModel `pi="market"` path to 0); here the default is 0 and the
 * problem's `blackLitterman.riskFreeRate` sets it. Weights are normalised to sum 1 first.
 *
 * @example
 * ```ts
 * const pi = impliedPriorReturns({ sigma, marketWeights: new Float64Array([0.6, 0.4]), riskAversion: 2.5 });
 * ```
 */
export function impliedPriorReturns({
  sigma,
  marketWeights,
  riskAversion,
  riskFreeRate = 0,
}: ImpliedPriorReturnsParameters): Float64Array {
  assertSigma(sigma, "sigma");
  const n = sigma.n;
  assertFiniteVector(marketWeights, n, "marketWeights");
  if (!Number.isFinite(riskAversion) || riskAversion <= 0) {
    throw new InputError("BL_RISK_AVERSION_INVALID", `must be > 0, got ${riskAversion}`, "riskAversion");
  }
  if (!Number.isFinite(riskFreeRate)) throw new InputError("INPUT_NOT_FINITE", "must be finite", "riskFreeRate");
  let total = 0;
  for (let i = 0; i < n; i++) total += marketWeights[i] ?? 0;
  if (!(total > 0)) throw new InputError("BL_MARKET_WEIGHTS_INVALID", `must sum to > 0, got ${total}`, "marketWeights");
  const pi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (sigma.data[i * n + j] ?? 0) * (marketWeights[j] ?? 0);
    pi[i] = (riskAversion * s) / total + riskFreeRate;
  }
  return pi;
}

/**
 * Market weights from market capitalisations by asset id: w_i = cap_i / Σ cap. Every asset needs a
 * cap ≥ 0; unknown ids are refused. Errors name `<path>.<asset>`.
 *
 * @example
 * ```ts
 * marketWeightsFromCaps({ A: 3e9, B: 1e9 }, ["A", "B"], "blackLitterman.marketCaps"); // [0.75, 0.25]
 * ```
 */
export function marketWeightsFromCaps(
  caps: Readonly<Record<string, number>>,
  assets: readonly string[],
  path: string,
): Float64Array {
  const index = new Set(assets);
  for (const id of Object.keys(caps)) {
    if (!index.has(id))
      throw new InputError("BL_UNKNOWN_ASSET", `"${id}" is not one of the problem's assets`, `${path}.${id}`);
  }
  const w = new Float64Array(assets.length);
  let total = 0;
  assets.forEach((id, i) => {
    const cap = caps[id];
    if (cap === undefined)
      throw new InputError("BL_MARKET_CAP_MISSING", "no market cap for this asset", `${path}.${id}`);
    if (!Number.isFinite(cap) || cap < 0) {
      throw new InputError("BL_MARKET_CAP_INVALID", `must be a finite number ≥ 0, got ${cap}`, `${path}.${id}`);
    }
    w[i] = cap;
    total += cap;
  });
  if (!(total > 0)) throw new InputError("BL_MARKET_CAP_INVALID", "market caps sum to 0", path);
  for (let i = 0; i < w.length; i++) w[i] = (w[i] ?? 0) / total;
  return w;
}
