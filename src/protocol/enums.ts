// The contracts' enums by name (generated from the compiler's AST, generated/enums.ts), and the one
// way to read an enum value off the chain: an unknown value is a contract we do not know, an
// internal error, never a silent default.
import { PortfolioError } from "../errors.ts";
import { OPTIMIZER_TYPES, ROLLBACK_REASONS, SETTLEMENT_CHECKS, SETTLEMENT_STATUSES } from "./generated/enums.ts";

export { OPTIMIZER_TYPES, ROLLBACK_REASONS, SETTLEMENT_CHECKS, SETTLEMENT_STATUSES };

/** `IModelRegistry.OptimizerType` by name: the method the registry's strategy selects. */
export type OptimizerTypeName = (typeof OPTIMIZER_TYPES)[number];
/** `ISettlement.Status` by name. */
export type SettlementStatusName = (typeof SETTLEMENT_STATUSES)[number];
/** `ISettlement.Check` by name: which check a breach or a failed post-trade check names. */
export type SettlementCheckName = (typeof SETTLEMENT_CHECKS)[number];
/** `ISettlement.RollbackReason` by name. */
export type RollbackReasonName = (typeof ROLLBACK_REASONS)[number];

/**
 * The name of on-chain enum value `value` in `names`; throws the internal `UNEXPECTED_CHAIN_VALUE`
 * error, naming `field`, for a value the contracts do not define.
 *
 * @example
 * ```ts
 * enumName(OPTIMIZER_TYPES, 2, "strategyParameters.optimizerType"); // "ERC"
 * ```
 */
export function enumName<const T extends readonly string[]>(
  names: T,
  value: number | bigint,
  field: string,
): T[number] {
  const name = names[Number(value)];
  if (name === undefined) {
    throw new PortfolioError("internal", "UNEXPECTED_CHAIN_VALUE", `unexpected ${String(value)}`, field);
  }
  return name;
}
