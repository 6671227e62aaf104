import { getAddress, isAddress } from "viem";
import { InputError } from "../../errors.ts";
import type { PlanLegsParameters } from "./types.ts";
import { at, sameAddress } from "../../protocol/indexing.ts";

/**
 * Checks {@link planLegs}' parameters and throws an {@link InputError} naming the first bad field.
 *
 * @example
 * ```ts
 * validatePlanLegsParameters({ ...parameters, maxSlippageBps: 10_000 }); // throws SLIPPAGE_INVALID
 * ```
 */
export function validatePlanLegsParameters(p: PlanLegsParameters): void {
  const n = p.holdings.length;
  if (n === 0) throw new InputError("HOLDINGS_EMPTY", "at least the base token is required", "holdings");
  if (p.prices.length !== n || p.targetWeights.length !== n) {
    throw new InputError(
      "LENGTH_MISMATCH",
      `${n} holdings but ${p.prices.length} prices and ${p.targetWeights.length} target weights`,
      "prices",
    );
  }
  const seen = new Set<string>();
  p.holdings.forEach((h, i) => {
    if (!isAddress(h.token, { strict: false }))
      throw new InputError("TOKEN_INVALID", `not an address: ${h.token}`, `holdings[${i}].token`);
    const key = getAddress(h.token);
    if (seen.has(key)) throw new InputError("TOKEN_DUPLICATE", `${h.token} appears twice`, `holdings[${i}].token`);
    seen.add(key);
    if (!Number.isInteger(h.decimals) || h.decimals < 0 || h.decimals > 36) {
      throw new InputError(
        "DECIMALS_INVALID",
        `must be an integer in [0, 36], got ${h.decimals}`,
        `holdings[${i}].decimals`,
      );
    }
    if (h.balance < 0n)
      throw new InputError("BALANCE_NEGATIVE", `must be ≥ 0, got ${h.balance}`, `holdings[${i}].balance`);
    const price = at(p.prices, i);
    if (price <= 0n) throw new InputError("PRICE_INVALID", `must be > 0, got ${price}`, `prices[${i}]`);
  });
  if (!isAddress(p.baseToken, { strict: false }) || !seen.has(getAddress(p.baseToken))) {
    throw new InputError("BASE_NOT_HELD", `base token ${p.baseToken} is not among the holdings`, "baseToken");
  }
  if (!Number.isInteger(p.maxSlippageBps) || p.maxSlippageBps < 0 || p.maxSlippageBps >= 10_000) {
    throw new InputError(
      "SLIPPAGE_INVALID",
      `must be an integer in [0, 10000), got ${p.maxSlippageBps}`,
      "maxSlippageBps",
    );
  }
  if (p.minTradeValueUsd < 0n) {
    throw new InputError("MIN_TRADE_INVALID", `must be ≥ 0, got ${p.minTradeValueUsd}`, "minTradeValueUsd");
  }
  (p.exclude ?? []).forEach((a, i) => {
    if (!isAddress(a, { strict: false }))
      throw new InputError("TOKEN_INVALID", `not an address: ${a}`, `exclude[${i}]`);
    if (sameAddress(a, p.baseToken)) {
      throw new InputError("EXCLUDE_BASE", "the base token funds every leg and cannot be excluded", `exclude[${i}]`);
    }
  });
}
