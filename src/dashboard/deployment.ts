import type { Address, PublicClient } from "viem";
import { auditedAbi } from "../protocol/abi.ts";
import { readDeploymentFileAsync, type Deployment } from "../protocol/deployment.ts";
import type { AuditedContract } from "./chainSource.ts";

/**
 * What the dashboard reads of `deployments/<network>.json`: the protocol layer's parse of the file
 * (src/protocol/deployment.ts), of which it uses the contract addresses by name, the chain id and
 * the deployment block.
 */
export type DashboardDeployment = Deployment;

/**
 * Reads and validates a deployment file.
 *
 * @throws {InputError} `DEPLOYMENT_UNREADABLE` or `DEPLOYMENT_INVALID` naming the bad field.
 * @example
 * ```ts
 * const { contracts } = await readDashboardDeployment("deployments/localhost.json");
 * ```
 */
export function readDashboardDeployment(path: string): Promise<DashboardDeployment> {
  return readDeploymentFileAsync(path);
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
