// HRP's top-down allocation: each cluster splits in two and each part gets a share of its parent's
// weight in inverse proportion to its inverse-variance portfolio's variance. `split: "dendrogram"`
// (the default) splits each cluster into its two subtrees (each a contiguous run of the order),
// which makes the weights independent of the order the assets are listed in. `split: "halves"`
// halves the quasi-diagonal order instead (López de Prado 2016, PyPortfolioOpt's
// `_raw_hrp_allocation`); it is not, since the leaf order follows SciPy's labels and a mirrored
// subtree of odd size halves differently. Position bounds are kept by
// clipping each split to what the two halves can hold (Pfitzinger & Katzke 2019): a split's share
// a of the parent's weight W must satisfy lower(L) ≤ a ≤ upper(L) and lower(R) ≤ W − a ≤ upper(R),
// which is always possible when W is within its own cluster's [lower, upper], so every leaf ends
// within its bounds once the whole portfolio is.
import { InfeasibleError } from "../../errors.ts";
import type { LinkageRow } from "./linkage.ts";

/** Where a cluster splits: the middle of its run (López de Prado) or between its two subtrees. */
export type HrpSplit = "halves" | "dendrogram";

/** Inputs of {@link bisectionWeights}. */
export interface BisectionInput {
  /** n × n row-major covariance (any scale: only ratios of variances matter). */
  readonly covariance: Float64Array;
  readonly n: number;
  /** Assets in quasi-diagonal order. */
  readonly order: readonly number[];
  /** The tree behind `order`; needed for `split: "dendrogram"`. */
  readonly tree?: readonly LinkageRow[];
  /** Default `dendrogram` (free of the assets' order); `halves` is PyPortfolioOpt's. */
  readonly split?: HrpSplit;
  /** Per-asset bounds; default 0 and 1. */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
}

/** Weights and how many splits the bounds changed. */
export interface BisectionResult {
  readonly weights: Float64Array;
  readonly clippedSplits: number;
}

/**
 * Variance of the inverse-variance portfolio of `members`: w_i ∝ 1/Σ_ii, variance w'Σw.
 *
 * @example
 * ```ts
 * clusterVariance(Float64Array.of(1, 0, 0, 1), 2, [0, 1]); // 0.5
 * ```
 */
export function clusterVariance(cov: Float64Array, n: number, members: readonly number[]): number {
  const w = members.map((i) => 1 / (cov[i * n + i] as number));
  const total = w.reduce((s, v) => s + v, 0);
  let variance = 0;
  for (let a = 0; a < members.length; a++) {
    const ia = members[a] as number;
    let row = 0;
    for (let b = 0; b < members.length; b++) row += (cov[ia * n + (members[b] as number)] as number) * (w[b] as number);
    variance += (w[a] as number) * row;
  }
  return variance / (total * total);
}

/**
 * Refuses position bounds no portfolio summing to 1 keeps (Σ lower > 1 or Σ upper < 1).
 *
 * @throws {InfeasibleError} `HRP_BOUNDS_INFEASIBLE` (exit 3).
 * @example
 * ```ts
 * assertBoundsHoldOne(Float64Array.of(0, 0), Float64Array.of(0.4, 0.4)); // throws: upper bounds sum to 0.8
 * ```
 */
export function assertBoundsHoldOne(lower: Float64Array, upper: Float64Array): void {
  const sumLo = lower.reduce((s, v) => s + v, 0);
  const sumHi = upper.reduce((s, v) => s + v, 0);
  if (sumLo > 1 + 1e-12 || sumHi < 1 - 1e-12) {
    throw new InfeasibleError(
      "HRP_BOUNDS_INFEASIBLE",
      `position bounds cannot sum to 1 (lower bounds sum to ${sumLo}, upper bounds to ${sumHi})`,
      sumLo > 1 ? "constraints.weightBounds.lower" : "constraints.weightBounds.upper",
    );
  }
}

/**
 * Recursive bisection over `order`, splits clipped to the position bounds (see the file comment).
 * Throws `HRP_BOUNDS_INFEASIBLE` (infeasible, exit 3) when Σ lower > 1 or Σ upper < 1.
 *
 * @example
 * ```ts
 * const tree = [{ left: 0, right: 1, distance: 0.5, size: 2 }];
 * bisectionWeights({ covariance: Float64Array.of(1, 0, 0, 4), n: 2, order: [0, 1], tree }).weights; // [0.8, 0.2]
 * ```
 */
export function bisectionWeights(input: BisectionInput): BisectionResult {
  const { covariance: cov, n, order } = input;
  const lower = input.lower ?? new Float64Array(n);
  const upper = input.upper ?? new Float64Array(n).fill(1);
  // Prefix sums of the bounds in quasi-diagonal order: a cluster is a contiguous run [from, to).
  const lo = new Float64Array(n + 1);
  const hi = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    lo[k + 1] = (lo[k] as number) + (lower[order[k] as number] as number);
    hi[k + 1] = (hi[k] as number) + (upper[order[k] as number] as number);
  }
  assertBoundsHoldOne(lower, upper);
  const weights = new Float64Array(n);
  let clippedSplits = 0;
  // Breadth-first like PyPortfolioOpt, so the multiplications happen in its order.
  const tree = input.tree ?? [];
  const byTree = (input.split ?? "dendrogram") === "dendrogram";
  if (byTree && tree.length !== n - 1) throw new Error("bisectionWeights: split by dendrogram needs the tree");
  const sizeOf = (node: number): number => (node < n ? 1 : (tree[node - n] as LinkageRow).size);
  let level: { from: number; to: number; weight: number; node: number }[] = [
    { from: 0, to: n, weight: 1, node: n + tree.length - 1 },
  ];
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { from, to, weight, node } of level) {
      if (to - from === 1) {
        weights[order[from] as number] = weight;
        continue;
      }
      const children = byTree ? (tree[node - n] as LinkageRow) : undefined;
      const mid = children === undefined ? from + Math.floor((to - from) / 2) : from + sizeOf(children.left);
      const vl = clusterVariance(cov, n, order.slice(from, mid));
      const vr = clusterVariance(cov, n, order.slice(mid, to));
      const alpha = 1 - vl / (vl + vr);
      let left = weight * alpha;
      let right = weight * (1 - alpha);
      const min = Math.max(
        (lo[mid] as number) - (lo[from] as number),
        weight - ((hi[to] as number) - (hi[mid] as number)),
      );
      const max = Math.min(
        (hi[mid] as number) - (hi[from] as number),
        weight - ((lo[to] as number) - (lo[mid] as number)),
      );
      if (left < min || left > max) {
        left = Math.min(max, Math.max(min, left));
        right = weight - left;
        clippedSplits++;
      }
      next.push(
        { from, to: mid, weight: left, node: children?.left ?? -1 },
        { from: mid, to, weight: right, node: children?.right ?? -1 },
      );
    }
    level = next;
  }
  return { weights, clippedSplits };
}
