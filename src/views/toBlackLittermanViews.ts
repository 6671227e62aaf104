import type { BlackLittermanView } from "../optimizer/blackLitterman/types.ts";
import type { AcceptedView } from "./verifyViews.ts";
import { fromWad } from "../protocol/fixedPoint.ts";

/**
 * Converts verified views to the maths' view format: 1e18 fixed point → fractions; confidence 0
 * becomes an explicit Ω entry. Only {@link verifyViews}'s `accepted` list should ever get here.
 *
 * @example
 * ```ts
 * const { accepted, commitment } = await verifyViews(file, params);
 * const bl = blackLittermanInputs(section, { assets, sigma, signedViews: { views: acceptedViewsToBlackLittermanViews(accepted), commitment } });
 * ```
 */
export function acceptedViewsToBlackLittermanViews(accepted: readonly AcceptedView[]): BlackLittermanView[] {
  return accepted.map(({ view }) => {
    const assets: Record<string, number> = {};
    view.assets.forEach((id, i) => {
      assets[id] = fromWad(view.pick[i] ?? 0n);
    });
    return view.confidence === 0n
      ? { assets, q: fromWad(view.q), omega: fromWad(view.omega) }
      : { assets, q: fromWad(view.q), confidence: fromWad(view.confidence) };
  });
}
