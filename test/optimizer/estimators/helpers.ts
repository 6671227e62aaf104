// Test helpers for the estimator tests.
import { expect } from "chai";

export { inputErrorOf } from "../../helpers/expect.ts";

/**
 * |actual − expected| ≤ tol. (chai's `closeTo` is replaced by hardhat's chai matchers when the
 * whole suite runs, and that version accepts integers only.)
 */
export function expectClose(actual: number | undefined, expected: number, tol: number, message?: string): void {
  const gap = Math.abs((actual ?? Number.NaN) - expected);
  expect(gap <= tol, `${message ?? ""} expected ${actual} within ${tol} of ${expected} (off by ${gap})`).to.equal(true);
}
