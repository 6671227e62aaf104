import { decodeFunctionData, encodeFunctionData, type Address, type Hex, type PublicClient } from "viem";
import { InputError } from "../../errors.ts";
import { modelRegistryAbi } from "../../protocol/abi.ts";
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
import { readCurrentConstraintSet, readCurrentParameters } from "./readStatus.ts";
import { parseAccount, rejected } from "./revert.ts";

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
