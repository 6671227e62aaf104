// Validation of estimator specs and options at the boundary: every error names the field path.
import { InputError } from "../../errors.ts";

/** Checks a finite number in [min, max] (inclusive unless `exclusiveMin`), naming the field. */
export function checkNumber(
  value: unknown,
  path: string,
  {
    min = -Infinity,
    max = Infinity,
    exclusiveMin = false,
  }: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(value)}`, path);
  }
  if (exclusiveMin ? value <= min : value < min) {
    throw new InputError("INPUT_OUT_OF_RANGE", `must be ${exclusiveMin ? ">" : ">="} ${min}, got ${value}`, path);
  }
  if (value > max) throw new InputError("INPUT_OUT_OF_RANGE", `must be <= ${max}, got ${value}`, path);
  return value;
}

/** Checks that `value` is one of `allowed`, naming the field and listing the choices. */
export function checkChoice<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InputError(
      "INPUT_UNKNOWN_CHOICE",
      `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value) ?? String(value)}`,
      path,
    );
  }
  return value as T;
}

/** Rejects fields a spec does not know, so a typo (`spam: 60`) is not silently ignored. */
export function checkKeys(spec: object, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      throw new InputError("INPUT_UNKNOWN_FIELD", `unknown field (allowed: ${allowed.join(", ")})`, `${path}.${key}`);
    }
  }
}

/** Checks the spec is a plain object. */
export function checkObject(spec: unknown, path: string): object {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new InputError("INPUT_NOT_OBJECT", "must be an object with a method", path);
  }
  return spec;
}

/** Periods per year: a positive finite number (252 for daily data, 52 weekly, 12 monthly). */
export function checkFrequency(frequency: unknown, path = "frequency"): number {
  return checkNumber(frequency, path, { min: 0, exclusiveMin: true });
}
