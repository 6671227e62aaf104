// Allocation metrics: drift from target and risk by sector or group (the per-asset risk
// contributions come from src/optimizer/riskParity/riskContributions.ts). Weights are fractions of
// portfolio value.
import { InputError } from "../errors.ts";

function checkWeights(values: Float64Array, path: string, n?: number): Float64Array {
  if (!(values instanceof Float64Array)) throw new InputError("VECTOR_NOT_FLOAT64", "must be a Float64Array", path);
  if (values.length === 0) throw new InputError("VECTOR_EMPTY", "must have at least one entry", path);
  if (n !== undefined && values.length !== n) {
    throw new InputError("VECTOR_LENGTH", `has ${values.length} entries, expected ${n}`, path);
  }
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${v}`, `${path}[${i}]`);
  });
  return values;
}

/** Result of {@link weightDrift}. */
export interface WeightDrift {
  /** max_i |w_i − w*_i|, fraction of portfolio value. */
  readonly maxAbs: number;
  /** Σ_i |w_i − w*_i| (L1), fraction; half of it is the one-way turnover needed to rebalance. */
  readonly l1: number;
  /** Index of the asset with the largest drift (the first one on ties). */
  readonly worstAsset: number;
}

/**
 * Realised vs target weight drift: max |w − w*| (what the keeper's drift trigger compares with
 * the registry threshold) and the L1 distance Σ|w − w*|.
 *
 * @example
 * ```ts
 * weightDrift(Float64Array.of(0.55, 0.45), Float64Array.of(0.5, 0.5)); // { maxAbs: 0.05, l1: 0.1, worstAsset: 0 }
 * ```
 */
export function weightDrift(weights: Float64Array, targets: Float64Array): WeightDrift {
  checkWeights(weights, "weights");
  checkWeights(targets, "targets", weights.length);
  let maxAbs = 0;
  let l1 = 0;
  let worstAsset = 0;
  for (let i = 0; i < weights.length; i++) {
    const d = Math.abs((weights[i] as number) - (targets[i] as number));
    l1 += d;
    if (d > maxAbs) {
      maxAbs = d;
      worstAsset = i;
    }
  }
  return { maxAbs, l1, worstAsset };
}

/**
 * Sums per-asset contributions by sector label: RC_S = Σ_{i∈S} RC_i. Keys keep the order in which
 * sectors first appear.
 *
 * @example
 * ```ts
 * riskBySector(Float64Array.of(0.5, 0.3, 0.2), ["tech", "energy", "tech"]); // { tech: 0.7, energy: 0.3 }
 * ```
 */
export function riskBySector(relative: Float64Array, sectors: readonly string[]): Record<string, number> {
  checkWeights(relative, "relative");
  if (sectors.length !== relative.length) {
    throw new InputError("VECTOR_LENGTH", `has ${sectors.length} labels, expected ${relative.length}`, "sectors");
  }
  const out: Record<string, number> = {};
  sectors.forEach((sector, i) => {
    if (typeof sector !== "string" || sector.length === 0) {
      throw new InputError("SECTOR_EMPTY", "must be a non-empty label", `sectors[${i}]`);
    }
    out[sector] = (out[sector] ?? 0) + (relative[i] as number);
  });
  return out;
}

/** A named group of assets, as the problem format's `constraints.groups` defines it. */
export interface AssetGroup {
  readonly name: string;
  readonly assets: readonly string[];
}

/** Name of the bucket that collects the assets no group names. */
export const UNGROUPED = "(ungrouped)";

/**
 * Sums per-asset contributions by group: RC_G = Σ_{i∈G} RC_i for every group, in the groups'
 * order, plus {@link UNGROUPED} for the assets no group names (present only when there are any).
 * The values sum to 1 when the groups partition the assets; overlapping groups each get their full
 * sum. A group naming an asset that is not in `assets` is an `InputError` naming it.
 *
 * @example
 * ```ts
 * riskByGroups(Float64Array.of(0.5, 0.3, 0.2), ["A", "B", "C"], [{ name: "tech", assets: ["A", "C"] }]);
 * // { tech: 0.7, "(ungrouped)": 0.3 }
 * ```
 */
export function riskByGroups(
  relative: Float64Array,
  assets: readonly string[],
  groups: readonly AssetGroup[],
): Record<string, number> {
  checkWeights(relative, "relative", assets.length);
  const out: Record<string, number> = {};
  const grouped = new Set<number>();
  groups.forEach((group, g) => {
    if (typeof group.name !== "string" || group.name.length === 0) {
      throw new InputError("SECTOR_EMPTY", "must be a non-empty label", `groups[${g}].name`);
    }
    let sum = 0;
    group.assets.forEach((asset, k) => {
      const i = assets.indexOf(asset);
      if (i < 0)
        throw new InputError("GROUP_ASSET_UNKNOWN", `"${asset}" is not a portfolio asset`, `groups[${g}].assets[${k}]`);
      grouped.add(i);
      sum += relative[i] as number;
    });
    out[group.name] = (out[group.name] ?? 0) + sum;
  });
  if (grouped.size < assets.length) {
    out[UNGROUPED] = assets.reduce((s, _a, i) => (grouped.has(i) ? s : s + (relative[i] as number)), 0);
  }
  return out;
}
