import { expect } from "chai";
import { InputError } from "../../src/errors.ts";

/** Asserts |actual − expected| ≤ tolerance; plain comparison because the toolbox's chai matchers take over closeTo and reject non-integers. */
export function expectNear(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected} (±${tolerance})`).to.equal(true);
}

/** Asserts that `fn` throws an {@link InputError} with this code at this field path. */
export function expectInputError(fn: () => unknown, code: string, path: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).code).to.equal(code);
    expect((error as InputError).path).to.equal(path);
    return;
  }
  expect.fail(`expected InputError ${code}`);
}

/** Runs `fn`, expects an {@link InputError} and returns it for assertions on code, path and message. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}
