import type { EstimatorFunctions } from "./resolveInputs.ts";

/**
 * The estimators `optimize` uses for price-based inputs (`prices`, `expectedReturns: {method}`,
 * `covariance: {method}`). Wiring point of `src/optimizer/estimators/`: until it is wired,
 * price-based problems fail with `ESTIMATORS_UNAVAILABLE` and inline numbers still work.
 */
export const defaultEstimators: EstimatorFunctions | undefined = undefined;
