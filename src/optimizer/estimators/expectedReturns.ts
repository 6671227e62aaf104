import { InputError } from "../../errors.ts";
import { checkObservations, columnsOf, countValid, ewmLast, nanMean, pairwiseCovariance } from "./kernels.ts";
import type { PriceTable } from "./priceTable.ts";
import { returnsFromPrices, type ReturnsTable } from "./returns.ts";
import { checkChoice, checkFrequency, checkKeys, checkNumber, checkObject } from "./spec.ts";

/** How to estimate expected returns from prices (the `expectedReturns` object of a problem). */
export interface ExpectedReturnsSpec {
  readonly method: "mean-historical" | "ema-historical" | "capm";
  /** Geometric (compounded, CAGR) annualisation when true, arithmetic mean × frequency when false. Default true. */
  readonly compounding?: boolean;
  /** Span in periods of the exponential weighting (`ema-historical`). Default 500. */
  readonly span?: number;
  /** Annualised risk-free rate, a fraction (`capm`). Default 0.02. */
  readonly riskFreeRate?: number;
}

/** Options shared by the estimators. */
export interface EstimatorOptions {
  /** Periods per year of the price rows: 252 for daily prices. Results are annualised with it. */
  readonly frequency: number;
  /** Market (benchmark) prices, one column, matched to the asset prices by date (`capm`). */
  readonly marketPrices?: PriceTable;
  /** Field path of the spec, to name it in errors. Default `expectedReturns` / `covariance`. */
  readonly path?: string;
}

const METHODS = ["mean-historical", "ema-historical", "capm"] as const;

/**
 * Annualised expected returns (fractions per year, one per price column, in column order), as
 * PyPortfolioOpt's `mean_historical_return`, `ema_historical_return` and `capm_return` compute
 * them from the same prices:
 *
 * - mean-historical: geometric (1 + r₁)…(1 + r_N)^(f / N) − 1 over each asset's N returns, or
 *   arithmetic mean(r)·f without compounding;
 * - ema-historical: m = pandas `ewm(span).mean()` at the last date, then (1 + m)^f − 1, or m·f;
 * - capm: rf + βᵢ (E[R_m] − rf), βᵢ = cov(rᵢ, r_m) / var(r_m) (pairwise-complete, like pandas),
 *   E[R_m] annualised as above; the market is the benchmark's returns joined by date, or else the
 *   equal-weighted mean of the available asset returns on each date.
 *
 * @example
 * ```ts
 * const mu = estimateExpectedReturns(prices, { method: "mean-historical" }, { frequency: 252 });
 * ```
 */
export function estimateExpectedReturns(
  prices: PriceTable,
  spec: ExpectedReturnsSpec,
  options: EstimatorOptions,
): Float64Array {
  const path = options.path ?? "expectedReturns";
  checkObject(spec, path);
  checkKeys(spec, ["method", "compounding", "span", "riskFreeRate"], path);
  const method = checkChoice(spec.method, METHODS, `${path}.method`);
  const frequency = checkFrequency(options.frequency);
  const compounding = spec.compounding ?? true;
  if (typeof compounding !== "boolean") {
    throw new InputError(
      "INPUT_NOT_BOOLEAN",
      `must be true or false, got ${String(compounding)}`,
      `${path}.compounding`,
    );
  }
  if (method !== "ema-historical" && spec.span !== undefined) {
    throw new InputError("INPUT_UNKNOWN_FIELD", `only applies to method "ema-historical"`, `${path}.span`);
  }
  if (method !== "capm" && spec.riskFreeRate !== undefined) {
    throw new InputError("INPUT_UNKNOWN_FIELD", `only applies to method "capm"`, `${path}.riskFreeRate`);
  }
  const returns = returnsFromPrices(prices);
  const cols = columnsOf(returns);
  checkObservations(returns, cols, false);
  switch (method) {
    case "mean-historical":
      return Float64Array.from(cols, (c) => annualisedMean(c, frequency, compounding));
    case "ema-historical": {
      const span = checkNumber(spec.span ?? 500, `${path}.span`, { min: 1 });
      return Float64Array.from(cols, (c) => {
        const m = ewmLast(c, span);
        return compounding ? (1 + m) ** frequency - 1 : m * frequency;
      });
    }
    case "capm": {
      const riskFreeRate = checkNumber(spec.riskFreeRate ?? 0.02, `${path}.riskFreeRate`);
      const market =
        options.marketPrices === undefined
          ? equalWeightedMarket(returns, cols)
          : joinedMarket(returns, options.marketPrices);
      if (countValid(market) < 2) {
        throw new InputError(
          "TOO_FEW_OBSERVATIONS",
          `the market has ${countValid(market)} returns on the assets' dates; at least 2 are needed`,
          options.marketPrices?.source ?? "benchmarkPrices",
        );
      }
      const all = [...cols, market];
      checkObservations({ ...returns, columns: [...returns.columns, "market"], n: all.length }, all, true);
      const cov = pairwiseCovariance(all, returns.t);
      const n = cols.length;
      const marketVariance = cov[n * (n + 1) + n] as number;
      if (!(marketVariance > 0)) {
        throw new InputError("MARKET_ZERO_VARIANCE", "the market returns have zero variance; beta is undefined", path);
      }
      const marketReturn = annualisedMean(market, frequency, compounding);
      return Float64Array.from(
        cols,
        (_, i) => riskFreeRate + ((cov[i * (n + 1) + n] as number) / marketVariance) * (marketReturn - riskFreeRate),
      );
    }
  }
}

/** Geometric or arithmetic annualised mean of the non-missing returns (pandas `prod`/`mean` skip NaN). */
export function annualisedMean(col: Float64Array, frequency: number, compounding: boolean): number {
  if (!compounding) return nanMean(col) * frequency;
  let product = 1;
  let count = 0;
  for (let k = 0; k < col.length; k++) {
    const v = col[k] as number;
    if (Number.isNaN(v)) continue;
    product *= 1 + v;
    count++;
  }
  return product ** (frequency / count) - 1;
}

// PyPortfolioOpt's market proxy: returns.mean(axis=1), the mean of the returns present that day.
function equalWeightedMarket(returns: ReturnsTable, cols: readonly Float64Array[]): Float64Array {
  const market = new Float64Array(returns.t);
  for (let r = 0; r < returns.t; r++) {
    let sum = 0;
    let count = 0;
    for (const c of cols) {
      const v = c[r] as number;
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    market[r] = count === 0 ? Number.NaN : sum / count;
  }
  return market;
}

/**
 * The benchmark's own returns (computed on its own dates, as `returns_from_prices(market_prices)`)
 * left-joined onto the asset return dates; NaN where the benchmark has no return for that date.
 */
export function joinedMarket(returns: ReturnsTable, marketPrices: PriceTable): Float64Array {
  const source = marketPrices.source ?? "benchmarkPrices";
  if (marketPrices.columns.length !== 1) {
    throw new InputError(
      "BENCHMARK_COLUMNS",
      `must have exactly one price column (the market), has ${marketPrices.columns.length}`,
      source,
    );
  }
  const marketReturns = returnsFromPrices(marketPrices);
  const byDate = new Map<string, number>();
  marketReturns.dates.forEach((d, r) => byDate.set(d, marketReturns.values[r] as number));
  return Float64Array.from(returns.dates, (d) => byDate.get(d) ?? Number.NaN);
}
