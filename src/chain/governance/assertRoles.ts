import { ZeroAddress } from "ethers";
import type { PortfolioTimelock } from "../../../types/ethers-contracts/index.ts";

/** Who should hold the timelock's roles after deployment. */
export interface GovernanceRoleHolders {
  readonly governor: string;
  readonly guardian: string;
  readonly deployer: string;
}

/**
 * Fails loudly if deployment left any timelock role other than the intended ones: the governor the
 * only proposer and executor, the guardian a canceller but not a proposer, nobody open-executing,
 * the deployer no longer admin and the timelock its own admin.
 *
 * @example
 * ```ts
 * await assertGovernanceRoles(timelock, { governor, guardian: safe, deployer });
 * ```
 */
export async function assertGovernanceRoles(timelock: PortfolioTimelock, who: GovernanceRoleHolders): Promise<void> {
  const [proposer, executor, canceller, admin] = await Promise.all([
    timelock.PROPOSER_ROLE(),
    timelock.EXECUTOR_ROLE(),
    timelock.CANCELLER_ROLE(),
    timelock.DEFAULT_ADMIN_ROLE(),
  ]);
  const expectations: [string, string, string, boolean][] = [
    ["PROPOSER_ROLE", proposer, who.governor, true],
    ["EXECUTOR_ROLE", executor, who.governor, true],
    ["PROPOSER_ROLE", proposer, who.guardian, false],
    ["EXECUTOR_ROLE", executor, ZeroAddress, false],
    ["CANCELLER_ROLE", canceller, who.guardian, true],
    ["DEFAULT_ADMIN_ROLE", admin, who.deployer, false],
    ["DEFAULT_ADMIN_ROLE", admin, await timelock.getAddress(), true],
  ];
  for (const [name, role, account, expected] of expectations) {
    if ((await timelock.hasRole(role, account)) !== expected) {
      throw new Error(`governance setup: ${account} should ${expected ? "" : "not "}hold ${name}`);
    }
  }
}
