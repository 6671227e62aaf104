import type { Address, Hex } from "viem";

/**
 * The registry's records as plain TypeScript values, shared by the deploy helper (ethers) and the
 * `portfolio gov` CLI (viem). Units: WAD (1e18 = 100%) unless the name ends in `Bps`.
 */

// The enum and the fixed-point scale are the protocol layer's (src/protocol); re-exported for the
// governance modules that speak in these records.
export { OPTIMIZER_TYPES, type OptimizerTypeName } from "../../protocol/enums.ts";
export { WAD } from "../../protocol/fixedPoint.ts";

/** `IModelRegistry.StrategyParameters`. */
export interface StrategyParameters {
  /** Index into {@link OPTIMIZER_TYPES}. */
  readonly optimizerType: number;
  /** Risk aversion δ, WAD. */
  readonly riskAversion: bigint;
  /** Black-Litterman τ, WAD. */
  readonly tau: bigint;
  /** keccak256 of the ABI-encoded uint256[] risk budgets, or zero for equal budgets. */
  readonly riskBudgetsHash: Hex;
  /** Drift that triggers a rebalance, WAD. */
  readonly driftThreshold: bigint;
  /** Annualised volatility budget, WAD. */
  readonly volatilityBudget: bigint;
  /** Five-field UTC cron expression. */
  readonly rebalanceCalendar: string;
  /** Basis points (10 000 = 100%). */
  readonly maxSlippageBps: number;
}

/** `IModelRegistry.ConstraintSet`. */
export interface ConstraintSet {
  /** sha256 of the canonical ConstraintSet JSON. */
  readonly contentHash: Hex;
  readonly uri: string;
  /** WAD. */
  readonly maxPositionWeight: bigint;
  /** One-way turnover per rebalance, WAD. */
  readonly maxTurnover: bigint;
}

/** `IModelRegistry.Genesis`: what a registry starts with. */
export interface RegistryGenesis {
  readonly optimizerBuildHash: Hex;
  readonly optimizerVersion: string;
  readonly parameters: StrategyParameters;
  readonly constraints: ConstraintSet;
  readonly viewSigners: readonly Address[];
  readonly keepers: readonly Address[];
}
