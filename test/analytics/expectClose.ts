// Absolute-tolerance comparison for doubles. Chai's `closeTo` cannot be used here: the Hardhat
// chai-matchers plugin, loaded by the contract tests in the same mocha run, replaces it with a
// bigint version that rejects non-integers.
import { expect } from "chai";

/** Asserts |actual − expected| ≤ tolerance. */
export function expectClose(actual: number | undefined | null, expected: number, tolerance: number): void {
  expect(typeof actual, `expected a number close to ${expected}`).to.equal("number");
  const diff = Math.abs((actual as number) - expected);
  expect(diff <= tolerance, `expected ${actual} to be within ${tolerance} of ${expected} (off by ${diff})`).to.equal(
    true,
  );
}
