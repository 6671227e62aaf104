// Module parameters of the Ignition system (ignition/modules/System.ts) from typed options: what
// `deploySystem` passes to `connection.ignition.deploy`, and what ignition/parameters/*.json hold
// for `npx hardhat ignition deploy`.
import type { DeploymentParameters, SolidityParameterType } from "@nomicfoundation/ignition-core";
import type { Address, Hex } from "viem";
import { WAD, type ConstraintSet, type RegistryGenesis, type StrategyParameters } from "./governance/types.ts";

/** Strategy parameters the demo registry starts with (MARKOWITZ, δ = 2.5, τ = 0.05). */
export const DEMO_GENESIS_PARAMETERS: StrategyParameters = {
  optimizerType: 0,
  riskAversion: (5n * WAD) / 2n,
  tau: WAD / 20n,
  riskBudgetsHash: `0x${"00".repeat(32)}`,
  driftThreshold: WAD / 50n,
  volatilityBudget: WAD / 4n,
  rebalanceCalendar: "0 0 * * 1",
  maxSlippageBps: 100,
};

/** Constraint set the demo registry starts with: at most 40% per asset, 100% one-way turnover. */
export const DEMO_GENESIS_CONSTRAINTS: ConstraintSet = {
  contentHash: `0x${"11".repeat(32)}`,
  uri: "ipfs://demo-constraints-v1",
  maxPositionWeight: (40n * WAD) / 100n,
  maxTurnover: WAD,
};

/** Options of {@link systemParameters}. */
export interface SystemParametersOptions {
  /** Owners of the guardian Safe. */
  readonly safeOwners: readonly Address[];
  /** Owner signatures a Safe transaction needs; default 2. */
  readonly safeThreshold?: number;
  /** sha256 of the optimiser bundle (`npm run build:optimizer`), pinned at genesis. */
  readonly optimizerBuildHash: Hex;
  readonly optimizerVersion: string;
  /** Registry keepers at genesis. */
  readonly keepers: readonly Address[];
  /** Registry view signers at genesis. */
  readonly viewSigners: readonly Address[];
  /** Receives the governance token supply; defaults to the deployer (account 0). */
  readonly tokenHolder?: Address;
  readonly parameters?: StrategyParameters;
  readonly constraints?: ConstraintSet;
}

/** A registry genesis as an Ignition parameter value (plain objects and mutable arrays). */
export function genesisParameter(genesis: RegistryGenesis): SolidityParameterType {
  return {
    optimizerBuildHash: genesis.optimizerBuildHash,
    optimizerVersion: genesis.optimizerVersion,
    parameters: { ...genesis.parameters },
    constraints: { ...genesis.constraints },
    viewSigners: [...genesis.viewSigners],
    keepers: [...genesis.keepers],
  };
}

/**
 * The parameters of every module of the system, keyed by module id.
 *
 * @example
 * ```ts
 * const parameters = systemParameters({ safeOwners: [a, b, c], optimizerBuildHash, optimizerVersion: "0.1.0", keepers: [k], viewSigners: [s] });
 * await connection.ignition.deploy(SystemModule, { parameters });
 * ```
 */
export function systemParameters(options: SystemParametersOptions): DeploymentParameters {
  return {
    GuardianSafe: {
      owners: [...options.safeOwners],
      threshold: options.safeThreshold ?? 2,
    },
    Governance: {
      genesis: genesisParameter({
        optimizerBuildHash: options.optimizerBuildHash,
        optimizerVersion: options.optimizerVersion,
        parameters: options.parameters ?? DEMO_GENESIS_PARAMETERS,
        constraints: options.constraints ?? DEMO_GENESIS_CONSTRAINTS,
        viewSigners: options.viewSigners,
        keepers: options.keepers,
      }),
      ...(options.tokenHolder === undefined ? {} : { tokenHolder: options.tokenHolder }),
    },
  };
}
