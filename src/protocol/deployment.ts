// `deployments/<network>.json`: one schema for every reader (governance CLI, keeper, auditor,
// dashboard). Each reader takes the part it needs from the one parse; none guesses field names.
import { getAddress, isAddress, type Hex } from "viem";
import { z } from "zod";
import { InputError } from "../errors.ts";
import { readJsonFile, readJsonFileAsync, type JsonFileErrors } from "../jsonFile.ts";

/** An address, checksummed on the way in. */
export const addressSchema = z
  .string()
  .refine((a) => isAddress(a), "not an address")
  .transform((a) => getAddress(a));
const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex")
  .transform((h) => h.toLowerCase() as Hex);

/** What a keeper rebalances with: the `keeper` section of the file. */
const keeperSection = z.object({
  settlement: addressSchema,
  /** The PortfolioVault to rebalance. */
  vault: addressSchema,
  /** Venue adapter of every leg (the settlement's allow-listed Uniswap V2 adapter). */
  venue: addressSchema,
  /** Uniswap V2 Router02 used to quote legs before submitting; without it only the simulation guards. */
  router: addressSchema.optional(),
  /** Base (quote) token every pool pairs with; default the vault's first asset. */
  baseToken: addressSchema.optional(),
});

/** The schema of `deployments/<network>.json` (src/chain/systemRecord.ts writes it). */
export const deploymentSchema = z.object({
  network: z.string().optional(),
  chainId: z.number().int().positive(),
  /** First block of the deployment: where log scans start. */
  blockNumber: z.number().int().nonnegative().optional(),
  /** sha256 of the optimiser bundle pinned at genesis. */
  optimizerBuildHash: hex32.optional(),
  optimizerVersion: z.string().optional(),
  /** Every deployed contract by name (`ModelRegistry`, `Settlement`, `PortfolioVault`, …). */
  contracts: z.record(addressSchema),
  keeper: keeperSection.optional(),
  baseAsset: z.string().optional(),
  assets: z
    .array(
      z.object({
        symbol: z.string(),
        address: addressSchema,
        decimals: z.number().int().nonnegative(),
        priceFeed: addressSchema,
        priceUsd: z.string(),
        pair: addressSchema.nullable(),
      }),
    )
    .optional(),
});

/** A parsed `deployments/<network>.json`. */
export type Deployment = z.infer<typeof deploymentSchema>;

/** The `keeper` section of a deployment: the addresses one keeper rebalances with. */
export type KeeperDeployment = z.infer<typeof keeperSection>;

/**
 * Validates a deployment record against {@link deploymentSchema}.
 *
 * @throws {InputError} `DEPLOYMENT_INVALID` naming the first bad field (`<source>:<path>`).
 * @example
 * ```ts
 * const deployment = parseDeploymentFile(JSON.parse(text), "deployments/localhost.json");
 * ```
 */
export function parseDeploymentFile(value: unknown, source: string): Deployment {
  return checkDeployment(deploymentSchema, value, source);
}

/**
 * Validates `value` with `schema`, reporting the first issue as `DEPLOYMENT_INVALID` at
 * `<source>:<path>`. Readers that need more of the file than {@link deploymentSchema} requires
 * (the governance CLI) pass a stricter schema.
 *
 * @example
 * ```ts
 * const governance = checkDeployment(governanceSchema, json, "deployments/localhost.json");
 * ```
 */
export function checkDeployment<T extends z.ZodTypeAny>(schema: T, value: unknown, source: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? source : `${source}:${issue.path.join(".")}`;
    throw new InputError("DEPLOYMENT_INVALID", issue?.message ?? "invalid deployment", where);
  }
  return result.data as z.output<T>;
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

/**
 * Reads and validates `deployments/<network>.json`.
 *
 * @example
 * ```ts
 * const { contracts, chainId } = readDeploymentFile("deployments/localhost.json");
 * ```
 */
export function readDeploymentFile(path: string): Deployment {
  return parseDeploymentFile(readJsonFile(path, deploymentFileErrors(path)), path);
}

/** {@link readDeploymentFile} without blocking the event loop (the dashboard's server). */
export async function readDeploymentFileAsync(path: string): Promise<Deployment> {
  return parseDeploymentFile(await readJsonFileAsync(path, deploymentFileErrors(path)), path);
}

/**
 * The `keeper` section of a deployment; refused, naming the field, when the file has none.
 *
 * @example
 * ```ts
 * const { settlement, vault, venue } = keeperDeployment(readDeploymentFile(path), path);
 * ```
 */
export function keeperDeployment(deployment: Deployment, source: string): KeeperDeployment {
  if (deployment.keeper === undefined) {
    throw new InputError("DEPLOYMENT_INVALID", "no keeper section (settlement, vault, venue)", `${source}:keeper`);
  }
  return deployment.keeper;
}

/**
 * The `keeper` section of a deployment file (`portfolio keeper --deployment`).
 *
 * @example
 * ```ts
 * const deployment = readKeeperDeployment("deployments/localhost.json");
 * ```
 */
export function readKeeperDeployment(path: string): KeeperDeployment {
  return keeperDeployment(readDeploymentFile(path), path);
}

/**
 * The `keeper` section of a deployment record already in memory (the demo's).
 *
 * @example
 * ```ts
 * const deployment = parseKeeperDeployment(record, "deployment");
 * ```
 */
export function parseKeeperDeployment(value: unknown, source: string): KeeperDeployment {
  return keeperDeployment(parseDeploymentFile(value, source), source);
}
