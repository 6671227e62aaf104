import { getAddress, isAddress, type Address, type PublicClient } from "viem";
import { z } from "zod";
import { deploymentFileErrors } from "../chain/governance/deployment.ts";
import { InputError } from "../errors.ts";
import { readJsonFileAsync } from "../jsonFile.ts";
import { auditedAbi } from "../protocol/abi.ts";
import type { AuditedContract } from "./chainSource.ts";

/**
 * What the dashboard needs from `deployments/<network>.json`: contract addresses by name (the
 * governance, settlement and vault deploy helpers each add theirs) and the deployment block.
 * Other fields of the file are ignored.
 */
export interface DashboardDeployment {
  readonly chainId?: number;
  readonly contracts: Readonly<Record<string, Address>>;
  /** First block of the deployment: where log scans start. */
  readonly blockNumber?: number;
}

const schema = z.object({
  chainId: z.number().int().positive().optional(),
  contracts: z.record(
    z
      .string()
      .refine((a) => isAddress(a), "not an address")
      .transform((a) => getAddress(a)),
  ),
  blockNumber: z.number().int().nonnegative().optional(),
});

/**
 * Reads and validates the addresses of a deployment file.
 *
 * @throws {InputError} `DEPLOYMENT_UNREADABLE` or `DEPLOYMENT_INVALID` naming the bad field.
 * @example
 * ```ts
 * const { contracts } = await readDashboardDeployment("deployments/localhost.json");
 * ```
 */
export async function readDashboardDeployment(path: string): Promise<DashboardDeployment> {
  const json = await readJsonFileAsync(path, deploymentFileErrors(path));
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? path : `${path}:${issue.path.join(".")}`;
    throw new InputError("DEPLOYMENT_INVALID", issue?.message ?? "invalid deployment", where);
  }
  return result.data;
}

/**
 * The contracts of a deployment that keep an audit chain: those whose `auditCount()` answers.
 * Governor, timelock, token and Safe do not, and are left out.
 *
 * @example
 * ```ts
 * const audited = await findAuditedContracts(client, deployment.contracts);
 * ```
 */
export async function findAuditedContracts(
  client: PublicClient,
  contracts: Readonly<Record<string, Address>>,
): Promise<AuditedContract[]> {
  const probes = await Promise.all(
    Object.entries(contracts).map(async ([name, address]) => {
      try {
        await client.readContract({ address, abi: auditedAbi, functionName: "auditCount" });
        return { name, address };
      } catch {
        return null;
      }
    }),
  );
  return probes.filter((p): p is AuditedContract => p !== null);
}
