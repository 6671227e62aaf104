// Input checks and moments shared by the return-series metrics.
import { InputError } from "../errors.ts";

/** Default periods per year: daily returns over trading days (PyPortfolioOpt's and empyrical's default). */
export const TRADING_DAYS = 252;

/** Options shared by the annualised metrics. */
export interface FrequencyOptions {
  /** Return periods per year: 252 daily, 52 weekly, 12 monthly. Default 252. */
  readonly frequency?: number;
}

/** Checks and returns `frequency` (a finite number > 0). */
export function checkFrequency(frequency: number): number {
  if (!Number.isFinite(frequency) || frequency <= 0) {
    throw new InputError("INPUT_NOT_POSITIVE", `must be a finite number > 0, got ${frequency}`, "frequency");
  }
  return frequency;
}

/** Checks a scalar option is a finite number. */
export function checkFinite(value: number, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(value)}`, path);
  }
  return value;
}

/**
 * Checks a return series: a Float64Array of at least `minLength` finite values, each ≥ −1 (a
 * period cannot lose more than everything). Errors name the entry, e.g. `returns[3]`.
 */
export function checkReturns(values: Float64Array, path: string, minLength = 2): Float64Array {
  if (!(values instanceof Float64Array)) throw new InputError("SERIES_NOT_FLOAT64", "must be a Float64Array", path);
  if (values.length < minLength) {
    throw new InputError("SERIES_TOO_SHORT", `has ${values.length} values, needs at least ${minLength}`, path);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${v}`, `${path}[${i}]`);
    if (v < -1) throw new InputError("RETURN_BELOW_MINUS_ONE", `is ${v}, a return cannot be below −1`, `${path}[${i}]`);
  }
  return values;
}

/** Checks two series of equal length (portfolio and benchmark). */
export function checkPair(a: Float64Array, b: Float64Array, pathA: string, pathB: string): void {
  checkReturns(a, pathA);
  checkReturns(b, pathB);
  if (a.length !== b.length) {
    throw new InputError("SERIES_LENGTH_MISMATCH", `has ${b.length} values, ${pathA} has ${a.length}`, pathB);
  }
}

/** Arithmetic mean. */
export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s / x.length;
}

/** Sample variance (ddof = 1, two-pass). */
export function sampleVariance(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - m;
    s += d * d;
  }
  return s / (x.length - 1);
}
