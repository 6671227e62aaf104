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
 * One view's numbers as the maths reads them: an unsigned view as written in a problem file
 * (`blackLitterman.views`, research use), or the numeric part of a {@link VerifiedBlackLittermanView}.
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

/**
 * A signed investor view that the caller (CLI, keeper) verified (src/views/verifyViews.ts), in the
 * maths' units (`toVerifiedViewSet` in src/views converts the 1e18 fixed point), with where it came
 * from. The optimiser does no I/O and cannot verify signatures: it trusts whoever built the set,
 * and reports the provenance in the result's `viewSources`; an auditor re-verifies the signed file.
 */
export interface VerifiedBlackLittermanView extends BlackLittermanView {
  /** The address that signed the view (EOA or ERC-1271 wallet). */
  readonly signer: `0x${string}`;
  /** The view's EIP-712 digest: its id, and what the view-set commitment hashes. */
  readonly digest: `0x${string}`;
  /** The signer's nonce of the view, decimal. */
  readonly nonce: string;
}

/**
 * `blackLitterman.verifiedViews`: the one route of signed views into the optimiser. `views` in
 * the order of the commitment (that order is the order of the rows of P).
 */
export interface VerifiedViewSet {
  /** keccak256 over the accepted views' digests in order (docs/eip712.md). */
  readonly commitment: `0x${string}`;
  readonly views: readonly VerifiedBlackLittermanView[];
}

/** Where one view (one row of P) came from, as the result's `viewSources` reports it. */
export type ViewSource =
  | {
      readonly source: "verified";
      readonly signer: `0x${string}`;
      readonly digest: `0x${string}`;
      readonly nonce: string;
    }
  | { readonly source: "unsigned" };
