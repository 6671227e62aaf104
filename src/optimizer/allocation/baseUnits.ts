// The one rounding rule between a value and token base units, shared by `allocate()` and the
// keeper's leg planner (src/keeper/legs/planLegs.ts), so a discrete allocation and the legs the
// keeper trades round the same way.

/**
 * The most base units a value buys: ⌊value · scale / price⌋, one floor division of the exact
 * product. `value` and `price` share one fixed point (the keeper's and `allocate()`'s is USD 1e18);
 * `price` is per whole token and `scale` = 10^decimals (1 for a share).
 *
 * @example
 * ```ts
 * unitsForValue(1_000n * WAD, 3_000n * WAD, 10n ** 18n); // 333333333333333333n (1/3 WETH, floored)
 * unitsForValue(1_000n * WAD, 172n * WAD, 1n); // 5n shares
 * ```
 */
export function unitsForValue(value: bigint, price: bigint, scale: bigint): bigint {
  return (value * scale) / price;
}

/**
 * The value of `units` base units: ⌊units · price / scale⌋, in `price`'s fixed point (rounded down,
 * so a value never overstates what a holding is worth).
 *
 * @example
 * ```ts
 * valueOfUnits(10n ** 18n, 3_000n * WAD, 10n ** 18n); // 3000n * WAD (1 WETH)
 * ```
 */
export function valueOfUnits(units: bigint, price: bigint, scale: bigint): bigint {
  return (units * price) / scale;
}

/**
 * Whether a trade or holding of `value` is too small to make: strictly below `minimum` (a value
 * equal to the minimum is made). Both in one fixed point.
 *
 * @example
 * ```ts
 * belowMinTrade(9n * WAD, 10n * WAD); // true
 * ```
 */
export function belowMinTrade(value: bigint, minimum: bigint): boolean {
  return value < minimum;
}

/** 1e18: the fixed point of the USD values and prices `allocate()` and the keeper round in. */
export const WAD_SCALE = 10n ** 18n;

/**
 * A finite non-negative number as 1e18 fixed point exactly as it is written in decimal
 * (`String(x)`, so 0.1 is 0.1, not its binary neighbour); digits past 18 decimals round half up.
 * The optimiser layer cannot import protocol/fixedPoint.ts (a sibling layer), hence this copy of
 * its rule for non-negative numbers.
 *
 * @example
 * ```ts
 * decimalToWad(172.440002); // 172440002000000000000n
 * ```
 */
export function decimalToWad(value: number): bigint {
  const [mantissa = "0", exponentText] = String(value).split("e");
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = BigInt(`${whole}${fraction}`);
  const shift = exponent - fraction.length + 18;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return (digits + divisor / 2n) / divisor;
}

/**
 * Base units as a decimal string of whole tokens: `formatUnits(1234567n, 6)` is `"1.234567"`,
 * `formatUnits(12n, 0)` is `"12"`; trailing zeros are dropped.
 *
 * @example
 * ```ts
 * formatUnits(1_500_000n, 6); // "1.5"
 * ```
 */
export function formatUnits(units: bigint, decimals: number): string {
  if (decimals === 0) return units.toString();
  const scale = 10n ** BigInt(decimals);
  const fraction = (units % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction === "" ? (units / scale).toString() : `${units / scale}.${fraction}`;
}
