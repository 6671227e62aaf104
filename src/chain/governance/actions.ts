import { keccak256, toHex, type Account, type Hex, type PublicClient, type WalletClient } from "viem";
import { InputError, RejectedError } from "../../errors.ts";
import { portfolioGovernorAbi, portfolioTokenAbi } from "../../protocol/abi.ts";
import type { RegistryProposal } from "./buildRegistryProposal.ts";
import type { GovernanceDeployment } from "./deployment.ts";
import { findProposal, type ProposalInfo } from "./proposals.ts";
import { parseAccount, rejected } from "./revert.ts";

/** The clients every governance action uses; writes need a wallet client with an account. */
export interface GovernanceClients {
  readonly publicClient: PublicClient;
  readonly walletClient?: WalletClient;
}

function walletOf(clients: GovernanceClients): { wallet: WalletClient; account: Account } {
  const wallet = clients.walletClient;
  if (wallet?.account === undefined) {
    throw new InputError(
      "PRIVATE_KEY_MISSING",
      "set PORTFOLIO_PRIVATE_KEY to sign transactions",
      "PORTFOLIO_PRIVATE_KEY",
    );
  }
  return { wallet, account: wallet.account };
}

type GovernorWrite = "propose" | "queue" | "execute" | "castVote" | "castVoteWithReason";

async function sendGovernor(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  functionName: GovernorWrite,
  args: readonly unknown[],
): Promise<Hex> {
  const { wallet, account } = walletOf(clients);
  let hash: Hex;
  try {
    hash = await wallet.writeContract({
      address: deployment.contracts.PortfolioGovernor,
      abi: portfolioGovernorAbi,
      functionName,
      args: args as never,
      account,
      chain: wallet.chain ?? null,
    });
  } catch (error) {
    throw rejected("TRANSACTION_REVERTED", `governor.${functionName}`, error);
  }
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") {
    throw new RejectedError("TRANSACTION_REVERTED", `governor.${functionName} reverted in transaction ${hash}`);
  }
  return hash;
}

/**
 * Sends `propose` after checking that the signer holds the proposal threshold in votes.
 *
 * @returns The proposal id and transaction hash.
 */
export async function proposeRegistryChange(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  proposal: RegistryProposal,
): Promise<{ id: bigint; hash: Hex }> {
  const { account } = walletOf(clients);
  const client = clients.publicClient;
  const governor = deployment.contracts.PortfolioGovernor;
  // `propose` counts votes at its own clock − 1, which is at least the latest block: current votes.
  const [votes, threshold] = await Promise.all([
    client.readContract({
      address: deployment.contracts.PortfolioToken,
      abi: portfolioTokenAbi,
      functionName: "getVotes",
      args: [account.address],
    }),
    client.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "proposalThreshold" }),
  ]);
  if (votes < threshold) {
    throw new RejectedError(
      "PROPOSER_VOTES_INSUFFICIENT",
      `${account.address} has ${votes} votes (wei), the threshold is ${threshold}; delegate votes to it first (portfolio gov delegate)`,
    );
  }
  const hash = await sendGovernor(clients, deployment, "propose", [
    proposal.targets,
    proposal.values,
    proposal.calldatas,
    proposal.description,
  ]);
  const id = await client.readContract({
    address: governor,
    abi: portfolioGovernorAbi,
    functionName: "hashProposal",
    args: [proposal.targets, proposal.values, proposal.calldatas, keccak256(toHex(proposal.description))],
  });
  return { id, hash };
}

async function requireProposal(
  client: PublicClient,
  deployment: GovernanceDeployment,
  id: bigint,
  expected: ProposalInfo["state"],
): Promise<ProposalInfo> {
  const proposal = await findProposal(client, deployment, id);
  if (proposal === undefined) throw new InputError("PROPOSAL_UNKNOWN", `no proposal ${id} on this governor`, "--id");
  if (proposal.state !== expected) {
    throw new RejectedError("PROPOSAL_STATE", `proposal ${id} is ${proposal.state}, expected ${expected}`);
  }
  return proposal;
}

/** Vote choice of `castVote`: 0 = against, 1 = for, 2 = abstain (GovernorCountingSimple). */
export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

/** Casts the signer's vote on an active proposal. */
export async function castVote(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  id: bigint,
  support: keyof typeof SUPPORT,
  reason?: string,
): Promise<Hex> {
  await requireProposal(clients.publicClient, deployment, id, "Active");
  return reason === undefined
    ? sendGovernor(clients, deployment, "castVote", [id, SUPPORT[support]])
    : sendGovernor(clients, deployment, "castVoteWithReason", [id, SUPPORT[support], reason]);
}

/** Queues a succeeded proposal in the timelock; returns the transaction hash and the eta (unix seconds). */
export async function queueProposal(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  id: bigint,
): Promise<{ hash: Hex; eta: bigint }> {
  const p = await requireProposal(clients.publicClient, deployment, id, "Succeeded");
  const hash = await sendGovernor(clients, deployment, "queue", [p.targets, p.values, p.calldatas, p.descriptionHash]);
  const eta = await clients.publicClient.readContract({
    address: deployment.contracts.PortfolioGovernor,
    abi: portfolioGovernorAbi,
    functionName: "proposalEta",
    args: [id],
  });
  return { hash, eta };
}

/** Executes a queued proposal whose eta has passed. */
export async function executeProposal(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  id: bigint,
): Promise<Hex> {
  const p = await requireProposal(clients.publicClient, deployment, id, "Queued");
  const block = await clients.publicClient.getBlock({ blockTag: "latest" });
  if (p.eta !== null && block.timestamp < p.eta) {
    throw new RejectedError(
      "PROPOSAL_NOT_READY",
      `proposal ${id} can execute from ${new Date(Number(p.eta) * 1000).toISOString()} (eta ${p.eta}), ` +
        `${p.eta - block.timestamp} s from now`,
    );
  }
  return sendGovernor(clients, deployment, "execute", [p.targets, p.values, p.calldatas, p.descriptionHash]);
}

/** Delegates the signer's votes (to itself by default): tokens count as votes only once delegated. */
export async function delegateVotes(
  clients: GovernanceClients,
  deployment: GovernanceDeployment,
  to?: string,
): Promise<Hex> {
  const { wallet, account } = walletOf(clients);
  const delegatee = to === undefined ? account.address : parseAccount(to, "--to");
  let hash: Hex;
  try {
    hash = await wallet.writeContract({
      address: deployment.contracts.PortfolioToken,
      abi: portfolioTokenAbi,
      functionName: "delegate",
      args: [delegatee],
      account,
      chain: wallet.chain ?? null,
    });
  } catch (error) {
    throw rejected("TRANSACTION_REVERTED", "token.delegate", error);
  }
  await clients.publicClient.waitForTransactionReceipt({ hash });
  return hash;
}
