// Test helpers for the estimator tests.
import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";

/** Runs `fn`, expects an InputError and returns it for assertions on code, path and message. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

/**
 * |actual − expected| ≤ tol. (chai's `closeTo` is replaced by hardhat's chai matchers when the
 * whole suite runs, and that version accepts integers only.)
 */
export function expectClose(actual: number | undefined, expected: number, tol: number, message?: string): void {
  const gap = Math.abs((actual ?? Number.NaN) - expected);
  expect(gap <= tol, `${message ?? ""} expected ${actual} within ${tol} of ${expected} (off by ${gap})`).to.equal(true);
}
