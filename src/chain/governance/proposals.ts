import {
  decodeFunctionData,
  encodeAbiParameters,
  keccak256,
  parseAbiParameters,
  toHex,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import {
  chainlinkPriceOracleAbi,
  modelRegistryAbi,
  portfolioGovernorAbi,
  portfolioTimelockAbi,
  portfolioTokenAbi,
  portfolioVaultAbi,
  settlementAbi,
  uniswapV2AdapterAbi,
} from "../../protocol/abi.ts";
import { PROPOSAL_STATES, type ProposalStateName } from "./abi.ts";
import type { GovernanceDeployment } from "./deployment.ts";

/** A proposal as the governor's `ProposalCreated` log and its current state describe it. */
export interface ProposalInfo {
  readonly id: bigint;
  readonly proposer: Address;
  /** Block of the `ProposalCreated` log: where the registry's values the proposal changes are read. */
  readonly blockNumber: bigint;
  readonly description: string;
  readonly descriptionHash: Hex;
  readonly targets: readonly Address[];
  readonly values: readonly bigint[];
  readonly calldatas: readonly Hex[];
  readonly state: ProposalStateName;
  /** Unix seconds from which voting is open / after which it closes (the token's clock is timestamps). */
  readonly voteStart: bigint;
  readonly voteEnd: bigint;
  /** Unix seconds from which a queued proposal can execute; `null` unless queued or executed. */
  readonly eta: bigint | null;
  /** Votes in token wei (18 decimals). */
  readonly votes: { readonly for: bigint; readonly against: bigint; readonly abstain: bigint };
  /** The proposal's timelock operation id: what the guardian passes to `timelock.cancel`. */
  readonly operationId: Hex;
  /** What each action does, e.g. `ModelRegistry.setStrategyParameters`. */
  readonly actions: readonly string[];
}

/**
 * The timelock operation id `GovernorTimelockControl` schedules for a proposal:
 * `hashOperationBatch(targets, values, calldatas, 0x0, salt)` with `salt = bytes20(governor) ^ descriptionHash`.
 */
export function timelockOperationId(
  governor: Address,
  targets: readonly Address[],
  values: readonly bigint[],
  calldatas: readonly Hex[],
  descriptionHash: Hex,
): Hex {
  const salt = (BigInt(governor) << 96n) ^ BigInt(descriptionHash);
  return keccak256(
    encodeAbiParameters(parseAbiParameters("address[], uint256[], bytes[], bytes32, bytes32"), [
      targets,
      values,
      calldatas,
      `0x${"00".repeat(32)}`,
      toHex(salt, { size: 32 }),
    ]),
  );
}

/** States from which a proposal can still change the registry. */
export const OPEN_STATES: readonly ProposalStateName[] = ["Pending", "Active", "Succeeded", "Queued"];

function describeAction(target: Address, data: Hex, deployment: GovernanceDeployment): string {
  const names: Record<string, string> = Object.fromEntries(
    Object.entries(deployment.contracts).map(([name, address]) => [String(address).toLowerCase(), name]),
  );
  const targetName = names[target.toLowerCase()] ?? target;
  return `${targetName}.${functionNameOf(data) ?? data.slice(0, 10)}`;
}

/**
 * The ABIs a proposal's calls are decoded with: every contract a governance proposal targets
 * (the registry, and the vault, settlement, oracle, venue adapter and timelock it wires).
 */
const PROPOSAL_TARGET_ABIS: readonly Abi[] = [
  modelRegistryAbi,
  portfolioVaultAbi,
  settlementAbi,
  chainlinkPriceOracleAbi,
  uniswapV2AdapterAbi,
  portfolioTimelockAbi,
  portfolioGovernorAbi,
  portfolioTokenAbi,
];

/** The function a call's selector names in one of {@link PROPOSAL_TARGET_ABIS}, else undefined. */
function functionNameOf(data: Hex): string | undefined {
  for (const abi of PROPOSAL_TARGET_ABIS) {
    try {
      return decodeFunctionData({ abi, data }).functionName;
    } catch {
      // not this contract's function (or its arguments do not decode): try the next ABI
    }
  }
  return undefined;
}

/**
 * Reads every proposal of the deployment's governor from its `ProposalCreated` logs, with current
 * state, eta and votes.
 *
 * @example
 * ```ts
 * const open = (await listProposals(client, deployment)).filter((p) => OPEN_STATES.includes(p.state));
 * ```
 */
export async function listProposals(client: PublicClient, deployment: GovernanceDeployment): Promise<ProposalInfo[]> {
  const governor = deployment.contracts.PortfolioGovernor;
  const logs = await client.getContractEvents({
    address: governor,
    abi: portfolioGovernorAbi,
    eventName: "ProposalCreated",
    fromBlock: BigInt(deployment.blockNumber),
    toBlock: "latest",
    strict: true,
  });
  return Promise.all(
    logs.map(async (log): Promise<ProposalInfo> => {
      const a = log.args;
      const [state, eta, [against, forVotes, abstain]] = await Promise.all([
        client.readContract({
          address: governor,
          abi: portfolioGovernorAbi,
          functionName: "state",
          args: [a.proposalId],
        }),
        client.readContract({
          address: governor,
          abi: portfolioGovernorAbi,
          functionName: "proposalEta",
          args: [a.proposalId],
        }),
        client.readContract({
          address: governor,
          abi: portfolioGovernorAbi,
          functionName: "proposalVotes",
          args: [a.proposalId],
        }),
      ]);
      const descriptionHash = keccak256(toHex(a.description));
      return {
        id: a.proposalId,
        proposer: a.proposer,
        blockNumber: log.blockNumber,
        description: a.description,
        descriptionHash,
        operationId: timelockOperationId(governor, a.targets, a.values, a.calldatas, descriptionHash),
        targets: a.targets,
        values: a.values,
        calldatas: a.calldatas,
        state: PROPOSAL_STATES[state] ?? "Pending",
        voteStart: a.voteStart,
        voteEnd: a.voteEnd,
        eta: eta === 0n ? null : eta,
        votes: { for: forVotes, against, abstain },
        actions: a.targets.map((t, i) => describeAction(t, a.calldatas[i] ?? "0x", deployment)),
      };
    }),
  );
}

/** Finds one proposal by id; `undefined` if the governor never emitted it. */
export async function findProposal(
  client: PublicClient,
  deployment: GovernanceDeployment,
  id: bigint,
): Promise<ProposalInfo | undefined> {
  return (await listProposals(client, deployment)).find((p) => p.id === id);
}
