// One keeper cycle: chain state → verified views → problem → pinned optimiser → legs → instruction
// → simulate → submit → confirm → record. docs/keeper.md ("The cycle") walks through it.
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BaseError, ContractFunctionRevertedError } from "viem";
import { InfeasibleError, InputError, PortfolioError, RejectedError } from "../errors.ts";
import { acceptedViewsToBlackLittermanViews } from "../views/toBlackLittermanViews.ts";
import { erc20MetadataAbi, oracleAbi, registryAbi, settlementAbi, vaultAbi } from "./chainAbis.ts";
import {
  INPUT_FILES,
  OPTIMIZER_TYPES,
  buildProblem,
  inputsHash as computeInputsHash,
  inputsDirectory,
  instructionId,
  parseConstraintSetJson,
  sha256Hex,
  storeInputs,
  type CycleParameters,
} from "./cycleInputs.ts";
import { WAD, planLegs, type Holding, type Leg, quoteCheck } from "./planLegs.ts";
import { quoteLegsUniswapV2 } from "./quoteLegs.ts";
import { verifyRiskBudgets } from "./riskBudgets.ts";
import { causeChain, withRetry, type WithRetryOptions } from "./retry.ts";
import { SimulationRevertedError, TransactionRevertedError, createTxSender } from "./txSender.ts";
import { importBundle, readBundle, type OptimizerModule } from "./bundle.ts";
import { readConstraintSet } from "./constraintSetFile.ts";
import { commitViews, gatherViews } from "./cycleViews.ts";
import { settledExecution } from "./cycleExecution.ts";
import { publishAlert, publishMetrics, type CycleExecution } from "./cyclePublish.ts";
import type { CycleReport, KeeperCycleContext } from "./cycleTypes.ts";

export { importBundle, readConstraintSet, type OptimizerModule };
export type { CycleReport, KeeperCycleContext } from "./cycleTypes.ts";

const STATUS_FINALIZED = 2;

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
 *   client, account: loadKeeperAccount(), deployment: loadKeeperDeployment("deployments/localhost.json"),
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

  // 1. Chain state: registry and oracle behind the settlement, parameters, constraints, holdings.
  const chainId = await read(() => client.getChainId());
  const registry = await read(() =>
    client.readContract({ address: deployment.settlement, abi: settlementAbi, functionName: "registry" }),
  );
  const oracle = await read(() =>
    client.readContract({ address: deployment.settlement, abi: settlementAbi, functionName: "oracle" }),
  );
  const readRegistry = { address: registry, abi: registryAbi } as const;
  const [pinned, rawParams, parametersVersion, rawConstraints, constraintSetVersion] = await Promise.all([
    read(() => client.readContract({ ...readRegistry, functionName: "optimizerBuildHash" })),
    read(() => client.readContract({ ...readRegistry, functionName: "strategyParameters" })),
    read(() => client.readContract({ ...readRegistry, functionName: "parametersVersion" })),
    read(() => client.readContract({ ...readRegistry, functionName: "constraintSet" })),
    read(() => client.readContract({ ...readRegistry, functionName: "constraintSetVersion" })),
  ]);
  const isKeeper = await read(() =>
    client.readContract({ address: registry, abi: registryAbi, functionName: "isKeeper", args: [ctx.account.address] }),
  );
  if (!isKeeper)
    throw new RejectedError("NOT_KEEPER", `${ctx.account.address} is not a registry keeper`, "PORTFOLIO_KEEPER_KEY");

  // 2. The pinned optimiser: hash the local bundle's bytes and run exactly those bytes.
  const bundleBytes = await readBundle(ctx.bundlePath);
  const buildHash = sha256Hex(bundleBytes);
  if (buildHash !== pinned.toLowerCase()) {
    await publishAlert(ctx.bus, log, {
      kind: "keeper",
      severity: "critical",
      portfolio,
      message: `optimiser bundle ${buildHash} is not the pinned build ${pinned}`,
    });
    throw new RejectedError(
      "BUILD_HASH_MISMATCH",
      `sha256 ${buildHash} differs from the registry's pinned build hash ${pinned}`,
      ctx.bundlePath,
    );
  }
  const optimizer = await importBundle(bundleBytes, buildHash, join(ctx.inputsDir, "bundles"));

  const parameters: CycleParameters = {
    optimizerType: OPTIMIZER_TYPES[rawParams.optimizerType] ?? fail("optimizerType", rawParams.optimizerType),
    riskAversion: wadToNumber(rawParams.riskAversion),
    tau: wadToNumber(rawParams.tau),
    volatilityBudget: wadToNumber(rawParams.volatilityBudget),
    driftThreshold: wadToNumber(rawParams.driftThreshold),
    maxSlippageBps: rawParams.maxSlippageBps,
    rebalanceCalendar: rawParams.rebalanceCalendar,
  };
  const limits = {
    maxPositionWeight: wadToNumber(rawConstraints.maxPositionWeight),
    maxTurnover: wadToNumber(rawConstraints.maxTurnover),
  };
  const constraintText = await readConstraintSet(
    rawConstraints.uri,
    rawConstraints.contentHash,
    ctx.constraintSetBaseDir,
  );
  const constraintSet = parseConstraintSetJson(constraintText, rawConstraints.uri);

  // 3. Holdings and oracle prices (USD per whole token, WAD, as planLegs takes them).
  const [tokens, balances] = await read(() =>
    client.readContract({ address: portfolio, abi: vaultAbi, functionName: "holdings" }),
  );
  const holdings: Holding[] = [];
  const prices: bigint[] = [];
  for (const [i, token] of tokens.entries()) {
    const [symbol, decimals, unitPrice] = await Promise.all([
      read(() => client.readContract({ address: token, abi: erc20MetadataAbi, functionName: "symbol" })),
      read(() => client.readContract({ address: token, abi: erc20MetadataAbi, functionName: "decimals" })),
      read(() => client.readContract({ address: oracle, abi: oracleAbi, functionName: "priceOf", args: [token] })),
    ]);
    holdings.push({ token, symbol, decimals, balance: balances[i] ?? 0n });
    // priceOf: WAD value of one raw unit × 1e18 → per whole token: × 10^decimals / 1e18.
    prices.push((unitPrice * 10n ** BigInt(decimals)) / WAD);
  }
  const assets = holdings.map((h) => h.symbol);
  const values = holdings.map((h, i) => (h.balance * (prices[i] ?? 0n)) / 10n ** BigInt(h.decimals));
  const nav = values.reduce((a, b) => a + b, 0n);
  if (nav === 0n) throw new RejectedError("ZERO_NAV", "the vault holds nothing to rebalance", "vault");
  const currentWeights = values.map((v) => Number((v * 10n ** 12n) / nav) / 1e12);
  // Pinned ERC budgets are checked before anything else is stored or sent.
  const riskBudgets = verifyRiskBudgets(
    constraintSet.riskBudgets,
    assets,
    rawParams.riskBudgetsHash,
    `${rawConstraints.uri}.riskBudgets`,
  );
  if (riskBudgets !== undefined) log.info({ riskBudgets }, "risk budgets match the registry");

  // 4. Signed views from the bus (latest view set), verified against the registry, not yet committed.
  const { viewSetText, accepted, rejected, commitment } = await gatherViews(ctx, log, chainId, registry);

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
  const statusOf = (): Promise<number> =>
    read(() =>
      client.readContract({ address: deployment.settlement, abi: settlementAbi, functionName: "statusOf", args: [id] }),
    );
  const earlier = await statusOf();
  if (earlier !== 0) {
    log.info(
      { instructionId: id, status: earlier, inputsHash: hash },
      "already settled (earlier run or another keeper)",
    );
    await commitViews(ctx.nonces, accepted);
    return {
      cycleId,
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
    };
  }
  const problem = buildProblem({
    assets,
    parameters,
    limits,
    constraintSet,
    currentWeights,
    views: acceptedViewsToBlackLittermanViews(accepted),
  });
  const problemText = `${JSON.stringify(problem, null, 2)}\n`;
  const inputsPath = await storeInputs(ctx.inputsDir, {
    manifest: {
      inputsHash: hash,
      viewSetCommitment: commitment,
      parametersVersion: parametersVersion.toString(),
      constraintSetVersion: constraintSetVersion.toString(),
      marketDataHash,
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

  // 6. Optimise with the pinned bundle.
  const result = optimizer.optimize(JSON.parse(problemText), {
    files: { [INPUT_FILES.marketData]: marketData.toString("utf8") },
  });
  const iterations = result.diagnostics.iterations;
  const runtimeMs = result.diagnostics.runtimeMs;
  ctx.runtimeSamples?.push(runtimeMs);
  if (result.status !== "optimal") {
    await publishAlert(ctx.bus, log, {
      kind: "optimizer",
      severity: "critical",
      portfolio,
      message: `optimiser returned ${result.status}: ${result.infeasibility?.message ?? "no solution"}; halting`,
    });
    throw new InfeasibleError("OPTIMIZER_FAILED", `optimiser returned ${result.status}`, "problem");
  }
  if (result.volatility !== null && result.volatility > parameters.volatilityBudget) {
    await publishAlert(ctx.bus, log, {
      kind: "volatility",
      severity: "critical",
      portfolio,
      message: `optimised volatility ${result.volatility.toFixed(4)} above the budget; halting`,
      value: result.volatility,
      threshold: parameters.volatilityBudget,
    });
    throw new RejectedError(
      "RISK_BUDGET_EXCEEDED",
      `optimised volatility ${result.volatility} exceeds the registry's volatility budget ${parameters.volatilityBudget}`,
      "strategyParameters.volatilityBudget",
    );
  }

  // 7. Legs at oracle prices, checked against venue quotes.
  const baseToken = deployment.baseToken ?? holdings[0]?.token ?? fail("vault", "no assets");
  const minTradeValueUsd = BigInt(Math.round((constraintSet.minTradeValueUsd ?? 10) * 1e6)) * 10n ** 12n;
  const planParameters = {
    holdings,
    prices,
    targetWeights: result.weights,
    baseToken,
    venue: () => deployment.venue,
    minTradeValueUsd,
    maxSlippageBps: parameters.maxSlippageBps,
  };
  let plan = planLegs(planParameters);
  if (deployment.router !== undefined && plan.legs.length > 0) {
    const router = deployment.router;
    const check = quoteCheck(plan.legs, await quoteLegsUniswapV2(client, { legs: plan.legs, router, retry }));
    if (!check.ok) {
      const exclude = check.flagged.map(({ leg }) => (leg.sellToken === baseToken ? leg.buyToken : leg.sellToken));
      log.warn(
        { flagged: check.flagged.map((f) => ({ leg: f.index, shortfallBps: f.shortfallBps.toString() })) },
        "legs flagged by venue quotes, replanning without them",
      );
      plan = planLegs({ ...planParameters, exclude });
    }
  }
  const base = {
    cycleId,
    portfolio,
    inputsHash: hash,
    buildHash,
    assets,
    weights: result.weights,
    targetWeightsWad: plan.targetWeightsWad.map(String),
    legs: plan.legs.length,
    skipped: plan.skipped,
    iterations,
    optimizerRuntimeMs: runtimeMs,
    inputsPath,
    viewsAccepted: accepted.length,
    viewsRejected: rejected,
  };
  const finish = async (
    status: CycleReport["status"],
    extra: Pick<CycleReport, "instructionId" | "nonce" | "txHash" | "blockNumber">,
    execution?: CycleExecution,
  ): Promise<CycleReport> => {
    const cycleMs = (ctx.now ?? Date.now)() - started;
    const report: CycleReport = { ...base, ...extra, status, cycleMs };
    const limits = { volatilityBudget: parameters.volatilityBudget, maxSlippageBps: parameters.maxSlippageBps };
    await publishMetrics(ctx, log, report, currentWeights, marketData.toString("utf8"), limits, execution);
    log.info({ status, instructionId: extra.instructionId, tx: extra.txHash, cycleMs }, `cycle ${status}`);
    return report;
  };
  if (plan.legs.length === 0) {
    return finish("nothing-to-do", { instructionId: null, nonce: null, txHash: null, blockNumber: null });
  }

  // 8. The instruction: id from the inputs (computed above, not from the nonce), nonce from the settlement.
  const lastNonce = await read(() =>
    client.readContract({
      address: deployment.settlement,
      abi: settlementAbi,
      functionName: "lastNonce",
      args: [portfolio],
    }),
  );
  const nonce = lastNonce + 1n;
  const block = await read(() => client.getBlock({ blockTag: "latest" }));
  const deadline = block.timestamp + BigInt(ctx.deadlineSeconds ?? 3600);
  const instruction = {
    id,
    portfolio,
    optimiserBuildHash: buildHash,
    inputsHash: hash,
    targetWeights: plan.targetWeightsWad,
    legs: plan.legs.map((l: Leg) => ({ ...l })),
    deadline,
    nonce,
  };
  await writeFile(
    join(inputsPath, `instruction-${id.slice(2)}.json`),
    `${JSON.stringify(instruction, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );

  // 9. Simulate, submit, confirm (the sender simulates before every broadcast).
  const sender =
    ctx.sender ??
    createTxSender({
      client,
      account: ctx.account,
      confirmations: ctx.confirmations ?? 1,
      logger: log,
      retry,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
  let sent;
  try {
    sent = await sender.send({
      address: deployment.settlement,
      abi: settlementAbi,
      functionName: "settle",
      args: [instruction],
      label: `settle(${id.slice(0, 10)}…)`,
    });
  } catch (error) {
    const settledElsewhere = await wasSettledElsewhere(error, statusOf);
    if (settledElsewhere !== null) {
      log.info({ instructionId: id, revert: settledElsewhere }, "already settled (another keeper or an earlier run)");
      await commitViews(ctx.nonces, accepted);
      return finish("already-settled", { instructionId: id, nonce: nonce.toString(), txHash: null, blockNumber: null });
    }
    throw error;
  }
  const finalized = sent.simulatedResult === true;
  const record = {
    instructionId: id,
    nonce: nonce.toString(),
    txHash: sent.hash,
    blockNumber: sent.receipt.blockNumber.toString(),
  };
  await writeFile(
    join(inputsPath, `settlement-${id.slice(2)}.json`),
    `${JSON.stringify({ ...record, finalized }, null, 2)}\n`,
  );
  await commitViews(ctx.nonces, accepted);
  if (!finalized) {
    await publishAlert(ctx.bus, log, {
      kind: "keeper",
      severity: "critical",
      portfolio,
      message: `settlement halted on a pre-trade risk threshold (instruction ${id}); governance must resume`,
    });
    return finish("halted", record);
  }
  return finish("settled", record, await settledExecution(client, sent.receipt, id, plan.legs, holdings, prices));
}

/**
 * Decides whether a failed send means the instruction (or a newer one) was settled by someone else:
 * a revert naming the id or the nonce as used, in simulation, gas estimation or on chain (two keepers
 * that both simulated before either was mined), or any failure after which the id is issued.
 * Returns a description, or null when the failure is genuine.
 */
async function wasSettledElsewhere(error: unknown, statusOf: () => Promise<number>): Promise<string | null> {
  const name = error instanceof SimulationRevertedError ? revertName(error.revert) : revertName(error);
  if (name === "Settlement__InstructionExists" || name === "Settlement__StaleNonce") return name;
  if (error instanceof PortfolioError && error.kind !== "rejected" && error.kind !== "internal") return null;
  const status = await statusOf();
  if (status === STATUS_FINALIZED || error instanceof TransactionRevertedError) {
    return status === 0
      ? null
      : `instruction status ${status} after: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
  return null;
}

/**
 * The custom-error name of a contract revert anywhere in an error's cause chain: viem's decoded
 * `ContractFunctionRevertedError`, or a node message such as `reverted with custom error 'X(…)'`
 * (eth_estimateGas errors are not always decoded).
 */
export function revertName(error: unknown): string | null {
  for (const e of causeChain(error)) {
    if (e instanceof ContractFunctionRevertedError && e.data?.errorName !== undefined) return e.data.errorName;
    if (e instanceof BaseError) {
      const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName !== undefined) {
        return revert.data.errorName;
      }
    }
    const match = e instanceof Error ? /custom error '([A-Za-z0-9_]+)\(/.exec(e.message) : null;
    if (match?.[1] !== undefined) return match[1];
  }
  return null;
}

/** A WAD fraction as a number (exact to ~1e-15 for values below 1e3). */
export function wadToNumber(x: bigint): number {
  return Number(x / 10n ** 6n) / 1e12;
}

function fail(field: string, value: unknown): never {
  throw new PortfolioError("internal", "UNEXPECTED_CHAIN_VALUE", `unexpected ${String(value)}`, field);
}
