import { InputError } from "../../errors.ts";
import type { BlackLittermanView, DenseMatrix } from "./types.ts";

export interface ViewMatrices {
  /** Picking matrix (k×n), one row per view, columns in the order of `assets`. */
  readonly P: DenseMatrix;
  /** View returns (k), annualised fractions. */
  readonly Q: Float64Array;
  /** Each view's Idzorek confidence, or undefined. */
  readonly confidences: readonly (number | undefined)[];
  /** Each view's explicit Ω entry, or undefined. */
  readonly explicitOmega: readonly (number | undefined)[];
}

/**
 * Builds P and Q from views keyed by asset id. Errors name the field, e.g.
 * `blackLitterman.views[1].assets.XYZ` for an asset the problem does not hold.
 *
 * @example
 * ```ts
 * const { P, Q } = viewsToMatrices([{ assets: { AAPL: 1, MSFT: -1 }, q: 0.03 }], ["AAPL", "MSFT", "XOM"]);
 * // P = [[1, -1, 0]], Q = [0.03]
 * ```
 */
export function viewsToMatrices(
  views: readonly BlackLittermanView[],
  assets: readonly string[],
  path = "blackLitterman.views",
): ViewMatrices {
  const n = assets.length;
  const column = new Map(assets.map((id, i) => [id, i]));
  const k = views.length;
  const data = new Float64Array(k * n);
  const Q = new Float64Array(k);
  const confidences: (number | undefined)[] = [];
  const explicitOmega: (number | undefined)[] = [];
  views.forEach((view, v) => {
    const at = `${path}[${v}]`;
    const entries = Object.entries(view.assets);
    if (entries.length === 0) throw new InputError("BL_VIEW_EMPTY", "names no asset", `${at}.assets`);
    let nonZero = false;
    for (const [id, weight] of entries) {
      const j = column.get(id);
      if (j === undefined)
        throw new InputError("BL_UNKNOWN_ASSET", `"${id}" is not one of the problem's assets`, `${at}.assets.${id}`);
      if (!Number.isFinite(weight))
        throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${weight}`, `${at}.assets.${id}`);
      data[v * n + j] = weight;
      nonZero ||= weight !== 0;
    }
    if (!nonZero) throw new InputError("BL_VIEW_EMPTY", "every picking weight is zero", `${at}.assets`);
    if (!Number.isFinite(view.q)) throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${view.q}`, `${at}.q`);
    Q[v] = view.q;
    if (view.confidence !== undefined && !(view.confidence > 0 && view.confidence <= 1)) {
      throw new InputError("BL_CONFIDENCE_INVALID", `must be in (0, 1], got ${view.confidence}`, `${at}.confidence`);
    }
    if (view.omega !== undefined && !(Number.isFinite(view.omega) && view.omega >= 0)) {
      throw new InputError("BL_OMEGA_INVALID", `must be finite and ≥ 0, got ${view.omega}`, `${at}.omega`);
    }
    confidences.push(view.confidence);
    explicitOmega.push(view.omega);
  });
  return { P: { rows: k, cols: n, data }, Q, confidences, explicitOmega };
}
