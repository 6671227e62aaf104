import { InputError } from "../errors.ts";
import { at } from "./indexing.ts";

// 1e18 fixed point (WAD) as the contracts use it for weights, prices, NAV and fractions, and the
// conversions between it and JavaScript numbers. One module for every layer above.

/** 1e18: the fixed-point scale of weights, fractions, USD amounts and prices (WAD). */
export const WAD = 10n ** 18n;
/** Solver round-off tolerated around the [0, 1] bounds of a weight. */
const WEIGHT_NOISE = 1e-12;
/** Basis points in one whole (100 %). */
export const BPS = 10_000n;

/**
 * Converts fractional weights to 1e18 fixed point summing to exactly 1e18: each weight's exact
 * binary value w_i is normalised by Σ w_i in integer arithmetic, w̃_i = ⌊w_i · 1e18 / Σ w⌋, and the
 * (fewer than n) units lost to flooring go to the largest remainders. A zero weight stays zero;
 * round-off down to −1e-12 counts as zero.
 *
 * @example
 * ```ts
 * weightsToWad([1 / 3, 1 / 3, 1 / 3]); // [333333333333333334n, 333333333333333333n, 333333333333333333n]
 * ```
 */
export function weightsToWad(weights: readonly number[]): bigint[] {
  let sum = 0;
  const clean = weights.map((w, i) => {
    if (!Number.isFinite(w) || w < -WEIGHT_NOISE || w > 1 + WEIGHT_NOISE) {
      throw new InputError("WEIGHT_INVALID", `must be a finite fraction in [0, 1], got ${w}`, `targetWeights[${i}]`);
    }
    // Solver round-off such as -3e-17 means 0, not a short position.
    const v = w < 0 ? 0 : w;
    sum += v;
    return v;
  });
  if (weights.length === 0 || Math.abs(sum - 1) > 1e-9) {
    throw new InputError("WEIGHTS_SUM", `must sum to 1 (within 1e-9), got ${sum}`, "targetWeights");
  }
  // Every double is m · 2^e exactly; over the smallest exponent all weights become integers M_i.
  const parts = clean.map(exactBinary);
  const e0 = Math.min(...parts.filter((p) => p.m !== 0n).map((p) => p.e));
  const ms = parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - e0)));
  const total = ms.reduce((a, b) => a + b, 0n);
  const out = ms.map((m) => (m * WAD) / total);
  let remainder = WAD - out.reduce((a, b) => a + b, 0n);
  const order = ms
    .map((m, i) => ({ i, rest: (m * WAD) % total }))
    .filter(({ i }) => at(ms, i) > 0n)
    .sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (remainder === 0n) break;
    out[i] = at(out, i) + 1n;
    remainder -= 1n;
  }
  return out;
}

/** The exact value of a finite non-negative double as m · 2^e with integer m. */
function exactBinary(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: exponent - 1075 };
}

/**
 * An oracle answer with `decimals` fractional digits (Chainlink USD feeds use 8) as the 1e18 fixed
 * point {@link planLegs} takes, exactly when decimals ≤ 18 and rounded down otherwise.
 *
 * @example
 * ```ts
 * priceToWad(300_012_345_678n, 8); // 3000.12345678 USD → 3_000_123_456_780_000_000_000n
 * ```
 */
export function priceToWad(answer: bigint, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) {
    throw new InputError("DECIMALS_INVALID", `must be an integer in [0, 77], got ${decimals}`, "decimals");
  }
  if (answer <= 0n) throw new InputError("PRICE_INVALID", `must be > 0, got ${answer}`, "answer");
  return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
}

/**
 * A WAD fraction as a number, truncated to 12 decimals (exact to ~1e-15 for values below 1e3). The
 * keeper reads registry parameters with it and the auditor's replay must read them the same way,
 * so it stays distinct from {@link fromWad} (nearest number).
 *
 * @example
 * ```ts
 * wadToNumber(2_500_000_000_000_000_000n); // 2.5
 * ```
 */
export function wadToNumber(x: bigint): number {
  return Number(x / 10n ** 6n) / 1e12;
}

/**
 * Converts a finite JavaScript number to 1e18 fixed point exactly as it is written in decimal:
 * `0.03` → `30000000000000000n`. The shortest round-trip decimal form (`String(x)`) is used, so
 * binary rounding noise (`0.1` is `0.1000000000000000055…`) never reaches the signed value.
 * Digits beyond 18 decimals are rounded half away from zero.
 *
 * @example
 * ```ts
 * toWad(0.2, "views[0].q"); // 200000000000000000n
 * toWad(-1, "views[0].assets.MSFT"); // -1000000000000000000n
 * ```
 */
export function toWad(value: number, path: string): bigint {
  if (!Number.isFinite(value)) throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${value}`, path);
  const negative = value < 0;
  const [mantissa = "0", exponentText] = String(Math.abs(value)).split("e");
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const [whole = "0", fraction = ""] = mantissa.split(".");
  // digits × 10^(exponent − fraction.length) × 10^18
  const digits = BigInt(`${whole}${fraction}`);
  const shift = exponent - fraction.length + 18;
  let scaled: bigint;
  if (shift >= 0) {
    scaled = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    scaled = (digits + divisor / 2n) / divisor;
  }
  return negative ? -scaled : scaled;
}

/**
 * Converts a 1e18 fixed-point value to the nearest JavaScript number (for the maths).
 *
 * @example
 * ```ts
 * fromWad(30000000000000000n); // 0.03
 * ```
 */
export function fromWad(value: bigint): number {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / WAD;
  const fraction = (abs % WAD).toString().padStart(18, "0");
  const n = Number(`${whole}.${fraction}`);
  return negative ? -n : n;
}
