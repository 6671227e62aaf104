import { InputError } from "../errors.ts";

/** 1e18: the fixed-point scale of every fraction and return in a signed view (WAD). */
export const WAD = 10n ** 18n;

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
