import { InputError } from "../../errors.ts";
import { nanMean } from "./kernels.ts";
import type { PriceTable } from "./priceTable.ts";
import { returnsFromPrices } from "./returns.ts";
import { checkFrequency, checkNumber } from "./spec.ts";

/** Options of {@link marketImpliedRiskAversion}. */
export interface MarketImpliedRiskAversionOptions {
  /** Periods per year of the price rows. Default 252. */
  readonly frequency?: number;
  /** Annualised risk-free rate, a fraction. Default 0.02. */
  readonly riskFreeRate?: number;
}

/**
 * Market-implied risk aversion δ = (R − rf) / σ², the market price of risk, as PyPortfolioOpt's
 * `black_litterman.market_implied_risk_aversion`: with r the market's per-period returns (dates
 * with a missing return dropped), R = mean(r)·f (arithmetic) and σ² = var(r)·f (ddof 1).
 * Dimensionless; used by Black-Litterman as δ in Π = δΣw_mkt.
 *
 * @example
 * ```ts
 * const delta = marketImpliedRiskAversion(spyPrices, { frequency: 252, riskFreeRate: 0.02 });
 * ```
 */
export function marketImpliedRiskAversion(
  marketPrices: PriceTable,
  { frequency = 252, riskFreeRate = 0.02 }: MarketImpliedRiskAversionOptions = {},
): number {
  const source = marketPrices.source ?? "benchmarkPrices";
  checkFrequency(frequency);
  checkNumber(riskFreeRate, "riskFreeRate");
  if (marketPrices.columns.length !== 1) {
    throw new InputError(
      "BENCHMARK_COLUMNS",
      `must have exactly one price column (the market), has ${marketPrices.columns.length}`,
      source,
    );
  }
  const all = returnsFromPrices(marketPrices).values;
  const r = all.filter((v) => !Number.isNaN(v));
  if (r.length < 2) {
    throw new InputError("TOO_FEW_OBSERVATIONS", `the market has ${r.length} returns; at least 2 are needed`, source);
  }
  const mean = nanMean(r);
  let ss = 0;
  for (const v of r) ss += (v - mean) ** 2;
  const variance = (ss / (r.length - 1)) * frequency;
  if (!(variance > 0)) throw new InputError("MARKET_ZERO_VARIANCE", "the market returns have zero variance", source);
  return (mean * frequency - riskFreeRate) / variance;
}
