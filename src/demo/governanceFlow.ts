import type { Address, Hex, PublicClient, TestClient, WalletClient } from "viem";
import { castVote, executeProposal, proposeRegistryChange, queueProposal } from "../chain/governance/actions.ts";
import { portfolioGovernorAbi, portfolioTimelockAbi } from "../protocol/abi.ts";
import type { RegistryProposal } from "../chain/governance/buildRegistryProposal.ts";
import type { GovernanceDeployment } from "../chain/governance/deployment.ts";

/** Clients of {@link passProposal}: the voter signs, the test client moves the chain's clock. */
export interface ProposalClients {
  readonly publicClient: PublicClient;
  /** Holds enough delegated votes for the threshold and quorum. */
  readonly walletClient: WalletClient;
  /** `evm_increaseTime` / `evm_mine` (Hardhat and EDR). */
  readonly testClient: TestClient;
}

/** What {@link passProposal} did, for the report. */
export interface PassedProposal {
  readonly id: bigint;
  readonly description: string;
  readonly txHashes: { readonly propose: Hex; readonly vote: Hex; readonly queue: Hex; readonly execute: Hex };
  /** Unix seconds (chain time) the timelock allowed execution from. */
  readonly eta: bigint;
  /** Chain seconds skipped: voting delay + voting period + timelock delay. */
  readonly timeTravelledSeconds: bigint;
}

async function travel(testClient: TestClient, seconds: bigint): Promise<void> {
  await testClient.increaseTime({ seconds: Number(seconds) });
  await testClient.mine({ blocks: 1 });
}

/**
 * Takes a proposal through the whole governance path on a development chain: propose, wait out the
 * voting delay, vote for, wait out the voting period, queue in the timelock, wait out its 48 h delay,
 * execute. Waiting is time travel (`evm_increaseTime` + `evm_mine`); every step is the ordinary
 * governor call the `portfolio gov` CLI makes, with the same state checks.
 *
 * @example
 * ```ts
 * const passed = await passProposal(clients, deployment, proposal);
 * ```
 */
export async function passProposal(
  clients: ProposalClients,
  deployment: GovernanceDeployment,
  proposal: RegistryProposal,
): Promise<PassedProposal> {
  const { publicClient, testClient } = clients;
  const governor: Address = deployment.contracts.PortfolioGovernor;
  const [votingDelay, votingPeriod, timelockDelay] = await Promise.all([
    publicClient.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "votingDelay" }),
    publicClient.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "votingPeriod" }),
    publicClient.readContract({
      address: deployment.contracts.TimelockController,
      abi: portfolioTimelockAbi,
      functionName: "getMinDelay",
    }),
  ]);
  const { id, hash: propose } = await proposeRegistryChange(clients, deployment, proposal);
  await travel(testClient, votingDelay + 1n);
  const vote = await castVote(clients, deployment, id, "for", "demo: adopt the proposed settings");
  await travel(testClient, votingPeriod + 1n);
  const { hash: queue, eta } = await queueProposal(clients, deployment, id);
  await travel(testClient, timelockDelay + 1n);
  const execute = await executeProposal(clients, deployment, id);
  return {
    id,
    description: proposal.description,
    txHashes: { propose, vote, queue, execute },
    eta,
    timeTravelledSeconds: votingDelay + votingPeriod + timelockDelay + 3n,
  };
}

/** A registry proposal with further calls appended (e.g. the timelock accepting contract ownership). */
export function withExtraCalls(
  proposal: RegistryProposal,
  calls: readonly { readonly target: Address; readonly data: Hex; readonly description: string }[],
): RegistryProposal {
  if (calls.length === 0) return proposal;
  return {
    targets: [...proposal.targets, ...calls.map((c) => c.target)],
    values: [...proposal.values, ...calls.map(() => 0n)],
    calldatas: [...proposal.calldatas, ...calls.map((c) => c.data)],
    description: `${proposal.description} | ${calls.map((c) => c.description).join(" | ")}`,
    diff: `${proposal.diff}${calls.map((c) => `${c.description}\n`).join("")}`,
  };
}
