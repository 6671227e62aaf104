// Deterministic random problems shared by the optimiser tests.
import type { QpCovariance } from "../../src/optimizer/qp/types.ts";

/** Mulberry32: a seeded uniform source on [0, 1). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random factor model with k factors and its dense expansion (annualised, realistic scale). */
export function randomFactorModel(
  n: number,
  k: number,
  seed: number,
): { factor: QpCovariance & { kind: "factor" }; dense: number[][]; mu: number[] } {
  const r = uniform(seed);
  const loadings = new Float64Array(n * k);
  for (let i = 0; i < n * k; i++) loadings[i] = (i % k === 0 ? 0.8 : 0) + (r() - 0.5);
  const factorCovariance = new Float64Array(k * k);
  for (let t = 0; t < k; t++) factorCovariance[t * k + t] = 0.01 + 0.03 * r();
  const specificVariance = Float64Array.from({ length: n }, () => 0.005 + 0.04 * r());
  const dense = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? specificVariance[i]! : 0;
      for (let t = 0; t < k; t++) s += loadings[i * k + t]! * factorCovariance[t * k + t]! * loadings[j * k + t]!;
      return s;
    }),
  );
  const mu = Array.from({ length: n }, () => 0.03 + 0.12 * r());
  return { factor: { kind: "factor", n, k, loadings, factorCovariance, specificVariance }, dense, mu };
}

/** Runs fn and returns the error it throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string; path?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; path?: string };
  }
  throw new Error("expected an error");
}

/**
 * |actual − expected| ≤ tolerance. (Hardhat's chai matchers replace `closeTo` with a bigint-only
 * version once any contract test has loaded them, so float tests avoid it.)
 */
export function expectClose(actual: number | null, expected: number | null, tolerance: number, what = "value"): void {
  if (actual === null || expected === null) throw new Error(`${what}: expected numbers, got ${actual} and ${expected}`);
  const error = Math.abs(actual - expected);
  if (!(error <= tolerance)) {
    throw new Error(`${what}: expected ${actual} to be within ${tolerance} of ${expected} (off by ${error})`);
  }
}
