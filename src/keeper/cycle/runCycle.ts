// One keeper cycle: chain state → verified views → problem → pinned optimiser → legs → instruction
// → simulate → submit → confirm → record. docs/keeper.md ("The cycle") walks through it; each step
// lives in its own module (cycleChainState, cycleViews, cycleInputs, cyclePlan, cycleSubmit,
// cycleExecution, cyclePublish).
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError, RejectedError } from "../../errors.ts";
import { toVerifiedViewSet } from "../../views/toVerifiedViewSet.ts";
import { importBundle, readBundle, type OptimizerModule } from "../../protocol/bundle.ts";
import { instructionStatus } from "../../protocol/instructionStatus.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { readConstraintSet } from "./constraintSetFile.ts";
import { readCycleBlock, readRegistryState, readVaultState } from "./chainState.ts";
import { settledExecution } from "./execution.ts";
import {
  INPUT_FILES,
  buildProblem,
  inputsHash as computeInputsHash,
  inputsDirectory,
  instructionId,
  parseConstraintSetJson,
  sha256Hex,
  storeInputs,
} from "../../protocol/inputs.ts";
import type { CycleExecution } from "./metrics.ts";
import { optimizeCycle, planCycleLegs } from "./plan.ts";
import { publishAlert, publishMetrics } from "./publish.ts";
import { submitInstruction } from "./submit.ts";
import type { CycleReport, KeeperCycleContext } from "./types.ts";
import { commitViews, gatherViews } from "./views.ts";
import { withRetry, type WithRetryOptions } from "../retry.ts";
import { verifyRiskBudgets } from "./riskBudgets.ts";

export { importBundle, readConstraintSet, type OptimizerModule };
export { revertName } from "./submit.ts";
export type { CycleReport, KeeperCycleContext } from "./types.ts";

/**
 * Runs one keeper cycle against the chain and returns what happened. Refusals are typed errors:
 * {@link RejectedError} `BUILD_HASH_MISMATCH` (local bundle ≠ pinned build), `CONSTRAINT_SET_HASH_MISMATCH`,
 * `NOT_KEEPER`, `RISK_BUDGETS_MISMATCH` (constraint-set ERC budgets ≠ the registry's riskBudgetsHash),
 * `RISK_BUDGET_EXCEEDED` (optimised volatility above the registry's budget; alerted),
 * `SIMULATION_REVERTED` (e.g. a leg's minAmountOut unreachable: nothing sent); {@link InfeasibleError}
 * when the optimiser finds no solution (alerted). A rerun after a crash, or a second keeper on the
 * same inputs, ends as `already-settled`, never as a second settlement.
 *
 * @example
 * ```ts
 * const report = await runKeeperCycle({
 *   client, account: loadKeeperAccount(), deployment: readKeeperDeployment("deployments/localhost.json"),
 *   pricesPath: "prices.csv", bundlePath: "dist/optimizer.mjs", inputsDir: "out/inputs",
 *   nonces: new FileNonceStore("state/view-nonces.json"), logger: cycleLogger(createKeeperLogger()),
 * });
 * ```
 */
export async function runKeeperCycle(ctx: KeeperCycleContext): Promise<CycleReport> {
  const started = (ctx.now ?? Date.now)();
  const cycleId = randomUUID();
  const log = ctx.logger.child({ cycleId });
  const retry: WithRetryOptions = {
    ...ctx.retry,
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    onRetry: (e) => log.warn({ attempt: e.attempt, delayMs: e.delayMs, err: String(e.error) }, "RPC failed, retrying"),
  };
  const { client, deployment } = ctx;
  const read = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, retry);
  const portfolio = deployment.vault;

  // 1. Chain state: the deployment's addresses hold the expected contracts (exit 2, naming the
  // address, instead of a decode dump); registry and oracle behind the settlement, parameters,
  // constraint set.
  await verifyDeployment(client, { keeper: deployment }, ctx.deploymentSource ?? "deployment", { read });
  // The cycle's clock is the chain's: views are verified at this block's timestamp, and the registry
  // (versions, parameters, limits, signers) is read at its number, recorded as registryReadBlock so
  // replay reads the very same state.
  const block = await readCycleBlock(client, read);
  const chainTimestamp = Number(block.timestamp);
  const chain = await readRegistryState(client, deployment.settlement, ctx.account, read, block.number);
  const { chainId, registry, parameters, limits, parametersVersion, constraintSetVersion } = chain;

  // 2. The pinned optimiser: hash the local bundle's bytes and run exactly those bytes.
  const bundleBytes = await readBundle(ctx.bundlePath);
  const buildHash = sha256Hex(bundleBytes);
  if (buildHash !== chain.pinned.toLowerCase()) {
    await publishAlert(ctx.bus, log, {
      kind: "keeper",
      severity: "critical",
      portfolio,
      message: `optimiser bundle ${buildHash} is not the pinned build ${chain.pinned}`,
    });
    throw new RejectedError(
      "BUILD_HASH_MISMATCH",
      `sha256 ${buildHash} differs from the registry's pinned build hash ${chain.pinned}`,
      ctx.bundlePath,
    );
  }
  const optimizer = await importBundle(bundleBytes, buildHash, join(ctx.inputsDir, "bundles"));
  const constraintText = await readConstraintSet(
    chain.constraintSetUri,
    chain.constraintSetHash,
    ctx.constraintSetBaseDir,
  );
  const constraintSet = parseConstraintSetJson(constraintText, chain.constraintSetUri);

  // 3. Holdings and oracle prices; pinned ERC budgets are checked before anything is stored or sent.
  const { holdings, prices, assets, currentWeights } = await readVaultState(client, portfolio, chain.oracle, read);
  const riskBudgets = verifyRiskBudgets(
    constraintSet.riskBudgets,
    assets,
    chain.riskBudgetsHash,
    `${chain.constraintSetUri}.riskBudgets`,
  );
  if (riskBudgets !== undefined) log.info({ riskBudgets }, "risk budgets match the registry");

  // 4. Signed views from the bus (latest view set), verified against the registry, not yet committed.
  const { viewSetText, accepted, acceptedDigests, rejected, commitment } = await gatherViews(
    ctx,
    log,
    chainId,
    registry,
    block,
  );

  // 5. Inputs, their hash, and the problem.
  const marketData = await readFile(ctx.pricesPath).catch((cause: unknown) => {
    throw new InputError("PRICES_UNREADABLE", `cannot read ${ctx.pricesPath}`, "--prices", { cause });
  });
  const marketDataHash = sha256Hex(marketData);
  const hash = computeInputsHash({
    viewSetCommitment: commitment,
    parametersVersion,
    constraintSetVersion,
    marketDataHash,
  });
  // An instruction with these inputs was already issued (earlier run, other keeper): its stored
  // inputs are what the auditor replays, so they are left untouched.
  const id = instructionId({ chainId, settlement: deployment.settlement, portfolio, inputsHash: hash, buildHash });
  const statusOf = (): Promise<number> => read(() => instructionStatus(client, deployment.settlement, portfolio, id));
  const earlier = await statusOf();
  if (earlier !== 0) {
    log.info(
      { instructionId: id, status: earlier, inputsHash: hash },
      "already settled (earlier run or another keeper)",
    );
    await commitViews(ctx.nonces, accepted);
    return {
      cycleId,
      chainTimestamp,
      status: "already-settled",
      portfolio,
      instructionId: id,
      inputsHash: hash,
      buildHash,
      nonce: null,
      txHash: null,
      blockNumber: null,
      assets,
      weights: [],
      targetWeightsWad: [],
      legs: 0,
      skipped: [],
      iterations: 0,
      optimizerRuntimeMs: 0,
      cycleMs: (ctx.now ?? Date.now)() - started,
      inputsPath: inputsDirectory(ctx.inputsDir, hash),
      viewsAccepted: accepted.length,
      viewsRejected: rejected,
      model: null,
    };
  }
  const problem = buildProblem({
    assets,
    parameters,
    limits,
    constraintSet,
    currentWeights,
    verifiedViews: toVerifiedViewSet(accepted, commitment),
  });
  const problemText = `${JSON.stringify(problem, null, 2)}\n`;
  const inputsPath = await storeInputs(ctx.inputsDir, {
    manifest: {
      inputsHash: hash,
      viewSetCommitment: commitment,
      parametersVersion: parametersVersion.toString(),
      constraintSetVersion: constraintSetVersion.toString(),
      registryReadBlock: block.number.toString(),
      marketDataHash,
      acceptedViewDigests: acceptedDigests,
      files: {
        [INPUT_FILES.problem]: sha256Hex(problemText),
        [INPUT_FILES.marketData]: marketDataHash,
        [INPUT_FILES.viewSet]: sha256Hex(viewSetText),
        [INPUT_FILES.constraintSet]: sha256Hex(constraintText),
      },
      assets,
      currentWeights,
      optimizerType: parameters.optimizerType,
    },
    problem: problemText,
    marketData,
    viewSet: viewSetText,
    constraintSet: constraintText,
  });
  log.info({ inputsHash: hash, inputsPath, buildHash, viewsAccepted: accepted.length }, "inputs stored");

  // 6. Optimise with the pinned bundle (halts with a critical alert on failure or a broken budget).
  const marketText = marketData.toString("utf8");
  const result = await optimizeCycle(ctx, log, optimizer, problemText, marketText, parameters);

  // 7. Legs at oracle prices, checked against venue quotes.
  const plan = await planCycleLegs(ctx, log, {
    holdings,
    prices,
    targetWeights: result.weights,
    constraintSet,
    maxSlippageBps: parameters.maxSlippageBps,
    retry,
  });
  const base = {
    cycleId,
    chainTimestamp,
    portfolio,
    inputsHash: hash,
    buildHash,
    assets,
    weights: result.weights,
    targetWeightsWad: plan.targetWeightsWad.map(String),
    legs: plan.legs.length,
    skipped: plan.skipped,
    iterations: result.diagnostics.iterations,
    optimizerRuntimeMs: result.diagnostics.runtimeMs,
    inputsPath,
    viewsAccepted: accepted.length,
    viewsRejected: rejected,
    model: result.model,
  };
  const finish = async (
    status: CycleReport["status"],
    extra: Pick<CycleReport, "instructionId" | "nonce" | "txHash" | "blockNumber">,
    execution?: CycleExecution,
  ): Promise<CycleReport> => {
    const cycleMs = (ctx.now ?? Date.now)() - started;
    const report: CycleReport = { ...base, ...extra, status, cycleMs };
    const published = { volatilityBudget: parameters.volatilityBudget, maxSlippageBps: parameters.maxSlippageBps };
    const cycle = {
      report,
      currentWeights,
      marketData: marketText,
      problem,
      model: result.model,
      modelUnavailable: result.modelUnavailable,
    };
    await publishMetrics(ctx, log, cycle, published, execution);
    log.info({ status, instructionId: extra.instructionId, tx: extra.txHash, cycleMs }, `cycle ${status}`);
    return report;
  };
  if (plan.legs.length === 0) {
    return finish("nothing-to-do", { instructionId: null, nonce: null, txHash: null, blockNumber: null });
  }

  // 8–9. The instruction (id from the inputs, nonce from the settlement); simulate, submit, confirm.
  const outcome = await submitInstruction(ctx, {
    id,
    inputsHash: hash,
    buildHash,
    targetWeightsWad: plan.targetWeightsWad,
    legs: plan.legs,
    // No settlement after a view expires: a view is not acted on past its validUntil.
    validUntil: accepted.reduce<bigint | null>(
      (min, { view }) => (min === null || view.validUntil < min ? view.validUntil : min),
      null,
    ),
    inputsPath,
    statusOf,
    read,
    retry,
    log,
  });
  if (outcome.kind === "already-settled") {
    log.info({ instructionId: id, revert: outcome.revert }, "already settled (another keeper or an earlier run)");
    await commitViews(ctx.nonces, accepted);
    // A race loser whose transaction was mined and reverted: the report names that transaction.
    return finish("already-settled", {
      instructionId: id,
      nonce: outcome.nonce,
      txHash: outcome.receipt?.transactionHash ?? null,
      blockNumber: outcome.receipt?.blockNumber.toString() ?? null,
    });
  }
  const record = {
    instructionId: id,
    nonce: outcome.nonce,
    txHash: outcome.txHash,
    blockNumber: outcome.receipt.blockNumber.toString(),
  };
  await commitViews(ctx.nonces, accepted);
  if (!outcome.finalized) {
    await publishAlert(ctx.bus, log, {
      kind: "keeper",
      severity: "critical",
      portfolio,
      message: `settlement halted on a pre-trade risk threshold (instruction ${id}); governance must resume`,
    });
    return finish("halted", record);
  }
  return finish("settled", record, await settledExecution(client, outcome.receipt, id, plan.legs, holdings, prices));
}
