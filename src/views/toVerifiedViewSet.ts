import type { Hex } from "viem";
import type { VerifiedBlackLittermanView, VerifiedViewSet } from "../optimizer/blackLitterman/types.ts";
import { fromWad } from "../protocol/fixedPoint.ts";
import type { AcceptedView } from "./verifyViews.ts";

/**
 * The one route of signed views into the optimiser: {@link verifyViews}'s accepted views, in the
 * maths' units (1e18 fixed point → fractions; confidence 0 becomes an explicit Ω entry), with
 * their signer, EIP-712 digest and nonce, and the commitment of the set — the value of a
 * Black-Litterman problem's `blackLitterman.verifiedViews`. Only `accepted` should ever get here.
 *
 * @example
 * ```ts
 * const { accepted, commitment } = await verifyViews(file, params);
 * optimize({ ...problem, blackLitterman: { ...section, verifiedViews: toVerifiedViewSet(accepted, commitment) } });
 * ```
 */
export function toVerifiedViewSet(accepted: readonly AcceptedView[], commitment: Hex): VerifiedViewSet {
  const views = accepted.map(({ view, digest }): VerifiedBlackLittermanView => {
    const assets: Record<string, number> = {};
    view.assets.forEach((id, i) => {
      assets[id] = fromWad(view.pick[i] ?? 0n);
    });
    const provenance = { signer: view.signer, digest, nonce: view.nonce.toString() };
    return view.confidence === 0n
      ? { assets, q: fromWad(view.q), omega: fromWad(view.omega), ...provenance }
      : { assets, q: fromWad(view.q), confidence: fromWad(view.confidence), ...provenance };
  });
  return { commitment, views };
}
