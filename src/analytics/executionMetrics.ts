// Execution metrics of the keeper: optimiser runtime percentiles, slippage of settled legs
// against the oracle price, and settlement latency. Token amounts are bigint base units.
import { InputError } from "../errors.ts";

/** Percentile definitions of {@link percentile}. */
export type PercentileMethod = "nearest-rank" | "linear";

/**
 * The p-th percentile of a sample (p in [0, 100]), x_(1) ≤ … ≤ x_(N) sorted ascending:
 *
 * - `"nearest-rank"` (default): x_(k) with k = max(1, ⌈p/100 · N⌉), always an observed value,
 *   the smallest one with at least p % of the sample at or below it (Hyndman & Fan 1996 type 1,
 *   the NIST / Wikipedia "nearest-rank method").
 * - `"linear"`: h = (N − 1) · p/100, x_(⌊h⌋+1) + (h − ⌊h⌋)(x_(⌊h⌋+2) − x_(⌊h⌋+1)) (type 7, numpy's
 *   default).
 *
 * Units: those of the sample.
 *
 * @example
 * ```ts
 * percentile(Float64Array.of(15, 20, 35, 40, 50), 40); // 20 (nearest rank ⌈2⌉ = 2)
 * percentile(Float64Array.of(15, 20, 35, 40, 50), 40, "linear"); // 29
 * ```
 */
export function percentile(values: Float64Array, p: number, method: PercentileMethod = "nearest-rank"): number {
  if (!(values instanceof Float64Array)) throw new InputError("SERIES_NOT_FLOAT64", "must be a Float64Array", "values");
  if (values.length === 0) throw new InputError("SERIES_TOO_SHORT", "must have at least one value", "values");
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${v}`, `values[${i}]`);
  });
  if (!Number.isFinite(p) || p < 0 || p > 100) {
    throw new InputError("PERCENTILE_RANGE", `must be in [0, 100], got ${p}`, "p");
  }
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (method === "nearest-rank") return sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1] as number;
  if (method !== "linear") throw new InputError("PERCENTILE_METHOD", `unknown method ${String(method)}`, "method");
  const h = (n - 1) * (p / 100);
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  return lo + 1 < n ? a + (h - lo) * ((sorted[lo + 1] as number) - a) : a;
}

/**
 * 95th percentile of a runtime series by nearest rank (an observed runtime): the p95 the keeper
 * reports for optimisation wall time. Units: those of the sample (milliseconds for runtimes).
 *
 * @example
 * ```ts
 * p95(Float64Array.from({ length: 100 }, (_, i) => i + 1)); // 95
 * ```
 */
export function p95(values: Float64Array): number {
  return percentile(values, 95, "nearest-rank");
}

/** A price from an oracle: `answer / 10^decimals` units of the quote currency per whole token. */
export interface OraclePrice {
  /** Fixed-point price, e.g. Chainlink's `latestRoundData().answer`. */
  readonly answer: bigint;
  /** Decimals of `answer` (8 for Chainlink USD feeds, 18 for 1e18 fixed point). */
  readonly decimals: number;
}

/** One settled leg: what went in and came out, with oracle prices in a common quote currency. */
export interface LegExecution {
  /** Amount sold, base units of the input token (wei-like). */
  readonly amountIn: bigint;
  /** Amount actually received, base units of the output token. */
  readonly amountOut: bigint;
  /** ERC-20 decimals of the input token. */
  readonly decimalsIn: number;
  /** ERC-20 decimals of the output token. */
  readonly decimalsOut: number;
  /** Oracle price of the input token. */
  readonly priceIn: OraclePrice;
  /** Oracle price of the output token, in the same quote currency. */
  readonly priceOut: OraclePrice;
}

/** Result of {@link legSlippage}. */
export interface LegSlippageResult {
  /** Output the oracle prices imply, base units of the output token, rounded down. */
  readonly expectedOut: bigint;
  /** (expectedOut − actualOut) / expectedOut in basis points: positive = cost, negative = price improvement. */
  readonly bps: number;
}

function checkDecimals(value: number, path: string): bigint {
  if (!Number.isInteger(value) || value < 0 || value > 77) {
    throw new InputError("DECIMALS_RANGE", `must be an integer in [0, 77], got ${value}`, path);
  }
  return 10n ** BigInt(value);
}

/**
 * Slippage of one leg against the oracle price, computed exactly in bigint:
 *
 *   expectedOut = amountIn · (pIn / 10^pdIn) / (pOut / 10^pdOut) · 10^(decOut − decIn)
 *               = N / D,  N = amountIn · pIn · 10^(decOut + pdOut),  D = pOut · 10^(decIn + pdIn)
 *   bps = 10 000 · (expectedOut − actualOut) / expectedOut = 10 000 · (N − actualOut · D) / N
 *
 * The only rounding is the final conversion to a double (bps kept to 1e-9). Units: basis points.
 *
 * @example
 * ```ts
 * // sell 1 WETH (18 dp) at $2000 for USDC (6 dp) at $1, receive 1990 USDC: 50 bps
 * legSlippage({ amountIn: 10n ** 18n, amountOut: 1_990_000_000n, decimalsIn: 18, decimalsOut: 6,
 *   priceIn: { answer: 2000_00000000n, decimals: 8 }, priceOut: { answer: 1_00000000n, decimals: 8 } }).bps; // 50
 * ```
 */
export function legSlippage(leg: LegExecution): LegSlippageResult {
  const { amountIn, amountOut, priceIn, priceOut } = leg;
  if (typeof amountIn !== "bigint" || amountIn <= 0n) {
    throw new InputError("AMOUNT_NOT_POSITIVE", `must be a bigint > 0, got ${String(amountIn)}`, "amountIn");
  }
  if (typeof amountOut !== "bigint" || amountOut < 0n) {
    throw new InputError("AMOUNT_NEGATIVE", `must be a bigint ≥ 0, got ${String(amountOut)}`, "amountOut");
  }
  for (const [price, path] of [
    [priceIn, "priceIn"],
    [priceOut, "priceOut"],
  ] as const) {
    if (typeof price?.answer !== "bigint" || price.answer <= 0n) {
      throw new InputError(
        "PRICE_NOT_POSITIVE",
        `must be a bigint > 0, got ${String(price?.answer)}`,
        `${path}.answer`,
      );
    }
  }
  const scaleOut =
    checkDecimals(leg.decimalsOut, "decimalsOut") * checkDecimals(priceOut.decimals, "priceOut.decimals");
  const scaleIn = checkDecimals(leg.decimalsIn, "decimalsIn") * checkDecimals(priceIn.decimals, "priceIn.decimals");
  const numerator = amountIn * priceIn.answer * scaleOut;
  const denominator = priceOut.answer * scaleIn;
  const scaledBps = (10_000n * 1_000_000_000n * (numerator - amountOut * denominator)) / numerator;
  return { expectedOut: numerator / denominator, bps: Number(scaledBps) / 1e9 };
}

/** When an instruction was issued and finalized: unix seconds and block numbers. */
export interface SettlementTimes {
  /** Unix time (seconds) of the block that issued the instruction. */
  readonly issuedAt: bigint | number;
  readonly issuedBlock: bigint | number;
  /** Unix time (seconds) of the block in which settlement was final. */
  readonly finalizedAt: bigint | number;
  readonly finalizedBlock: bigint | number;
}

/** Result of {@link settlementLatency}. */
export interface SettlementLatency {
  /** finalizedAt − issuedAt, seconds. */
  readonly seconds: number;
  /** finalizedBlock − issuedBlock, blocks. */
  readonly blocks: number;
}

function toBigInt(value: bigint | number, path: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new InputError("INPUT_NOT_INTEGER", `must be a bigint or a safe integer, got ${String(value)}`, path);
  }
  return BigInt(value);
}

/**
 * Settlement latency from instruction issued to finalized, in seconds (block timestamps) and in
 * blocks. Throws when finalization precedes issuance.
 *
 * @example
 * ```ts
 * settlementLatency({ issuedAt: 1_700_000_000n, issuedBlock: 100n, finalizedAt: 1_700_000_036n, finalizedBlock: 103n });
 * // { seconds: 36, blocks: 3 }
 * ```
 */
export function settlementLatency(times: SettlementTimes): SettlementLatency {
  const issuedAt = toBigInt(times.issuedAt, "issuedAt");
  const finalizedAt = toBigInt(times.finalizedAt, "finalizedAt");
  const issuedBlock = toBigInt(times.issuedBlock, "issuedBlock");
  const finalizedBlock = toBigInt(times.finalizedBlock, "finalizedBlock");
  if (finalizedAt < issuedAt) {
    throw new InputError("LATENCY_NEGATIVE", `is ${finalizedAt}, before issuedAt ${issuedAt}`, "finalizedAt");
  }
  if (finalizedBlock < issuedBlock) {
    throw new InputError(
      "LATENCY_NEGATIVE",
      `is ${finalizedBlock}, before issuedBlock ${issuedBlock}`,
      "finalizedBlock",
    );
  }
  return { seconds: Number(finalizedAt - issuedAt), blocks: Number(finalizedBlock - issuedBlock) };
}
