// Portfolio analytics: pure metrics, the PortfolioMetrics record, alert rules and the metrics store.
export { TRADING_DAYS, type FrequencyOptions } from "./series.ts";
export {
  beta,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  trackingError,
  volatility,
  type SharpeOptions,
  type SortinoOptions,
} from "./returnMetrics.ts";
export { riskBySector, weightDrift, type WeightDrift } from "./weightMetrics.ts";
export {
  riskContributions,
  riskDecomposition,
  type RiskDecomposition,
} from "../optimizer/riskParity/riskContributions.ts";
export {
  legSlippage,
  p95,
  percentile,
  settlementLatency,
  type LegExecution,
  type LegSlippageResult,
  type OraclePrice,
  type PercentileMethod,
  type SettlementLatency,
  type SettlementTimes,
} from "./executionMetrics.ts";
export {
  portfolioMetricsSchema,
  type AssetWeight,
  type LegSlippage,
  type PortfolioMetrics,
} from "../bus/portfolioMetrics.ts";
export { buildPortfolioMetrics, type PortfolioMetricsInput } from "./buildPortfolioMetrics.ts";
export {
  alertOnMetrics,
  evaluateAlerts,
  publishAlerts,
  type AlertOnMetricsOptions,
  type AlertThresholds,
} from "./alerts.ts";
export type { MetricsQuery, MetricsStore, RecordFromBusOptions, StoredAlert, StoredMetrics } from "./metricsStore.ts";
export { METRICS_SCHEMA_VERSION, SqliteMetricsStore } from "./sqliteMetricsStore.ts";
