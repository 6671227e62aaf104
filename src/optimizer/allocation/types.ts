// Types shared by the allocation files (validate, greedy, integer, report).

/** How continuous weights become whole units: PyPortfolioOpt's greedy rounds or an exact MIP. */
export type AllocationMethod = "greedy" | "integer";

/** What {@link allocate} and its two methods take. */
export interface AllocateParameters {
  /** Asset symbols, in the order of `weights`. */
  readonly assets: readonly string[];
  /** Target weights, fractions of NAV, each ≥ 0 (long only); they may sum to less than 1. */
  readonly weights: readonly number[];
  /** Price per whole share or token (USD, or any one currency NAV is in), keyed by symbol. */
  readonly prices: Readonly<Record<string, number>>;
  /** Cash to allocate, in the currency of `prices`; > 0. */
  readonly nav: number;
  /** Token decimals per symbol: a unit is 10^-decimals of a token (0, the default, is a share). */
  readonly decimals?: Readonly<Record<string, number>>;
  /**
   * Smallest value of a non-zero holding, in the currency of `prices` (default 0): an asset is
   * held at zero or at least this much, never at dust.
   */
  readonly minTrade?: number;
  /**
   * Seconds the integer method's HiGHS search may take (default 10); a search it cuts short is
   * refused (`ALLOCATION_NOT_PROVEN`), never returned as if optimal. Greedy ignores it.
   */
  readonly timeLimitSeconds?: number;
}

/** The validated inputs in fixed point, the form both methods work on. */
export interface PreparedAllocation {
  readonly assets: readonly string[];
  readonly weights: readonly number[];
  readonly decimals: readonly number[];
  /** Price per whole token, 1e18 fixed point. */
  readonly priceWad: readonly bigint[];
  /** 10^decimals. */
  readonly scale: readonly bigint[];
  readonly navWad: bigint;
  readonly minTradeWad: bigint;
  /** Price per base unit, as a number, for the maths that only chooses (never for cash). */
  readonly unitPrice: readonly number[];
  readonly nav: number;
  readonly timeLimitSeconds: number;
}

/** One asset's line of an {@link AllocationResult}. */
export interface AllocatedAsset {
  readonly asset: string;
  /** Holding in base units (shares when decimals is 0), as a decimal integer string. */
  readonly units: string;
  /** The same holding in whole tokens, e.g. "1.234567" for 1 234 567 units of a 6-decimal token. */
  readonly amount: string;
  readonly decimals: number;
  /** Value of the holding at the given price (currency of NAV), rounded down. */
  readonly value: number;
  readonly targetWeight: number;
  /** value / Σ values (PyPortfolioOpt's convention); 0 when nothing is bought. */
  readonly weight: number;
}

/** What {@link allocate} returns. */
export interface AllocationResult {
  readonly method: AllocationMethod;
  readonly nav: number;
  readonly allocation: readonly AllocatedAsset[];
  /** Σ values, ≤ nav. */
  readonly spent: number;
  /** nav − spent, ≥ 0. */
  readonly leftover: number;
  /** √(Σ (target_i − weight_i)² / n): PyPortfolioOpt's `_allocation_rmse_error`. */
  readonly rmse: number;
  /** Σ |target_i · nav − value_i| + leftover, the quantity the integer method minimises. */
  readonly objective: number;
  /** Caveats a caller should read (e.g. greedy's second round stopped at its step limit). */
  readonly warnings: readonly string[];
}
