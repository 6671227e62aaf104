import { decodeFunctionData, erc20Abi, type Address, type Hex, type PublicClient } from "viem";
import { modelRegistryAbi, portfolioVaultAbi } from "../../protocol/abi.ts";
import { buildProblem, EMPTY_VIEW_SET_COMMITMENT, type ConstraintSetJson } from "../../protocol/inputs.ts";
import { decodeConstraintLimits, decodeStrategyParameters } from "../../protocol/registry.ts";
import { readConstraintSet, readStrategyParameters } from "./parameters.ts";
import { readCurrentConstraintSet, readCurrentParameters } from "./readStatus.ts";
import type { ConstraintSet, StrategyParameters } from "./types.ts";

/** What a proposal's backtest compares: the keeper's problem now and under the proposal. */
export interface ProposalProblems {
  readonly current: Record<string, unknown>;
  readonly proposed: Record<string, unknown>;
  /**
   * The registry's constraint-set `contentHash` in force, and the one the proposal sets (the same
   * when it sets none): the sha256 the constraint-set JSON of each side must have.
   */
  readonly contentHashes: { readonly current: Hex; readonly proposed: Hex };
}

/** How {@link proposalProblems} builds both problems. */
export interface ProposalProblemsParameters {
  /** `--set-parameters` / `--set-constraints` files, merged over the registry's values as the proposal is. */
  readonly parametersFile?: string;
  readonly constraintsFile?: string;
  /** Asset symbols in vault order (the price columns the backtest reads). */
  readonly assets: readonly string[];
  /** The off-chain constraint-set JSON the registry's `uri` names, the same on both sides. */
  readonly constraintSet: ConstraintSetJson;
  /** The proposal's constraint-set JSON when it differs from the one in force (default: the same). */
  readonly proposedConstraintSet?: ConstraintSetJson;
}

function problemOf(
  p: StrategyParameters,
  c: ConstraintSet,
  assets: readonly string[],
  constraintSet: ConstraintSetJson,
): Record<string, unknown> {
  return buildProblem({
    assets,
    parameters: decodeStrategyParameters(p),
    limits: decodeConstraintLimits(c),
    constraintSet,
    // The backtest replaces these by each date's drifted weights and drops the turnover limit on
    // the first allocation (src/backtest/problemAt.ts), so the starting value does not matter.
    currentWeights: assets.map(() => 1 / assets.length),
    // Views are signed for one cycle; a backtest over years cannot replay them, so both sides run
    // on the prior alone.
    verifiedViews: { commitment: EMPTY_VIEW_SET_COMMITMENT, views: [] },
  });
}

/**
 * The problem the keeper would optimise under the registry's current strategy parameters and
 * constraint limits, and under the proposed ones (`buildProblem`, src/protocol/inputs.ts), for a
 * proposal's evidence backtest.
 *
 * @example
 * ```ts
 * const { current, proposed } = await proposalProblems(client, registry, { parametersFile: "params.json", assets: ["WETH", "WBTC"], constraintSet: {} });
 * ```
 */
export async function proposalProblems(
  client: PublicClient,
  registry: Address,
  p: ProposalProblemsParameters,
): Promise<ProposalProblems> {
  const [parameters, constraints] = await Promise.all([
    readCurrentParameters(client, registry),
    readCurrentConstraintSet(client, registry),
  ]);
  const nextParameters =
    p.parametersFile === undefined ? parameters : readStrategyParameters(p.parametersFile, parameters);
  const nextConstraints =
    p.constraintsFile === undefined ? constraints : readConstraintSet(p.constraintsFile, constraints);
  return {
    current: problemOf(parameters, constraints, p.assets, p.constraintSet),
    proposed: problemOf(nextParameters, nextConstraints, p.assets, p.proposedConstraintSet ?? p.constraintSet),
    contentHashes: { current: constraints.contentHash, proposed: nextConstraints.contentHash },
  };
}

/**
 * The problems a sent proposal's evidence must have backtested: the registry's values at the block
 * of its `ProposalCreated` log (what was current when it was proposed), and those values with the
 * proposal's `setStrategyParameters` / `setConstraintSet` actions applied. A voter compares them
 * with the report's problems, so evidence for some other change cannot pass as this proposal's.
 *
 * @example
 * ```ts
 * const { current, proposed } = await proposalProblemsAt(client, registry, proposal, { assets, constraintSet: {} });
 * ```
 */
export async function proposalProblemsAt(
  client: PublicClient,
  registry: Address,
  proposal: { readonly blockNumber: bigint; readonly targets: readonly Address[]; readonly calldatas: readonly Hex[] },
  p: Pick<ProposalProblemsParameters, "assets" | "constraintSet" | "proposedConstraintSet">,
): Promise<ProposalProblems> {
  const at = { address: registry, abi: modelRegistryAbi, blockNumber: proposal.blockNumber } as const;
  const [parameters, constraints] = await Promise.all([
    client.readContract({ ...at, functionName: "strategyParameters" }),
    client.readContract({ ...at, functionName: "constraintSet" }),
  ]);
  let nextParameters: StrategyParameters = parameters;
  let nextConstraints: ConstraintSet = constraints;
  proposal.calldatas.forEach((data, i) => {
    if (proposal.targets[i]?.toLowerCase() !== registry.toLowerCase()) return;
    try {
      const call = decodeFunctionData({ abi: modelRegistryAbi, data });
      if (call.functionName === "setStrategyParameters") nextParameters = call.args[0];
      if (call.functionName === "setConstraintSet") nextConstraints = call.args[0];
    } catch {
      // Another contract's call: it changes no problem.
    }
  });
  return {
    current: problemOf(parameters, constraints, p.assets, p.constraintSet),
    proposed: problemOf(nextParameters, nextConstraints, p.assets, p.proposedConstraintSet ?? p.constraintSet),
    contentHashes: { current: constraints.contentHash, proposed: nextConstraints.contentHash },
  };
}

/**
 * The vault's asset symbols in vault order, as the keeper reads them (src/keeper/cycle/chainState.ts):
 * the problem's `assets`, which name the price columns a backtest reads.
 *
 * @example
 * ```ts
 * const assets = await vaultAssets(client, deployment.contracts.PortfolioVault); // ["USDC", "AAPL", …]
 * ```
 */
export async function vaultAssets(client: PublicClient, vault: Address, blockNumber?: bigint): Promise<string[]> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const [tokens] = await client.readContract({
    address: vault,
    abi: portfolioVaultAbi,
    functionName: "holdings",
    ...at,
  });
  return Promise.all(
    tokens.map((token) => client.readContract({ address: token, abi: erc20Abi, functionName: "symbol", ...at })),
  );
}
