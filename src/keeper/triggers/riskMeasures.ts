// The volatility inputs of the risk-spike trigger (src/keeper/triggers.ts), computed from the same
// price-history CSV the keeper cycle hashes into `marketDataHash`.
import { volatility } from "../../analytics/returnMetrics.ts";
import { InputError } from "../../errors.ts";
import { estimateCovariance } from "../../optimizer/estimators/covariance.ts";
import { selectAssets, type PriceTable } from "../../optimizer/estimators/priceTable.ts";
import { returnsFromPrices } from "../../optimizer/estimators/returns.ts";
import type { SymmetricMatrix } from "../../optimizer/matrix.ts";
import type { TriggerState } from "./triggers.ts";

/** Options of {@link portfolioRiskMeasures}. */
export interface RiskMeasuresOptions {
  /** Number of most recent daily returns behind the realised volatility. Default 63 (a quarter). */
  readonly window?: number;
  /** Periods per year of the price rows. Default 252 (daily). */
  readonly frequency?: number;
}

/** Result of {@link portfolioRiskMeasures}; volatilities are annualised fractions (0.2 = 20 %). */
export interface RiskMeasures {
  /** sd of the last `observations` portfolio returns at fixed current weights (ddof 1) × √frequency. */
  readonly realisedVolatility: number;
  /** √(w'Σw), Σ the annualised sample covariance of the whole price history. */
  readonly forecastVolatility: number;
  /** Number of portfolio returns behind `realisedVolatility` (≤ window: fewer when the history is short). */
  readonly observations: number;
  /** Those portfolio returns, oldest first (simple, per period). */
  readonly returns: Float64Array;
  /** The date of each of `returns` (the later price's date, as in the CSV). */
  readonly dates: readonly string[];
  /** The annualised sample covariance behind `forecastVolatility`, in `assets` order. */
  readonly covariance: SymmetricMatrix;
}

/**
 * Realised and forecast volatility of a portfolio held at fixed `weights` (fractions, `assets`
 * order). Realised: the annualised sample standard deviation of the portfolio's simple returns
 * r_p,t = Σ w_i r_i,t over the last `window` return dates on which every asset has a return.
 * Forecast: √(w'Σw) with Σ = `estimateCovariance(prices, {method: "sample"})` over the whole
 * history (the optimiser's default risk model), so a recent calm or turbulent quarter shows as a
 * gap between the two. Errors name `weights` or the asset/price at fault.
 *
 * @example
 * ```ts
 * const { realisedVolatility, forecastVolatility } = portfolioRiskMeasures(parsePricesCsv(csv), ["A", "B"], [0.6, 0.4]);
 * ```
 */
export function portfolioRiskMeasures(
  prices: PriceTable,
  assets: readonly string[],
  weights: readonly number[],
  { window = 63, frequency = 252 }: RiskMeasuresOptions = {},
): RiskMeasures {
  if (weights.length !== assets.length) {
    throw new InputError("WEIGHTS_LENGTH", `expected ${assets.length} weights, got ${weights.length}`, "weights");
  }
  weights.forEach((w, i) => {
    if (!Number.isFinite(w)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${w}`, `weights[${i}]`);
  });
  if (!Number.isInteger(window) || window < 2) {
    throw new InputError("WINDOW_INVALID", `must be an integer ≥ 2, got ${window}`, "window");
  }
  const universe = selectAssets(prices, assets, "assets");
  const returns = returnsFromPrices(universe);
  const n = returns.n;
  const portfolio: number[] = [];
  const dates: string[] = [];
  for (let t = returns.t - 1; t >= 0 && portfolio.length < window; t--) {
    let r = 0;
    let complete = true;
    for (let j = 0; j < n; j++) {
      const x = returns.values[t * n + j] ?? Number.NaN;
      if (Number.isNaN(x)) {
        complete = false;
        break;
      }
      r += (weights[j] ?? 0) * x;
    }
    if (complete) {
      portfolio.push(r);
      dates.push(returns.dates[t] ?? "");
    }
  }
  if (portfolio.length < 2) {
    throw new InputError(
      "PRICES_TOO_SHORT",
      `need at least 2 dates on which every asset has a return, found ${portfolio.length}`,
      universe.source ?? "prices",
    );
  }
  const returnSeries = Float64Array.from(portfolio.reverse());
  const realisedVolatility = volatility(returnSeries, { frequency });
  const { matrix } = estimateCovariance(universe, { method: "sample" }, { frequency });
  let quad = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) quad += (weights[i] ?? 0) * (matrix.data[i * n + j] ?? 0) * (weights[j] ?? 0);
  }
  return {
    realisedVolatility,
    forecastVolatility: Math.sqrt(Math.max(0, quad)),
    observations: portfolio.length,
    returns: returnSeries,
    dates: dates.reverse(),
    covariance: matrix,
  };
}

/** What the `run` loop reads from the chain for one trigger evaluation. */
export interface ChainTriggerInputs {
  readonly assets: readonly string[];
  /** Current weights, fractions in `assets` order. */
  readonly currentWeights: readonly number[];
  readonly rebalanceCalendar: string;
  /** Fraction. */
  readonly driftThreshold: number;
  /** Annualised volatility budget, fraction. */
  readonly volatilityBudget: number;
}

/**
 * The state {@link evaluateTriggers} sees in `keeper run`: the chain inputs, the loop's memory (last
 * rebalance, last targets — the current weights before the first cycle) and the portfolio's
 * realised and forecast volatility from `prices` at the current weights, returned alongside for
 * the log.
 *
 * @example
 * ```ts
 * const { state, risk } = assembleTriggerState({ now: new Date(), chain, prices, lastRebalanceAt: null, targetWeights: null });
 * const fired = evaluateTriggers(state);
 * ```
 */
export function assembleTriggerState(p: {
  readonly now: Date;
  readonly chain: ChainTriggerInputs;
  readonly prices: PriceTable;
  readonly lastRebalanceAt: Date | null;
  readonly targetWeights: readonly number[] | null;
  readonly signal?: { readonly id: string; readonly reason: string } | undefined;
}): { state: TriggerState; risk: RiskMeasures } {
  const risk = portfolioRiskMeasures(p.prices, p.chain.assets, p.chain.currentWeights);
  const state: TriggerState = {
    now: p.now,
    rebalanceCalendar: p.chain.rebalanceCalendar,
    lastRebalanceAt: p.lastRebalanceAt,
    assets: p.chain.assets,
    currentWeights: p.chain.currentWeights,
    targetWeights: p.targetWeights ?? p.chain.currentWeights,
    driftThreshold: p.chain.driftThreshold,
    volatilityBudget: p.chain.volatilityBudget,
    realisedVolatility: risk.realisedVolatility,
    forecastVolatility: risk.forecastVolatility,
    ...(p.signal === undefined ? {} : { signal: p.signal }),
  };
  return { state, risk };
}
