// Which contracts of a deployment keep an audit chain, so `audit verify --deployment` and the demo
// check the same set.
import type { Address } from "viem";
import type { Deployment } from "./deployment.ts";

/** The deployment's names of the contracts that keep an audit chain (docs/audit-events.md). */
export const AUDITED_CONTRACTS = ["ModelRegistry", "Settlement", "PortfolioVault", "ChainlinkPriceOracle"] as const;

/** One audited contract of a deployment. */
export interface AuditedContract {
  readonly name: (typeof AUDITED_CONTRACTS)[number];
  readonly address: Address;
}

/**
 * The audited contracts a deployment records, in {@link AUDITED_CONTRACTS} order, and the block
 * their logs start at (the deployment's first block; 0 when the file does not record it).
 *
 * @example
 * ```ts
 * const { contracts, fromBlock } = auditedContractsOf(readDeploymentFile("deployments/localhost.json"));
 * ```
 */
export function auditedContractsOf(deployment: Deployment): {
  readonly contracts: readonly AuditedContract[];
  readonly fromBlock: bigint;
} {
  const contracts = AUDITED_CONTRACTS.flatMap((name) => {
    const address = deployment.contracts[name];
    return address === undefined ? [] : [{ name, address }];
  });
  return { contracts, fromBlock: BigInt(deployment.blockNumber ?? 0) };
}
