// The ModelRegistry's records as the off-chain side uses them. The keeper (building a problem) and
// the auditor (rebuilding it) must decode them identically, or a replay would not match: one place.
import type { ContractFunctionReturnType } from "viem";
import type { modelRegistryAbi } from "./abi.ts";
import { enumName, OPTIMIZER_TYPES } from "./enums.ts";
import { wadToNumber } from "./fixedPoint.ts";
import type { CycleConstraintLimits, CycleParameters } from "./inputs.ts";

/** `IModelRegistry.StrategyParameters` as viem returns it. */
export type RawStrategyParameters = ContractFunctionReturnType<typeof modelRegistryAbi, "view", "strategyParameters">;
/** `IModelRegistry.ConstraintSet` as viem returns it. */
export type RawConstraintSet = ContractFunctionReturnType<typeof modelRegistryAbi, "view", "constraintSet">;

/**
 * A registry's strategy parameters in the units a problem takes: the optimiser type by name (an
 * unknown value is an internal error naming `field`), WAD fractions as numbers ({@link wadToNumber}).
 *
 * @example
 * ```ts
 * const parameters = decodeStrategyParameters(await client.readContract({ address, abi: modelRegistryAbi, functionName: "strategyParameters" }));
 * ```
 */
export function decodeStrategyParameters(raw: RawStrategyParameters, field = "strategyParameters"): CycleParameters {
  return {
    optimizerType: enumName(OPTIMIZER_TYPES, raw.optimizerType, `${field}.optimizerType`),
    riskAversion: wadToNumber(raw.riskAversion),
    tau: wadToNumber(raw.tau),
    volatilityBudget: wadToNumber(raw.volatilityBudget),
    driftThreshold: wadToNumber(raw.driftThreshold),
    maxSlippageBps: raw.maxSlippageBps,
    rebalanceCalendar: raw.rebalanceCalendar,
  };
}

/**
 * A constraint set's on-chain scalar limits as fractions.
 *
 * @example
 * ```ts
 * const limits = decodeConstraintLimits(await client.readContract({ address, abi: modelRegistryAbi, functionName: "constraintSet" }));
 * ```
 */
export function decodeConstraintLimits(
  raw: Pick<RawConstraintSet, "maxPositionWeight" | "maxTurnover">,
): CycleConstraintLimits {
  return { maxPositionWeight: wadToNumber(raw.maxPositionWeight), maxTurnover: wadToNumber(raw.maxTurnover) };
}
