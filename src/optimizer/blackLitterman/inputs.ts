import type { Hex } from "viem";
import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import { heLittermanOmega, idzorekOmega } from "./omega.ts";
import { blackLittermanPosterior } from "./posterior.ts";
import { impliedPriorReturns, marketWeightsFromCaps } from "./prior.ts";
import { parseBlackLittermanSection, resolveTau, type BlackLittermanSection } from "./section.ts";
import type { BlackLittermanView, DenseMatrix, ViewSource } from "./types.ts";
import { viewsToMatrices } from "./views.ts";
import { blImpliedWeights } from "./weights.ts";

export interface BlackLittermanContext {
  /** Asset ids in the order of `sigma`'s rows. */
  readonly assets: readonly string[];
  /** Annualised covariance Σ (the CovarianceEstimator's, e.g. Ledoit-Wolf shrinkage). */
  readonly sigma: SymmetricMatrix;
  /**
   * δ resolved by the caller when the section has none: estimators' `marketImpliedRiskAversion`
   * over `section.marketPrices`. `section.riskAversion` wins when both are given.
   */
  readonly riskAversion?: number | undefined;
  /** Number of return observations behind Σ, for `tau: "1/T"`. */
  readonly observations?: number | undefined;
}

export interface BlackLittermanInputs {
  /** Prior π (n), annualised. */
  readonly priorReturns: Float64Array;
  /** Posterior π* (n), annualised: the μ to hand to the Markowitz engine. */
  readonly posteriorReturns: Float64Array;
  /** Posterior Σ* = Σ + M. */
  readonly posteriorCovariance: SymmetricMatrix;
  /** The covariance the Markowitz engine should use: Σ* or Σ per `section.covariance`. */
  readonly optimizerCovariance: SymmetricMatrix;
  /** Unconstrained implied weights (δΣ_opt)⁻¹(π* − r_f) normalised to sum 1 (null if the sum is ~0). */
  readonly impliedWeights: Float64Array | null;
  /** The same before normalisation (He & Litterman's w*). */
  readonly impliedWeightsRaw: Float64Array;
  /** Commitment of the verified view set, or null for unsigned (research) views. */
  readonly viewSetCommitment: Hex | null;
  /** Where each view (row of P) came from: the verified set's signer, digest and nonce, or unsigned. */
  readonly viewSources: readonly ViewSource[];
  readonly tau: number;
  /** δ used (1 when neither given nor needed: only the raw implied weights depend on it). */
  readonly riskAversion: number;
  readonly P: DenseMatrix;
  readonly Q: Float64Array;
  /** Ω (k×k, row-major). */
  readonly omega: Float64Array;
}

/**
 * The Black-Litterman step of `optimize()` for `optimizerType: "BLACK_LITTERMAN"`: prior π, views
 * (P, Q, Ω), posterior π* and Σ*, implied weights, commitment. The lead passes
 * `posteriorReturns` and `optimizerCovariance` to the Markowitz engine with the DAO's constraints.
 * Pure: signed views are read and verified by the caller (CLI, keeper) and arrive in the section's
 * `verifiedViews`; a `signedViews` file path is refused (`BL_SIGNED_VIEWS_UNVERIFIED`).
 *
 * @example
 * ```ts
 * const bl = blackLittermanInputs(problem.blackLitterman, { assets, sigma, riskAversion: 2.5 });
 * const weights = markowitz({ mu: bl.posteriorReturns, sigma: bl.optimizerCovariance, constraints });
 * ```
 */
export function blackLittermanInputs(rawSection: unknown, context: BlackLittermanContext): BlackLittermanInputs {
  const section: BlackLittermanSection = parseBlackLittermanSection(rawSection);
  const { assets, sigma } = context;
  if (assets.length !== sigma.n) {
    throw new InputError(
      "BL_ASSETS_MISMATCH",
      `${assets.length} assets for a ${sigma.n}×${sigma.n} covariance`,
      "assets",
    );
  }
  const n = sigma.n;
  const tau = resolveTau(section.tau, context.observations);
  const riskFreeRate = section.riskFreeRate ?? 0;
  const delta = section.riskAversion ?? context.riskAversion;
  const prior = section.prior ?? "market";

  let priorReturns: Float64Array;
  if (Array.isArray(prior)) {
    if (prior.length !== n)
      throw new InputError("VECTOR_LENGTH", `has ${prior.length} entries, expected ${n}`, "blackLitterman.prior");
    priorReturns = Float64Array.from(prior);
  } else {
    if (delta === undefined) {
      throw new InputError(
        "BL_RISK_AVERSION_MISSING",
        `prior "${String(prior)}" needs riskAversion or marketPrices`,
        "blackLitterman.riskAversion",
      );
    }
    let marketWeights: Float64Array;
    if (prior === "market") {
      if (section.marketCaps === undefined) {
        throw new InputError("BL_MARKET_CAP_MISSING", 'prior "market" needs marketCaps', "blackLitterman.marketCaps");
      }
      marketWeights = marketWeightsFromCaps(section.marketCaps, assets, "blackLitterman.marketCaps");
    } else {
      marketWeights = new Float64Array(n).fill(1 / n);
    }
    priorReturns = impliedPriorReturns({ sigma, marketWeights, riskAversion: delta, riskFreeRate });
  }

  if (section.signedViews !== undefined) {
    throw new InputError(
      "BL_SIGNED_VIEWS_UNVERIFIED",
      "signed views must be verified first (portfolio optimize does) and passed as blackLitterman.verifiedViews",
      "blackLitterman.signedViews",
    );
  }
  let views: readonly BlackLittermanView[];
  let viewSources: ViewSource[];
  let viewSetCommitment: Hex | null = null;
  let viewsPath = "blackLitterman.views";
  if (section.verifiedViews !== undefined) {
    views = section.verifiedViews.views;
    viewSources = section.verifiedViews.views.map(({ signer, digest, nonce }) => ({
      source: "verified",
      signer,
      digest,
      nonce,
    }));
    viewSetCommitment = section.verifiedViews.commitment;
    viewsPath = "blackLitterman.verifiedViews.views";
  } else {
    views = section.views ?? [];
    viewSources = views.map(() => ({ source: "unsigned" }));
  }
  const { P, Q, confidences, explicitOmega } = viewsToMatrices(views, assets, viewsPath);
  const k = P.rows;
  const method = section.omega ?? "he-litterman";
  let omega: Float64Array;
  if (method === "idzorek") {
    const missing = confidences.findIndex((c, v) => c === undefined && explicitOmega[v] === undefined);
    if (missing >= 0) {
      throw new InputError(
        "BL_CONFIDENCE_MISSING",
        'omega "idzorek" needs a confidence in (0, 1]',
        `${viewsPath}[${missing}].confidence`,
      );
    }
    omega = idzorekOmega({ sigma, P, tau, confidences: confidences.map((c) => c ?? 0.5) });
  } else {
    omega = heLittermanOmega({ sigma, P, tau });
  }
  // A view's own Ω entry always wins over the method.
  explicitOmega.forEach((w, v) => {
    if (w !== undefined) omega[v * k + v] = w;
  });

  const { posteriorReturns, posteriorCovariance } = blackLittermanPosterior({
    sigma,
    prior: priorReturns,
    P,
    Q,
    omega,
    tau,
  });
  const optimizerCovariance = (section.covariance ?? "posterior") === "posterior" ? posteriorCovariance : sigma;
  const riskAversion = delta ?? 1;
  const weights = blImpliedWeights({
    sigma: optimizerCovariance,
    returns: posteriorReturns,
    riskAversion,
    riskFreeRate,
  });
  return {
    priorReturns,
    posteriorReturns,
    posteriorCovariance,
    optimizerCovariance,
    impliedWeights: weights.normalised,
    impliedWeightsRaw: weights.raw,
    viewSetCommitment,
    viewSources,
    tau,
    riskAversion,
    P,
    Q,
    omega,
  };
}
