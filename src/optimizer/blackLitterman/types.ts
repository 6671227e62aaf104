/**
 * A dense rows×cols matrix, row-major: entry (i, j) is `data[i * cols + j]`. The picking matrix P
 * (k views × n assets) crosses module boundaries in this form.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * One unsigned view as written in a problem file (research use; the keeper accepts only signed
 * views, which {@link acceptedViewsToBlackLittermanViews} converts to this shape).
 *
 * @example
 * ```ts
 * const absolute: BlackLittermanView = { assets: { AAPL: 1 }, q: 0.2, confidence: 0.5 };
 * const relative: BlackLittermanView = { assets: { AAPL: 1, MSFT: -1 }, q: 0.03 };
 * ```
 */
export interface BlackLittermanView {
  /** Picking weights by asset id: one asset with weight 1 (absolute) or a long-short portfolio (relative). */
  readonly assets: Readonly<Record<string, number>>;
  /** Expected annualised return of the view portfolio, a fraction (0.2 = 20 %). */
  readonly q: number;
  /** Idzorek confidence in (0, 1]; 1 makes the posterior honour the view exactly. */
  readonly confidence?: number | undefined;
  /** Explicit variance of the view's return (annualised, fraction²); overrides the Ω method for this view. */
  readonly omega?: number | undefined;
}
