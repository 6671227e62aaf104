// Euclidean projection onto {lower ≤ z ≤ upper} ∩ {rowLower_k ≤ a_k·z ≤ rowUpper_k} by Dykstra's
// alternating projections (Boyle & Dykstra 1986), the z-update of Richard & Roncalli's ADMM.
import type { ConstraintSet } from "./validate.ts";

/** Workspace reused across calls (one increment vector per set: the box and each row). */
export interface DykstraWorkspace {
  readonly increments: Float64Array[];
  readonly rowNorms: Float64Array;
  readonly previous: Float64Array;
}

export function dykstraWorkspace(set: ConstraintSet, n: number): DykstraWorkspace {
  const rowNorms = new Float64Array(set.m);
  for (let k = 0; k < set.m; k++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (set.rows[k * n + j] as number) ** 2;
    rowNorms[k] = sum;
  }
  return {
    increments: Array.from({ length: set.m + 1 }, () => new Float64Array(n)),
    rowNorms,
    previous: new Float64Array(n),
  };
}

/**
 * Projects `point` onto the constraint set in place. Dykstra's increments make the cyclic
 * projections converge to the projection itself (plain alternating projections would only reach
 * some point of the intersection). Stops when a full cycle moves neither the point nor any
 * increment by more than `tolerance` (max norm); returns the number of cycles, or −1 if `maxCycles` ran out.
 */
export function projectDykstra(
  point: Float64Array,
  set: ConstraintSet,
  work: DykstraWorkspace,
  tolerance: number,
  maxCycles: number,
): number {
  const n = point.length;
  for (const inc of work.increments) inc.fill(0);
  const { previous, rowNorms } = work;
  for (let cycle = 1; cycle <= maxCycles; cycle++) {
    previous.set(point);
    // The point can sit still for several cycles while the increments still grow (e.g. a point
    // far below a box face), so convergence also requires the increments to have settled.
    let incrementChange = 0;
    // Box.
    const boxInc = work.increments[0] as Float64Array;
    for (let j = 0; j < n; j++) {
      const v = (point[j] as number) + (boxInc[j] as number);
      const clipped = Math.min(Math.max(v, set.lower[j] as number), set.upper[j] as number);
      incrementChange = Math.max(incrementChange, Math.abs(v - clipped - (boxInc[j] as number)));
      boxInc[j] = v - clipped;
      point[j] = clipped;
    }
    // Each row is a slab rowLower ≤ a·z ≤ rowUpper.
    for (let k = 0; k < set.m; k++) {
      const inc = work.increments[k + 1] as Float64Array;
      const row = k * n;
      let dot = 0;
      for (let j = 0; j < n; j++) {
        const v = (point[j] as number) + (inc[j] as number);
        dot += (set.rows[row + j] as number) * v;
      }
      const lo = set.rowLower[k] as number;
      const hi = set.rowUpper[k] as number;
      const norm = rowNorms[k] as number;
      const shift = norm > 0 ? (dot > hi ? (dot - hi) / norm : dot < lo ? (dot - lo) / norm : 0) : 0;
      for (let j = 0; j < n; j++) {
        const v = (point[j] as number) + (inc[j] as number);
        const projected = v - shift * (set.rows[row + j] as number);
        incrementChange = Math.max(incrementChange, Math.abs(v - projected - (inc[j] as number)));
        inc[j] = v - projected;
        point[j] = projected;
      }
    }
    let moved = 0;
    for (let j = 0; j < n; j++) moved = Math.max(moved, Math.abs((point[j] as number) - (previous[j] as number)));
    if (moved <= tolerance && incrementChange <= tolerance) return cycle;
  }
  return -1;
}
