import {
  BaseError,
  ContractFunctionRevertedError,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  isAddress,
  keccak256,
  toHex,
  type Account,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { InputError, RejectedError } from "../../errors.ts";
import { governorAbi, modelRegistryAbi, tokenAbi } from "./abi.ts";
import type { GovernanceDeployment } from "./deployment.ts";
import { formatChanges } from "./format.ts";
import {
  checkBuild,
  diffConstraintSet,
  diffStrategyParameters,
  readConstraintSet,
  readStrategyParameters,
  type FieldChange,
} from "./parameters.ts";
import { findProposal, type ProposalInfo } from "./proposals.ts";
import { readCurrentConstraintSet, readCurrentParameters } from "./readStatus.ts";

/** The clients every governance action uses; writes need a wallet client with an account. */
export interface GovernanceClients {
  readonly publicClient: PublicClient;
  readonly walletClient?: WalletClient;
}

/** What a registry proposal should change. Files are JSON, see docs/governance.md. */
export interface RegistryChanges {
  readonly parametersFile?: string;
  readonly constraintsFile?: string;
  readonly pinBuild?: { readonly hash: string; readonly version: string };
  readonly addKeepers?: readonly string[];
  readonly removeKeepers?: readonly string[];
  readonly addViewSigners?: readonly string[];
  readonly removeViewSigners?: readonly string[];
}

/** A proposal ready to send: its actions, a readable diff, and the description voters will see. */
export interface RegistryProposal {
  readonly targets: readonly Address[];
  readonly values: readonly bigint[];
  readonly calldatas: readonly Hex[];
  readonly description: string;
  /** Human-readable diff of current → proposed values. */
  readonly diff: string;
}

function parseAccount(value: string, field: string): Address {
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}

/** Turns a viem revert into a RejectedError that names the contract's custom error. */
function rejected(code: string, what: string, error: unknown): RejectedError {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data) {
      const args = (revert.data.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
      return new RejectedError(code, `${what} reverts with ${revert.data.errorName}(${args.join(", ")})`, undefined, {
        cause: error,
      });
    }
    return new RejectedError(code, `${what} fails: ${error.shortMessage}`, undefined, { cause: error });
  }
  return new RejectedError(code, `${what} fails: ${(error as Error).message}`, undefined, { cause: error });
}

/**
 * Builds a registry proposal from the requested changes: reads the current values, merges the files
 * over them, validates against the registry's bounds (InputError naming the field), renders the diff,
 * and simulates every action as the timelock would call it (RejectedError naming the custom error).
 * Sends nothing.
 *
 * @example
 * ```ts
 * const proposal = await buildRegistryProposal(publicClient, deployment, { parametersFile: "params.json" });
 * process.stdout.write(proposal.diff);
 * ```
 */
export async function buildRegistryProposal(
  client: PublicClient,
  deployment: GovernanceDeployment,
  changes: RegistryChanges,
  description?: string,
): Promise<RegistryProposal> {
  const registry = deployment.contracts.ModelRegistry;
  const calldatas: Hex[] = [];
  const diffs: string[] = [];
  const summary: string[] = [];

  if (changes.pinBuild) {
    const { hash, version } = checkBuild(changes.pinBuild.hash, changes.pinBuild.version);
    const [currentHash, currentVersion] = await Promise.all([
      client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "optimizerBuildHash" }),
      client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "optimizerVersion" }),
    ]);
    const fieldChanges: FieldChange[] = [
      { field: "optimizerBuildHash", from: currentHash, to: hash },
      { field: "optimizerVersion", from: currentVersion, to: version },
    ].filter((c) => c.from.toLowerCase() !== c.to.toLowerCase());
    diffs.push(formatChanges("Pin optimiser build", fieldChanges));
    summary.push(`pin optimiser build ${version}`);
    calldatas.push(
      encodeFunctionData({ abi: modelRegistryAbi, functionName: "pinOptimizerBuild", args: [hash, version] }),
    );
  }
  if (changes.parametersFile !== undefined) {
    const current = await readCurrentParameters(client, registry);
    const next = readStrategyParameters(changes.parametersFile, current);
    const fieldChanges = diffStrategyParameters(current, next);
    if (fieldChanges.length === 0) {
      throw new InputError("PROPOSAL_NO_CHANGE", "the parameters equal the current ones", "--set-parameters");
    }
    const version = await client.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "parametersVersion",
    });
    diffs.push(formatChanges(`Strategy parameters (version ${version} → ${version + 1n})`, fieldChanges));
    summary.push(`set strategy parameters: ${fieldChanges.map((c) => `${c.field} ${c.from} → ${c.to}`).join("; ")}`);
    calldatas.push(encodeFunctionData({ abi: modelRegistryAbi, functionName: "setStrategyParameters", args: [next] }));
  }
  if (changes.constraintsFile !== undefined) {
    const current = await readCurrentConstraintSet(client, registry);
    const next = readConstraintSet(changes.constraintsFile, current);
    const fieldChanges = diffConstraintSet(current, next);
    if (fieldChanges.length === 0) {
      throw new InputError("PROPOSAL_NO_CHANGE", "the constraint set equals the current one", "--set-constraints");
    }
    const version = await client.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "constraintSetVersion",
    });
    diffs.push(formatChanges(`Constraint set (version ${version} → ${version + 1n})`, fieldChanges));
    summary.push(`set constraint set: ${fieldChanges.map((c) => `${c.field} ${c.from} → ${c.to}`).join("; ")}`);
    calldatas.push(encodeFunctionData({ abi: modelRegistryAbi, functionName: "setConstraintSet", args: [next] }));
  }
  const roleChanges = [
    ["addKeeper", changes.addKeepers, "--add-keeper", "keeper +"],
    ["removeKeeper", changes.removeKeepers, "--remove-keeper", "keeper −"],
    ["addViewSigner", changes.addViewSigners, "--add-signer", "view signer +"],
    ["removeViewSigner", changes.removeViewSigners, "--remove-signer", "view signer −"],
  ] as const;
  for (const [functionName, accounts, flag, label] of roleChanges) {
    for (const raw of accounts ?? []) {
      const account = parseAccount(raw, flag);
      diffs.push(`${label} ${account}\n`);
      summary.push(`${label} ${account}`);
      calldatas.push(encodeFunctionData({ abi: modelRegistryAbi, functionName, args: [account] }));
    }
  }
  if (calldatas.length === 0) {
    throw new InputError(
      "PROPOSAL_EMPTY",
      "nothing to propose: give --set-parameters, --set-constraints, --pin-build or a keeper/signer change",
    );
  }
  // Each action alone must pass the registry's own checks when the timelock makes it.
  for (const data of calldatas) {
    try {
      const { functionName, args } = decodeFunctionData({ abi: modelRegistryAbi, data });
      await client.simulateContract({
        account: deployment.contracts.TimelockController,
        address: registry,
        abi: modelRegistryAbi,
        functionName,
        args,
      } as Parameters<PublicClient["simulateContract"]>[0]);
    } catch (error) {
      throw rejected("PROPOSAL_WOULD_REVERT", "the proposed registry call", error);
    }
  }
  return {
    targets: calldatas.map(() => registry),
    values: calldatas.map(() => 0n),
    calldatas,
    description: description ?? `ModelRegistry: ${summary.join(" | ")}`,
    diff: diffs.join(""),
  };
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
      abi: governorAbi,
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
      abi: tokenAbi,
      functionName: "getVotes",
      args: [account.address],
    }),
    client.readContract({ address: governor, abi: governorAbi, functionName: "proposalThreshold" }),
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
    abi: governorAbi,
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
    abi: governorAbi,
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
      abi: tokenAbi,
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
