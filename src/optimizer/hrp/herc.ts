// Hierarchical equal risk contribution (Raffinot 2017; skfolio's HierarchicalEqualRiskContribution
// with the variance as risk measure): the tree is cut into k clusters; from the root down, each
// node above the cut splits its weight between its two subtrees in inverse proportion to the summed
// risk of the clusters each holds (a cluster's risk: the variance of its inverse-variance
// portfolio); inside a cluster the weight is shared inverse to each asset's variance. Splits happen
// only at tree nodes, so the weights do not depend on the order the assets are listed in. Position
// bounds are kept as HRP keeps them: each split clipped to what the two subtrees' bounds can hold
// (Pfitzinger & Katzke 2019), and inside a cluster the inverse-variance shares clamped to the bounds
// with one common scale (water-filling), which is possible because the cluster's weight lies within
// its bound sums.
import { InputError } from "../../errors.ts";
import { assertBoundsHoldOne, clusterVariance } from "./bisection.ts";
import type { LinkageRow } from "./linkage.ts";

/** Inputs of {@link hercWeights}. */
export interface HercInput {
  /** n × n row-major covariance (any scale: only ratios of variances matter). */
  readonly covariance: Float64Array;
  readonly n: number;
  /** The tree, in SciPy's linkage convention (n − 1 merges). */
  readonly tree: readonly LinkageRow[];
  /** How many clusters the tree is cut into: 1 … n (the last k − 1 merges are undone). */
  readonly clusters: number;
  /** Per-asset bounds; default 0 and 1; Σ lower ≤ 1 ≤ Σ upper (checked by the caller). */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
}

/** HERC weights, the clusters (asset indices, left to right) and how many splits a bound changed. */
export interface HercResult {
  readonly weights: Float64Array;
  readonly clusters: readonly (readonly number[])[];
  readonly clippedSplits: number;
}

function leavesOf(tree: readonly LinkageRow[], n: number, node: number): number[] {
  const out: number[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const v = stack.pop() as number;
    if (v < n) out.push(v);
    else stack.push((tree[v - n] as LinkageRow).right, (tree[v - n] as LinkageRow).left);
  }
  return out;
}

/**
 * `weight` shared over `members` as w_i = clamp(c / Σ_ii, lower_i, upper_i) with the one c that
 * makes them sum to `weight`: the inverse-variance portfolio when no bound binds (bit for bit),
 * else found by bisection on c (Σ clamp is continuous and non-decreasing in c).
 */
function boundedInverseVariance(
  cov: Float64Array,
  n: number,
  members: readonly number[],
  weight: number,
  lower: Float64Array,
  upper: Float64Array,
  out: Float64Array,
): void {
  const inv = members.map((i) => 1 / (cov[i * n + i] as number));
  const total = inv.reduce((s, v) => s + v, 0);
  const free = inv.map((v) => (weight * v) / total);
  if (
    free.every((w, k) => w >= (lower[members[k] as number] as number) && w <= (upper[members[k] as number] as number))
  ) {
    members.forEach((i, k) => (out[i] = free[k] as number));
    return;
  }
  const shares = (c: number): number[] =>
    members.map((i, k) => Math.min(upper[i] as number, Math.max(lower[i] as number, c * (inv[k] as number))));
  const sum = (c: number): number => shares(c).reduce((s, v) => s + v, 0);
  let lo = 0;
  let hi = 1;
  while (sum(hi) < weight && hi < 1e300) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 0; it++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (sum(mid) < weight) lo = mid;
    else hi = mid;
  }
  const w = shares(hi);
  // The bisection leaves a round-off; the members off their bounds absorb it pro rata.
  const gap = weight - w.reduce((s, v) => s + v, 0);
  const loose = members.map(
    (i, k) => (w[k] as number) > (lower[i] as number) && (w[k] as number) < (upper[i] as number),
  );
  const looseSum = w.reduce((s, v, k) => s + (loose[k] ? v : 0), 0);
  members.forEach((i, k) => {
    const v = w[k] as number;
    out[i] = loose[k] && looseSum > 0 ? v + (gap * v) / looseSum : v;
  });
}

/**
 * HERC weights from a covariance and its tree (see the file comment).
 *
 * @throws {InputError} `HERC_CLUSTERS_INVALID` (exit 2) when `clusters` is not an integer in 1 … n.
 * @example
 * ```ts
 * const tree = [{ left: 0, right: 1, distance: 0.5, size: 2 }];
 * hercWeights({ covariance: Float64Array.of(1, 0, 0, 4), n: 2, tree, clusters: 1 }).weights; // [0.8, 0.2]
 * ```
 */
export function hercWeights(input: HercInput): HercResult {
  const { covariance: cov, n, tree } = input;
  const k = input.clusters;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InputError(
      "HERC_CLUSTERS_INVALID",
      `must be an integer from 1 to ${n} (the assets), got ${k}`,
      "herc.clusters",
    );
  }
  const lower = input.lower ?? new Float64Array(n);
  const upper = input.upper ?? new Float64Array(n).fill(1);
  const root = n + tree.length - 1;
  // Nodes above the cut: the last k − 1 merges (merge distances never decrease).
  const above = (node: number): boolean => node >= 2 * n - k;
  const clusters: number[][] = [];
  const risk = new Map<number, number>();
  const riskOf = (node: number): number => {
    const known = risk.get(node);
    if (known !== undefined) return known;
    const r = above(node)
      ? riskOf((tree[node - n] as LinkageRow).left) + riskOf((tree[node - n] as LinkageRow).right)
      : clusterVariance(cov, n, leavesOf(tree, n, node));
    risk.set(node, r);
    return r;
  };
  const sums = (members: readonly number[]): [number, number] => [
    members.reduce((s, i) => s + (lower[i] as number), 0),
    members.reduce((s, i) => s + (upper[i] as number), 0),
  ];
  const weights = new Float64Array(n);
  let clippedSplits = 0;
  assertBoundsHoldOne(lower, upper);
  const stack: { node: number; weight: number }[] = [{ node: root, weight: 1 }];
  while (stack.length > 0) {
    const { node, weight } = stack.pop() as { node: number; weight: number };
    if (!above(node)) {
      const members = leavesOf(tree, n, node);
      clusters.push(members);
      boundedInverseVariance(cov, n, members, weight, lower, upper, weights);
      continue;
    }
    const { left, right } = tree[node - n] as LinkageRow;
    const [vl, vr] = [riskOf(left), riskOf(right)];
    let share = weight * (1 - vl / (vl + vr));
    const [loL, hiL] = sums(leavesOf(tree, n, left));
    const [loR, hiR] = sums(leavesOf(tree, n, right));
    const min = Math.max(loL, weight - hiR);
    const max = Math.min(hiL, weight - loR);
    if (share < min || share > max) {
      share = Math.min(max, Math.max(min, share));
      clippedSplits++;
    }
    // Right first onto the stack, so clusters are listed left to right.
    stack.push({ node: right, weight: weight - share }, { node: left, weight: share });
  }
  return { weights, clusters, clippedSplits };
}
