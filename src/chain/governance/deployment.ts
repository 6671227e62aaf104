import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import { InputError } from "../../errors.ts";
import { readJsonFile, type JsonFileErrors } from "../../jsonFile.ts";

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

const address = z
  .string()
  .refine(isAddress, "not an address")
  .transform((a) => getAddress(a));
const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex")
  .transform((h) => h.toLowerCase() as Hex);

const schema = z.object({
  chainId: z.number().int().positive(),
  contracts: z.object({
    ModelRegistry: address,
    PortfolioGovernor: address,
    TimelockController: address,
    PortfolioToken: address,
    GuardianSafe: address.optional(),
  }),
  blockNumber: z.number().int().nonnegative(),
  optimizerBuildHash: hex32,
});

/**
 * Parses and validates a deployment record.
 *
 * @throws {InputError} `DEPLOYMENT_INVALID` naming the first bad field.
 * @example
 * ```ts
 * const deployment = parseDeployment(JSON.parse(text), "deployments/localhost.json");
 * ```
 */
export function parseDeployment(value: unknown, source: string): GovernanceDeployment {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue === undefined ? source : `${source}:${issue.path.join(".")}`;
    throw new InputError("DEPLOYMENT_INVALID", issue?.message ?? "invalid deployment", path);
  }
  return result.data;
}

/** How a deployment file named by `--deployment` is reported when it cannot be read or parsed. */
export function deploymentFileErrors(path: string): JsonFileErrors {
  return {
    field: "--deployment",
    invalidPath: path,
    unreadableCode: "DEPLOYMENT_UNREADABLE",
    invalidCode: "DEPLOYMENT_INVALID",
  };
}

/** Reads and validates `deployments/<network>.json`. */
export function readDeployment(path: string): GovernanceDeployment {
  const json = readJsonFile(path, deploymentFileErrors(path));
  return parseDeployment(json, path);
}
