import { initialPoint, type UnconstrainedOutcome } from "./ccd.ts";
import { budgetError, matVec } from "./linalg.ts";
// Diagonal scaling shared by the Newton, gradient and SQP methods: they run on the correlation
// matrix C = D^{-1/2} Σ D^{-1/2}, which removes the spread of volatilities from their conditioning
// (Spinu 2013). Risk contributions are invariant: with x = D^{1/2} y, x_i (Cx)_i = y_i (Σy)_i.

/** The correlation matrix of Σ and the volatilities σ_i = sqrt(Σ_ii). */
export function toCorrelation(data: Float64Array, n: number): { corr: Float64Array; vol: Float64Array } {
  const vol = new Float64Array(n);
  for (let i = 0; i < n; i++) vol[i] = Math.sqrt(data[i * n + i] as number);
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const vi = vol[i] as number;
    for (let j = 0; j < n; j++) corr[i * n + j] = (data[i * n + j] as number) / (vi * (vol[j] as number));
  }
  return { corr, vol };
}

/** Maps weights (any positive scale) to the scaled variable x = D^{1/2} w, or back with `inverse`. */
export function rescale(v: Float64Array, vol: Float64Array, inverse: boolean): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++)
    out[i] = inverse ? (v[i] as number) / (vol[i] as number) : (v[i] as number) * (vol[i] as number);
  return out;
}

/** A method's starting point in correlation space: C, σ, x and Cx (see {@link startInCorrelationSpace}). */
export interface CorrelationStart {
  readonly corr: Float64Array;
  readonly vol: Float64Array;
  readonly x: Float64Array;
  readonly cx: Float64Array;
}

/**
 * C and σ of Σ, and the start x (with Cx): the warm start mapped to x = D^{1/2} w, or the
 * unconstrained-ERC default of {@link initialPoint}.
 *
 * @example
 * ```ts
 * const { corr, vol, x, cx } = startInCorrelationSpace(sigma, n, budgets);
 * ```
 */
export function startInCorrelationSpace(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  warmStart?: Float64Array,
): CorrelationStart {
  const { corr, vol } = toCorrelation(data, n);
  const x = new Float64Array(n);
  const cx = new Float64Array(n);
  initialPoint(corr, n, budgets, warmStart === undefined ? undefined : rescale(warmStart, vol, false), x, cx);
  return { corr, vol, x, cx };
}

/**
 * The outcome in Σ's own variables, y = D^{-1/2} x and Σy = D^{1/2} Cx. An unconverged run's Cx,
 * updated incrementally, is recomputed first so the reported residual is exact (a converged run has
 * already done so before it stopped).
 *
 * @example
 * ```ts
 * return finishInCorrelationSpace(start, budgets, tolerance, iterations, residual);
 * ```
 */
export function finishInCorrelationSpace(
  start: CorrelationStart,
  budgets: Float64Array,
  tolerance: number,
  iterations: number,
  residual: number,
): UnconstrainedOutcome {
  const { corr, vol, x, cx } = start;
  let r = residual;
  if (!(r <= tolerance)) {
    matVec(corr, x.length, x, cx);
    r = budgetError(x, cx, budgets);
  }
  return {
    y: rescale(x, vol, true),
    sigmaY: rescale(cx, vol, false),
    iterations,
    converged: r <= tolerance,
    residual: r,
  };
}
