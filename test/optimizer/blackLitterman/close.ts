import { expect } from "chai";

/**
 * |actual − expected| ≤ tolerance. (chai's `closeTo` is replaced by hardhat's bigint matchers once
 * any test file loads the Hardhat network, and those refuse non-integers.)
 */
export function expectClose(actual: number | undefined, expected: number, tolerance: number, message = ""): void {
  const ok = actual !== undefined && Math.abs(actual - expected) <= tolerance;
  expect(ok, `${message} expected ${actual} to be within ${tolerance} of ${expected}`).to.equal(true);
}
