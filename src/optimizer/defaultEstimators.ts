import {
  estimateCovariance,
  estimateExpectedReturns,
  parsePricesCsv,
  priceTableFromInline,
} from "./estimators/index.ts";
import type { EstimatorFunctions } from "./resolveInputs.ts";

/**
 * The estimators `optimize` uses for price-based inputs (`prices`, `expectedReturns: {method}`,
 * `covariance: {method}`): PyPortfolioOpt's conventions, see docs/estimators.md.
 */
export const defaultEstimators: EstimatorFunctions = {
  parsePricesCsv,
  priceTableFromInline: (input) => priceTableFromInline(input, "prices"),
  estimateExpectedReturns,
  estimateCovariance,
};
