/**
 * `xs[i]`, or a thrown bug report when `i` is out of range: the planner's indices come from its own
 * validated arrays, so a miss is a programming error, never bad input.
 *
 * @example
 * ```ts
 * at([1n, 2n], 1); // 2n
 * ```
 */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`unreachable: index ${i} out of range ${xs.length}`);
  return x;
}

/**
 * Whether two hex addresses are equal, whatever their checksum casing.
 *
 * @example
 * ```ts
 * sameAddress("0xAbC0000000000000000000000000000000000000", "0xabc0000000000000000000000000000000000000"); // true
 * ```
 */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
