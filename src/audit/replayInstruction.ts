// `portfolio audit replay`: re-runs the pinned optimiser on the content-addressed inputs of one
// settled instruction and compares its weights with the on-chain record (docs/keeper.md, "Replay").
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodePacked, keccak256, parseEventLogs, type Address, type Hex, type PublicClient } from "viem";
import { InputError, RejectedError } from "../errors.ts";
import { modelRegistryAbi, settlementAbi } from "../protocol/abi.ts";
import { importBundle } from "../protocol/bundle.ts";
import { weightsToWad } from "../protocol/fixedPoint.ts";
import {
  EMPTY_VIEW_SET_COMMITMENT,
  INPUT_FILES,
  buildProblem,
  loadInputs,
  type InputsManifest,
  parseConstraintSetJson,
  sha256Hex,
} from "../protocol/inputs.ts";
import { MemoryNonceStore } from "../views/nonceStore.ts";
import { parseSignedViewSetFile } from "../views/signedViewSet.ts";
import { RegistrySignerAuthority } from "../views/signerAuthority.ts";
import { toVerifiedViewSet } from "../views/toVerifiedViewSet.ts";
import { verifyViews } from "../views/verifyViews.ts";
import { OPTIMIZER_BUNDLE_PATH } from "../protocol/optimizerBundle.ts";
import { decodeConstraintLimits, decodeStrategyParameters } from "../protocol/registry.ts";
import { legacyViewsProblem } from "./legacyProblem.ts";
import { recordedAcceptedViews } from "./replayViews.ts";

/** Parameters of {@link replayInstruction}. */
export interface ReplayInstructionParameters {
  readonly settlement: Address;
  readonly instructionId: Hex;
  /** Root of the keeper's content-addressed inputs. */
  readonly inputsDir: string;
  /** Candidate bundle files; the one whose sha256 is the recorded build hash is run. */
  readonly bundles?: readonly string[];
  readonly fromBlock?: bigint;
}

/** What {@link replayInstruction} found. */
export interface ReplayReport {
  readonly instructionId: Hex;
  readonly portfolio: Address;
  readonly inputsHash: Hex;
  readonly buildHash: Hex;
  readonly bundle: string;
  /** keccak256(abi.encodePacked(uint256[] targetWeights)) as recorded on chain. */
  readonly onChainWeightsHash: Hex;
  /** The same hash over the replayed weights converted with `weightsToWad`. */
  readonly replayedWeightsHash: Hex;
  readonly onChainWeights: readonly string[];
  readonly replayedWeights: readonly string[];
  readonly match: boolean;
}

/**
 * Replays one instruction: reads its `PortfolioOptimized` event (targets, inputsHash, build hash),
 * loads `<inputsDir>/<inputsHash>/` and checks every file against the recorded inputsHash (market
 * data, view-set commitment, parameter and constraint-set versions), the constraint-set JSON against
 * the registry's contentHash of that version, the accepted views (the manifest's
 * `acceptedViewDigests`, checked at its `registryReadBlock` by `recordedAcceptedViews`, with the
 * registry's versions at that block; for a manifest without them, the legacy re-verification at the
 * settlement block's time), and the stored problem against the one rebuilt from
 * those inputs (or its legacy form, `legacyViewsProblem`, for files stored before
 * `blackLitterman.verifiedViews`); then runs the bundle whose sha256 is the recorded build hash and compares the weights
 * (1e18 fixed point by `weightsToWad`, as the keeper converted them) with the on-chain targets.
 * Tampered inputs throw {@link RejectedError} `INPUTS_TAMPERED`; different weights give `match: false`.
 *
 * @example
 * ```ts
 * const report = await replayInstruction(client, { settlement, instructionId, inputsDir: "out/inputs", bundles: ["dist/optimizer.mjs"] });
 * ```
 */
export async function replayInstruction(client: PublicClient, p: ReplayInstructionParameters): Promise<ReplayReport> {
  const logs = await client.getLogs({ address: p.settlement, fromBlock: p.fromBlock ?? 0n, toBlock: "latest" });
  const event = parseEventLogs({ abi: settlementAbi, logs, eventName: "PortfolioOptimized" }).find(
    (e) => e.args.id.toLowerCase() === p.instructionId.toLowerCase(),
  );
  if (event === undefined) {
    throw new InputError(
      "INSTRUCTION_NOT_FOUND",
      `no PortfolioOptimized event for ${p.instructionId}`,
      "--instruction",
    );
  }
  const { inputsHash, optimiserBuildHash: buildHash, targetWeights, portfolio } = event.args;
  const inputs = await loadInputs(p.inputsDir, inputsHash);
  const { manifest } = inputs;

  // The registry state the keeper read, by version.
  const registry = await client.readContract({ address: p.settlement, abi: settlementAbi, functionName: "registry" });
  const params = await client.readContract({
    address: registry,
    abi: modelRegistryAbi,
    functionName: "strategyParametersAt",
    args: [BigInt(manifest.parametersVersion)],
  });
  const limits = await client.readContract({
    address: registry,
    abi: modelRegistryAbi,
    functionName: "constraintSetAt",
    args: [BigInt(manifest.constraintSetVersion)],
  });
  if (sha256Hex(inputs.constraintSet) !== limits.contentHash.toLowerCase()) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      `does not hash to the registry's contentHash ${limits.contentHash} (version ${manifest.constraintSetVersion})`,
      INPUT_FILES.constraintSet,
    );
  }

  // Views: those the manifest records as accepted, checked at the block the registry was read at;
  // a manifest from before that record (no registryReadBlock) takes the legacy path.
  const chainId = await client.getChainId();
  let verifiedViews: ReturnType<typeof toVerifiedViewSet>;
  if (manifest.registryReadBlock !== undefined && manifest.acceptedViewDigests !== undefined) {
    const registryReadBlock = BigInt(manifest.registryReadBlock);
    await checkVersionsAt(client, registry, registryReadBlock, manifest);
    const accepted = await recordedAcceptedViews(client, {
      chainId,
      registry,
      registryReadBlock,
      settlementBlock: event.blockNumber,
      acceptedViewDigests: manifest.acceptedViewDigests,
      viewSetCommitment: manifest.viewSetCommitment,
      viewSetText: inputs.viewSet,
    });
    verifiedViews = toVerifiedViewSet(accepted, manifest.viewSetCommitment);
  } else {
    verifiedViews = await legacyVerifiedViews(client, {
      chainId,
      registry,
      settlementBlock: event.blockNumber,
      viewSetText: inputs.viewSet,
      viewSetCommitment: manifest.viewSetCommitment,
    });
  }

  const rebuilt = buildProblem({
    assets: manifest.assets,
    parameters: decodeStrategyParameters(params),
    limits: decodeConstraintLimits(limits),
    constraintSet: parseConstraintSetJson(inputs.constraintSet, INPUT_FILES.constraintSet),
    currentWeights: manifest.currentWeights,
    verifiedViews,
  });
  const asStored = (problem: Record<string, unknown> | null): boolean =>
    problem !== null && `${JSON.stringify(problem, null, 2)}\n` === inputs.problem;
  // A problem stored before verified views had their own field carries them in `views`.
  if (!asStored(rebuilt) && !asStored(legacyViewsProblem(rebuilt))) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      "differs from the problem rebuilt from the committed inputs",
      INPUT_FILES.problem,
    );
  }

  // The bundle pinned at the time.
  const candidates = [
    ...(p.bundles ?? []),
    OPTIMIZER_BUNDLE_PATH,
    join(p.inputsDir, "bundles", `${buildHash.slice(2)}.mjs`),
  ];
  let bundle: { path: string; bytes: Buffer } | undefined;
  for (const path of candidates) {
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes !== undefined && sha256Hex(bytes) === buildHash.toLowerCase()) {
      bundle = { path, bytes };
      break;
    }
  }
  if (bundle === undefined) {
    throw new RejectedError(
      "BUNDLE_NOT_FOUND",
      `no bundle with sha256 ${buildHash} among ${candidates.join(", ")}`,
      "--bundle",
    );
  }
  const optimizer = await importBundle(bundle.bytes, buildHash, join(p.inputsDir, "bundles"));
  const result = optimizer.optimize(JSON.parse(inputs.problem), {
    files: { [INPUT_FILES.marketData]: Buffer.from(inputs.marketData).toString("utf8") },
  });
  if (result.status !== "optimal") {
    throw new RejectedError("REPLAY_NOT_OPTIMAL", `the optimiser returned ${result.status}`, INPUT_FILES.problem);
  }
  const replayed = weightsToWad(result.weights);
  const onChainWeightsHash = keccak256(encodePacked(["uint256[]"], [[...targetWeights]]));
  const replayedWeightsHash = keccak256(encodePacked(["uint256[]"], [replayed]));
  return {
    instructionId: p.instructionId,
    portfolio,
    inputsHash,
    buildHash,
    bundle: bundle.path,
    onChainWeightsHash,
    replayedWeightsHash,
    onChainWeights: targetWeights.map(String),
    replayedWeights: replayed.map(String),
    match: onChainWeightsHash === replayedWeightsHash,
  };
}

/**
 * The registry's current versions at `registryReadBlock` must be the recorded ones: the keeper read
 * them there, so a manifest that names another block or version is not the keeper's record.
 */
async function checkVersionsAt(
  client: PublicClient,
  registry: Address,
  blockNumber: bigint,
  manifest: InputsManifest,
): Promise<void> {
  const at = { address: registry, abi: modelRegistryAbi, blockNumber } as const;
  const [parametersVersion, constraintSetVersion] = await Promise.all([
    client.readContract({ ...at, functionName: "parametersVersion" }),
    client.readContract({ ...at, functionName: "constraintSetVersion" }),
  ]);
  const recorded = `${manifest.parametersVersion}/${manifest.constraintSetVersion}`;
  if (`${parametersVersion}/${constraintSetVersion}` !== recorded) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      `parameters/constraint-set versions at block ${blockNumber} are ${parametersVersion}/${constraintSetVersion}, the manifest records ${recorded}`,
      INPUT_FILES.manifest,
    );
  }
}

/**
 * Legacy path, for manifests without `registryReadBlock`/`acceptedViewDigests`: re-verifies the
 * stored view set at the settlement block's time with an empty nonce store and the registry's
 * current signers. It can disagree with what the keeper accepted (a nonce the keeper's store had
 * seen, a signer removed since), which then shows as `INPUTS_TAMPERED`.
 */
async function legacyVerifiedViews(
  client: PublicClient,
  p: {
    chainId: number;
    registry: Address;
    settlementBlock: bigint;
    viewSetText: string;
    viewSetCommitment: Hex;
  },
): Promise<ReturnType<typeof toVerifiedViewSet>> {
  const viewJson = JSON.parse(p.viewSetText) as unknown;
  if (viewJson === null) {
    if (p.viewSetCommitment !== EMPTY_VIEW_SET_COMMITMENT) {
      throw new RejectedError(
        "INPUTS_TAMPERED",
        "no view set stored but the commitment is not empty",
        INPUT_FILES.viewSet,
      );
    }
    return toVerifiedViewSet([], EMPTY_VIEW_SET_COMMITMENT);
  }
  const block = await client.getBlock({ blockNumber: p.settlementBlock });
  const verified = await verifyViews(parseSignedViewSetFile(viewJson, INPUT_FILES.viewSet), {
    chainId: p.chainId,
    registry: p.registry,
    now: block.timestamp,
    authority: new RegistrySignerAuthority(client, p.registry),
    nonces: new MemoryNonceStore(),
    erc1271: client,
    commit: false,
  });
  const commitment = verified.accepted.length === 0 ? EMPTY_VIEW_SET_COMMITMENT : verified.commitment;
  if (commitment !== p.viewSetCommitment) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      `accepted views commit to ${commitment}, recorded ${p.viewSetCommitment}`,
      INPUT_FILES.viewSet,
    );
  }
  return toVerifiedViewSet(verified.accepted, commitment);
}
