import type { Address, Hex, PublicClient } from "viem";
import { modelRegistryAbi, portfolioGovernorAbi, portfolioTimelockAbi } from "../../protocol/abi.ts";
import type { GovernanceDeployment } from "./deployment.ts";
import { listProposals, OPEN_STATES, type ProposalInfo } from "./proposals.ts";
import type { ConstraintSet, StrategyParameters } from "./types.ts";

/** What `portfolio gov status` shows. Durations in seconds, amounts in token wei, fractions in WAD. */
export interface GovernanceStatus {
  readonly registry: {
    readonly address: Address;
    readonly owner: Address;
    readonly guardian: Address;
    readonly paused: boolean;
    readonly optimizerBuildHash: Hex;
    readonly optimizerVersion: string;
    readonly parametersVersion: bigint;
    readonly parameters: StrategyParameters;
    readonly constraintSetVersion: bigint;
    readonly constraintSet: ConstraintSet;
    readonly viewSigners: readonly Address[];
    readonly keepers: readonly Address[];
    readonly auditHead: Hex;
    readonly auditCount: bigint;
  };
  readonly governance: {
    readonly timelockDelay: bigint;
    readonly votingDelay: bigint;
    readonly votingPeriod: bigint;
    readonly proposalThreshold: bigint;
    /** Unix seconds of the latest block. */
    readonly now: bigint;
  };
  /** Proposals still open (Pending, Active, Succeeded, Queued), or all of them when asked. */
  readonly proposals: readonly ProposalInfo[];
}

/** Reads the registry's current strategy parameters. */
export async function readCurrentParameters(client: PublicClient, registry: Address): Promise<StrategyParameters> {
  return client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "strategyParameters" });
}

/** Reads the registry's current constraint set. */
export async function readCurrentConstraintSet(client: PublicClient, registry: Address): Promise<ConstraintSet> {
  return client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "constraintSet" });
}

/**
 * Reads the registry, the governor's settings and the proposals of a deployment.
 *
 * @example
 * ```ts
 * const status = await readGovernanceStatus(client, readDeployment("deployments/localhost.json"));
 * console.log(formatGovernanceStatus(status));
 * ```
 */
export async function readGovernanceStatus(
  client: PublicClient,
  deployment: GovernanceDeployment,
  { all = false }: { all?: boolean } = {},
): Promise<GovernanceStatus> {
  const registry = deployment.contracts.ModelRegistry;
  const governor = deployment.contracts.PortfolioGovernor;
  const read = (functionName: RegistryView): Promise<unknown> => readRegistry(client, functionName, registry);
  const [
    owner,
    guardian,
    paused,
    optimizerBuildHash,
    optimizerVersion,
    parametersVersion,
    parameters,
    constraintSetVersion,
    constraintSet,
    viewSigners,
    keepers,
    auditHead,
    auditCount,
  ] = await Promise.all([
    read("owner"),
    read("guardian"),
    read("paused"),
    read("optimizerBuildHash"),
    read("optimizerVersion"),
    read("parametersVersion"),
    read("strategyParameters"),
    read("constraintSetVersion"),
    read("constraintSet"),
    read("viewSigners"),
    read("keepers"),
    read("auditHead"),
    read("auditCount"),
  ]);
  const [timelockDelay, votingDelay, votingPeriod, proposalThreshold, block, proposals] = await Promise.all([
    client.readContract({
      address: deployment.contracts.TimelockController,
      abi: portfolioTimelockAbi,
      functionName: "getMinDelay",
    }),
    client.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "votingDelay" }),
    client.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "votingPeriod" }),
    client.readContract({ address: governor, abi: portfolioGovernorAbi, functionName: "proposalThreshold" }),
    client.getBlock({ blockTag: "latest" }),
    listProposals(client, deployment),
  ]);
  return {
    registry: {
      address: registry,
      owner: owner as Address,
      guardian: guardian as Address,
      paused: paused as boolean,
      optimizerBuildHash: optimizerBuildHash as Hex,
      optimizerVersion: optimizerVersion as string,
      parametersVersion: parametersVersion as bigint,
      parameters: parameters as StrategyParameters,
      constraintSetVersion: constraintSetVersion as bigint,
      constraintSet: constraintSet as ConstraintSet,
      viewSigners: viewSigners as readonly Address[],
      keepers: keepers as readonly Address[],
      auditHead: auditHead as Hex,
      auditCount: auditCount as bigint,
    },
    governance: { timelockDelay, votingDelay, votingPeriod, proposalThreshold, now: block.timestamp },
    proposals: all ? proposals : proposals.filter((p) => OPEN_STATES.includes(p.state)),
  };
}

type RegistryView =
  | "owner"
  | "guardian"
  | "paused"
  | "optimizerBuildHash"
  | "optimizerVersion"
  | "parametersVersion"
  | "strategyParameters"
  | "constraintSetVersion"
  | "constraintSet"
  | "viewSigners"
  | "keepers"
  | "auditHead"
  | "auditCount";

function readRegistry(client: PublicClient, functionName: RegistryView, address: Address): Promise<unknown> {
  return client.readContract({ address, abi: modelRegistryAbi, functionName });
}
