// Agglomerative clustering on a distance matrix, in SciPy's `linkage` output convention, so that
// the tree (and so HRP's leaf order) is the one PyPortfolioOpt and skfolio get from
// `scipy.cluster.hierarchy.linkage(squareform(D), method)`.

/** Linkage criteria (SciPy's names); `single` is PyPortfolioOpt's default. */
export const LINKAGE_METHODS = ["single", "complete", "average", "ward"] as const;

/** A linkage criterion: how the distance of a merged cluster to the others is updated. */
export type LinkageMethod = (typeof LINKAGE_METHODS)[number];

/** One merge: SciPy's row `[left, right, distance, size]`. */
export interface LinkageRow {
  /** The smaller of the two merged cluster ids (leaves are 0…n−1, merge k makes n + k). */
  readonly left: number;
  readonly right: number;
  readonly distance: number;
  /** Leaves in the merged cluster. */
  readonly size: number;
}

/**
 * Clusters `n` items from their `n × n` row-major distance matrix: at each step the two closest
 * clusters merge and the merged cluster's distances follow the Lance–Williams update of `method`
 * (single: min; complete: max; average: size-weighted mean; ward: SciPy's Ward update on the
 * distances themselves). All four are reducible, so merge distances never decrease and this greedy
 * order is SciPy's order after its stable sort by distance; ids are labelled as SciPy labels them.
 * O(n²) memory, O(n³) time in the worst case (each step scans the cached nearest neighbours).
 *
 * @example
 * ```ts
 * const rows = linkage(new Float64Array([0, 1, 4, 1, 0, 2, 4, 2, 0]), 3, "single");
 * rows[0]; // { left: 0, right: 1, distance: 1, size: 2 }
 * rows[1]; // { left: 2, right: 3, distance: 2, size: 3 }
 * ```
 */
export function linkage(distance: Float64Array, n: number, method: LinkageMethod): LinkageRow[] {
  const d = Float64Array.from(distance);
  const size = new Float64Array(n).fill(1);
  const id = Int32Array.from({ length: n }, (_, i) => i);
  const active = new Uint8Array(n).fill(1);
  const rows: LinkageRow[] = [];
  for (let step = 0; step < n - 1; step++) {
    let bi = -1;
    let bj = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (active[i] === 0) continue;
      const base = i * n;
      for (let j = i + 1; j < n; j++) {
        if (active[j] === 0) continue;
        const v = d[base + j] as number;
        if (v < best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    const [si, sj] = [size[bi] as number, size[bj] as number];
    const [a, b] = [id[bi] as number, id[bj] as number];
    rows.push({ left: Math.min(a, b), right: Math.max(a, b), distance: best, size: si + sj });
    // Slot bi becomes the merged cluster; slot bj retires.
    for (let k = 0; k < n; k++) {
      if (active[k] === 0 || k === bi || k === bj) continue;
      const dki = d[k * n + bi] as number;
      const dkj = d[k * n + bj] as number;
      const v = update(method, dki, dkj, best, si, sj, size[k] as number);
      d[k * n + bi] = v;
      d[bi * n + k] = v;
    }
    active[bj] = 0;
    size[bi] = si + sj;
    id[bi] = n + step;
  }
  return rows;
}

/** Lance–Williams distance from cluster k to the union of clusters i and j. */
function update(
  method: LinkageMethod,
  dki: number,
  dkj: number,
  dij: number,
  si: number,
  sj: number,
  sk: number,
): number {
  switch (method) {
    case "single":
      return Math.min(dki, dkj);
    case "complete":
      return Math.max(dki, dkj);
    case "average":
      return (si * dki + sj * dkj) / (si + sj);
    case "ward": {
      const t = si + sj + sk;
      return Math.sqrt(((sk + si) * dki * dki + (sk + sj) * dkj * dkj - sk * dij * dij) / t);
    }
  }
}

/**
 * The leaves of the tree in SciPy's `to_tree(Z).pre_order()` order (left child first): HRP's
 * quasi-diagonal order, which puts similar items next to each other.
 *
 * @example
 * ```ts
 * quasiDiagonalOrder([{ left: 0, right: 2, distance: 1, size: 2 }, { left: 1, right: 3, distance: 2, size: 3 }], 3); // [1, 0, 2]
 * ```
 */
export function quasiDiagonalOrder(rows: readonly LinkageRow[], n: number): number[] {
  if (n === 1) return [0];
  const order: number[] = [];
  const stack = [n + rows.length - 1];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node < n) {
      order.push(node);
      continue;
    }
    const row = rows[node - n] as LinkageRow;
    stack.push(row.right, row.left);
  }
  return order;
}
