// Estimators of expected returns and covariance from prices, matching PyPortfolioOpt's numbers
// (docs/estimators.md). Pure functions: the caller reads files and passes their text in.
export {
  parsePricesCsv,
  priceTableFromInline,
  selectAssets,
  type InlinePriceTable,
  type PriceTable,
} from "./priceTable.ts";
export { returnsFromPrices, type ReturnsFromPricesOptions, type ReturnsTable } from "./returns.ts";
export { estimateExpectedReturns, type EstimatorOptions, type ExpectedReturnsSpec } from "./expectedReturns.ts";
export {
  DEFAULT_SEMICOVARIANCE_BENCHMARK,
  estimateCovariance,
  type CovarianceEstimate,
  type CovarianceSpec,
} from "./covariance.ts";
export { isPsd, repairPsd, type RepairPsdResult } from "./psd.ts";
export { marketImpliedRiskAversion, type MarketImpliedRiskAversionOptions } from "./marketImplied.ts";
