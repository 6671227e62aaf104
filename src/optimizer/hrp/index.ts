// Hierarchical risk parity (López de Prado 2016): cluster on correlation distance, order the assets
// quasi-diagonally, allocate by recursive bisection. Matches PyPortfolioOpt's `HRPOpt` without
// constraints; with them, position bounds are kept split by split and group limits (any linear row) by a
// final projection (docs/optimizer.md, "Hierarchical risk parity").
import { bisectionWeights, type HrpSplit } from "./bisection.ts";
import { hercWeights } from "./herc.ts";
import { correlationDistance } from "./correlation.ts";
import { brokenRows, projectOntoRows, type HrpRow } from "./rowProjection.ts";
import { linkage, quasiDiagonalOrder, type LinkageMethod, type LinkageRow } from "./linkage.ts";

export { LINKAGE_METHODS, linkage, quasiDiagonalOrder, type LinkageMethod, type LinkageRow } from "./linkage.ts";
export { correlationDistance, correlationFromCovariance, pairwiseCorrelation } from "./correlation.ts";
export { clusterVariance, type HrpSplit } from "./bisection.ts";
export type { HrpRow } from "./rowProjection.ts";

/** Inputs of {@link hierarchicalRiskParity}. */
export interface HrpInput {
  readonly n: number;
  /** n × n row-major covariance: the cluster variances of the bisection. */
  readonly covariance: Float64Array;
  /** n × n row-major correlation: the clustering. */
  readonly correlation: Float64Array;
  /** Default `single` (PyPortfolioOpt's). */
  readonly linkage?: LinkageMethod;
  /**
   * Default `dendrogram`: split at tree nodes, free of the order the assets are listed in. `halves`
   * halves the leaf order (López de Prado 2016) and gives PyPortfolioOpt's `HRPOpt` weights.
   */
  readonly split?: HrpSplit;
  /**
   * Hierarchical equal risk contribution instead of bisection (Raffinot 2017): the tree cut into
   * `clusters` clusters ({@link hercWeights}); `split` then does not apply.
   */
  readonly herc?: { readonly clusters: number };
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
  /** Group limits and other linear rows besides the budget (Σw = 1 always holds). */
  readonly rows?: readonly HrpRow[];
}

/** The HRP portfolio and how it was built. */
export interface HrpResult {
  readonly weights: Float64Array;
  /** Asset indices in quasi-diagonal (dendrogram leaf) order. */
  readonly order: readonly number[];
  /** The tree, in SciPy's linkage convention. */
  readonly tree: readonly LinkageRow[];
  /** Splits whose share the position bounds changed. */
  readonly clippedSplits: number;
  /** With `herc`: the clusters (asset indices, left to right); else null. */
  readonly clusters: readonly (readonly number[])[] | null;
  /** The rows the bisection's weights broke, which made the final projection necessary. */
  readonly projected: readonly string[];
}

/**
 * HRP weights from a covariance and a correlation matrix.
 *
 * @example
 * ```ts
 * const r = hierarchicalRiskParity({
 *   n: 2,
 *   covariance: Float64Array.of(1, 0, 0, 4),
 *   correlation: Float64Array.of(1, 0, 0, 1),
 * });
 * r.weights; // [0.8, 0.2]
 * ```
 */
export function hierarchicalRiskParity(input: HrpInput): HrpResult {
  const { n } = input;
  const lower = input.lower ?? new Float64Array(n);
  const upper = input.upper ?? new Float64Array(n).fill(1);
  const tree = linkage(correlationDistance(input.correlation, n), n, input.linkage ?? "single");
  const order = quasiDiagonalOrder(tree, n);
  const herc =
    input.herc === undefined
      ? null
      : hercWeights({ covariance: input.covariance, n, tree, clusters: input.herc.clusters, lower, upper });
  const { weights, clippedSplits } =
    herc ??
    bisectionWeights({
      covariance: input.covariance,
      n,
      order,
      tree,
      split: input.split ?? "dendrogram",
      lower,
      upper,
    });
  const clusters = herc?.clusters ?? null;
  const rows = input.rows ?? [];
  const projected = brokenRows(weights, rows);
  if (projected.length === 0) return { weights, order, tree, clippedSplits, clusters, projected };
  return { weights: projectOntoRows(weights, lower, upper, rows), order, tree, clippedSplits, clusters, projected };
}
