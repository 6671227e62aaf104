import type { Address, Hex } from "viem";
import { z } from "zod";
import { readJsonFile } from "../../jsonFile.ts";
import {
  addressSchema as address,
  checkDeployment,
  deploymentFileErrors,
  deploymentSchema,
} from "../../protocol/deployment.ts";

export { deploymentFileErrors };

/**
 * Addresses of a governance deployment, as written to `deployments/<network>.json` by the deploy
 * helper and read by `portfolio gov --deployment`.
 */
export interface GovernanceDeployment {
  readonly chainId: number;
  readonly contracts: {
    readonly ModelRegistry: Address;
    readonly PortfolioGovernor: Address;
    readonly TimelockController: Address;
    readonly PortfolioToken: Address;
    /** The guardian Safe, when the deployment made one. */
    readonly GuardianSafe?: Address;
    /** The vault, when the file lists it: its assets are what a proposal's evidence backtests. */
    readonly PortfolioVault?: Address;
  };
  /** Block of the first governance deployment transaction: where log scans start. */
  readonly blockNumber: number;
  /** sha256 of the optimiser bundle pinned at genesis. */
  readonly optimizerBuildHash: Hex;
}

/**
 * The record of a governance deployment from its contract addresses.
 *
 * @example
 * ```ts
 * const record = governanceDeployment(31337, { token, timelock, governor, registry, safe }, 12, buildHash);
 * ```
 */
export function governanceDeployment(
  chainId: number,
  a: { token: Address; timelock: Address; governor: Address; registry: Address; safe: Address },
  blockNumber: number,
  optimizerBuildHash: Hex,
): GovernanceDeployment {
  return {
    chainId,
    contracts: {
      ModelRegistry: a.registry,
      PortfolioGovernor: a.governor,
      TimelockController: a.timelock,
      PortfolioToken: a.token,
      GuardianSafe: a.safe,
    },
    blockNumber,
    optimizerBuildHash: optimizerBuildHash.toLowerCase() as Hex,
  };
}

/** What `portfolio gov` needs of the file on top of {@link deploymentSchema}. */
const governanceSchema = deploymentSchema.extend({
  contracts: z
    .object({
      ModelRegistry: address,
      PortfolioGovernor: address,
      TimelockController: address,
      PortfolioToken: address,
      GuardianSafe: address.optional(),
    })
    .catchall(address),
  blockNumber: z.number().int().nonnegative(),
  optimizerBuildHash: deploymentSchema.shape.optimizerBuildHash.unwrap(),
});

/**
 * Parses and validates a deployment record for governance (the protocol layer's schema, with the
 * governance contracts, the deployment block and the pinned build hash required).
 *
 * @throws {InputError} `DEPLOYMENT_INVALID` naming the first bad field.
 * @example
 * ```ts
 * const deployment = parseDeployment(JSON.parse(text), "deployments/localhost.json");
 * ```
 */
export function parseDeployment(value: unknown, source: string): GovernanceDeployment {
  const d = checkDeployment(governanceSchema, value, source);
  const { ModelRegistry, PortfolioGovernor, TimelockController, PortfolioToken, GuardianSafe, PortfolioVault } =
    d.contracts;
  return {
    chainId: d.chainId,
    contracts: {
      ModelRegistry,
      PortfolioGovernor,
      TimelockController,
      PortfolioToken,
      ...(GuardianSafe === undefined ? {} : { GuardianSafe }),
      ...(PortfolioVault === undefined ? {} : { PortfolioVault }),
    },
    blockNumber: d.blockNumber,
    optimizerBuildHash: d.optimizerBuildHash,
  };
}

/** Reads and validates `deployments/<network>.json`. */
export function readDeployment(path: string): GovernanceDeployment {
  const json = readJsonFile(path, deploymentFileErrors(path));
  return parseDeployment(json, path);
}
