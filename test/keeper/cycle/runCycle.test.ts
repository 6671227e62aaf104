// One keeper cycle against a real `hardhat node`, end to end, and the faults it must survive:
// RPC down, a reverting leg, two keepers racing, a wrong optimiser build.
import { strict as assert } from "node:assert";
import { appendFileSync, copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { createPublicClient, http, parseEventLogs, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { legacyViewsProblem } from "../../../src/audit/legacyProblem.ts";
import { replayInstruction } from "../../../src/audit/replayInstruction.ts";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import { PortfolioError } from "../../../src/errors.ts";
import { estimateCovariance } from "../../../src/optimizer/estimators/covariance.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { toRows } from "../../../src/optimizer/matrix.ts";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { runKeeperCycle, type KeeperCycleContext } from "../../../src/keeper/cycle/runCycle.ts";
import { EMPTY_VIEW_SET_COMMITMENT, inputsDirectory, loadInputs, sha256Hex } from "../../../src/protocol/inputs.ts";
import { signViewSet } from "../../../src/views/signedViewSet.ts";
import { investorViewDigest, investorViewDomain, viewSetCommitment } from "../../../src/views/typedData.ts";
import { readKeeperDeployment } from "../../../src/protocol/deployment.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { riskBudgetsHash, riskBudgetsToWad } from "../../../src/keeper/cycle/riskBudgets.ts";
import { createTxSender } from "../../../src/keeper/tx/sender.ts";
import { MemoryNonceStore } from "../../../src/views/nonceStore.ts";
import { freePort, hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { KEEPER_ASSETS, deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";

function context(
  sys: KeeperSystem,
  rpcUrl: string,
  keeper = 0,
  extra: Partial<KeeperCycleContext> = {},
): KeeperCycleContext & { bus: InProcessBus } {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 5_000 }) }) as PublicClient;
  const logger = createKeeperLogger({ level: "silent" });
  const account = sys.keepers[keeper]!;
  const retry = { retries: 30, baseMs: 50, maxMs: 400 };
  return {
    client,
    account,
    deployment: readKeeperDeployment(sys.deploymentPath),
    pricesPath: sys.pricesPath,
    bundlePath: sys.bundlePath,
    inputsDir: join(sys.dir, "inputs"),
    nonces: new MemoryNonceStore(),
    logger,
    bus: new InProcessBus(),
    retry,
    sender: createTxSender({ client, account, logger, pollIntervalMs: 50, retry }),
    ...extra,
  } as KeeperCycleContext & { bus: InProcessBus };
}

async function finalizedEvents(node: HardhatNode, settlement: string): Promise<number> {
  const client = createPublicClient({ transport: http(node.url) });
  const logs = await client.getLogs({ address: settlement as `0x${string}`, fromBlock: 0n });
  return parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" }).length;
}

describe("keeper cycle (hardhat node)", function () {
  this.timeout(120_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("settles a rebalance end to end, records its inputs, publishes metrics, and a rerun does not settle again", async () => {
    const sys = await deployKeeperSystem(node);
    const ctx = context(sys, node.url);
    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    assert.ok(report.legs > 0);
    assert.equal(await sys.settlement.getFunction("lastInstructionId")(report.portfolio), report.instructionId);

    // The on-chain record carries our inputsHash, build hash and the 1e18 weights we computed.
    const client = createPublicClient({ transport: http(node.url) });
    const logs = await client.getLogs({ address: sys.addresses["settlement"] as `0x${string}`, fromBlock: 0n });
    const [optimized] = parseEventLogs({ abi: settlementAbi, logs, eventName: "PortfolioOptimized" });
    assert.ok(optimized);
    assert.equal(optimized.args.inputsHash, report.inputsHash);
    assert.equal(optimized.args.optimiserBuildHash, sys.buildHash);
    assert.deepEqual(optimized.args.targetWeights.map(String), report.targetWeightsWad);

    // The vault moved to the targets within the settlement's drift tolerance.
    const [, balances] = (await sys.vault.getFunction("holdings")()) as [string[], bigint[]];
    assert.ok(balances[2]! > 0n, "bought WBTC");

    // The inputs are stored content-addressed and hash to the on-chain inputsHash.
    const stored = await loadInputs(ctx.inputsDir, report.inputsHash);
    assert.equal(stored.manifest.marketDataHash, sha256Hex(readFileSync(sys.pricesPath)));
    assert.deepEqual(Buffer.from(stored.marketData), readFileSync(sys.pricesPath));
    // Without views too, the manifest records the (empty) accepted digests and the registry's read block.
    assert.deepEqual(stored.manifest.acceptedViewDigests, []);
    assert.ok(BigInt(stored.manifest.registryReadBlock ?? "x") < optimized.blockNumber);

    const metrics = await ctx.bus.history("analytics.portfolio");
    assert.equal(metrics.length, 1);
    assert.equal(metrics[0]!.payload.optimizer?.iterations, report.iterations);
    // Return and risk metrics of the current weights come from the same price file.
    const published = metrics[0]!.payload;
    assert.ok(published.observations !== undefined && published.observations > 2);
    assert.ok(typeof published.volatility === "number" && published.volatility > 0);
    const shares = Object.values(published.riskContribution?.byAsset ?? {});
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    // Each settled leg's slippage against the oracle, within the limit its minAmountOut enforced.
    assert.equal(published.slippage?.length, report.legs);
    for (const leg of published.slippage ?? []) assert.ok(leg.bps <= 80 + 1e-9, `leg ${leg.leg}: ${leg.bps} bps`);
    assert.deepEqual(published.settlement, {
      instructionId: report.instructionId,
      latencySeconds: 0,
      latencyBlocks: 0,
    });
    // No benchmark configured: tracking error and beta are null with the reason, never 0.
    assert.equal(published.trackingError, null);
    assert.equal(published.beta, null);
    assert.match(published.unavailable?.["trackingError"] ?? "", /no benchmark configured/);
    assert.match(published.unavailable?.["beta"] ?? "", /no benchmark configured/);
    // The default post-trade drift threshold (1 pp) alerts exactly when the executed weights break it.
    const driftAlerts = (await ctx.bus.history("alerts")).filter((a) => a.payload.kind === "drift");
    assert.equal(driftAlerts.length, (published.postTrade?.drift.maxAbs ?? 0) > 0.01 ? 1 : 0);

    // Same inputs again (a restart): the id exists, nothing is sent.
    const again = await runKeeperCycle(context(sys, node.url));
    assert.equal(again.status, "already-settled");
    assert.equal(again.instructionId, report.instructionId);
    assert.equal(await finalizedEvents(node, sys.addresses["settlement"]!), 1);
  });

  it("publishes tracking error and beta against a benchmark, risk by the constraint set's groups, the frontier with the current portfolio, and a post-trade drift alert", async () => {
    const groups = [
      { name: "cash", assets: ["USDC"], lower: 0.2 },
      { name: "crypto", assets: ["WETH", "WBTC"], upper: 0.8 },
    ];
    const sys = await deployKeeperSystem(node, { groups });
    // The benchmark: a 50/50 crypto index from the same history, with every tenth day missing.
    const rows = readFileSync(sys.pricesPath, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const index = (r: string[]): number => 0.5 * (Number(r[2]) / 2000) + 0.5 * (Number(r[3]) / 40_000);
    const benchmarkRows = rows.filter((_r, i) => i % 10 !== 5);
    const benchmarkPricesPath = join(sys.dir, "benchmark.csv");
    writeFileSync(
      benchmarkPricesPath,
      `date,CRYPTO50\n${benchmarkRows.map((r) => `${r[0]},${index(r).toFixed(10)}`).join("\n")}\n`,
    );
    const ctx = context(sys, node.url, 0, { benchmarkPricesPath, postTradeDriftThreshold: 1e-9 });
    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    const [message] = await ctx.bus.history("analytics.portfolio");
    const m = message!.payload;

    // The weights held after the settlement: the vault's balances at the oracle prices ($1, $2000, $40 000).
    const [, balances] = (await sys.vault.getFunction("holdings")()) as [string[], bigint[]];
    const values = balances.map((b, i) => (Number(b) / 10 ** KEEPER_ASSETS[i]!.decimals) * KEEPER_ASSETS[i]!.priceUsd);
    const nav = values.reduce((s, v) => s + v, 0);
    const w = values.map((v) => v / nav);

    // Hand-computed reference: those weights over the last 252 daily returns, each paired with the
    // index's return over the same day (days the index lacks at either end are left out).
    const price = (r: string[], j: number): number => Number(r[j + 1]);
    const portfolio = rows
      .slice(1)
      .map((r, t) => w.reduce((s, wj, j) => s + wj * (price(r, j) / price(rows[t]!, j) - 1), 0));
    const level = new Map(benchmarkRows.map((r) => [r[0]!, Number(index(r).toFixed(10))]));
    const pairs: [number, number][] = [];
    for (let t = rows.length - 252; t < rows.length; t++) {
      const [a, b] = [level.get(rows[t - 1]![0]!), level.get(rows[t]![0]!)];
      if (a !== undefined && b !== undefined) pairs.push([portfolio[t - 1]!, b / a - 1]);
    }
    assert.ok(pairs.length > 200 && pairs.length < 252, `${pairs.length} aligned days`);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const active = pairs.map(([r, b]) => r - b);
    const te = Math.sqrt((active.reduce((s, x) => s + (x - mean(active)) ** 2, 0) / (active.length - 1)) * 252);
    const [rm, bm] = [mean(pairs.map((p) => p[0])), mean(pairs.map((p) => p[1]))];
    const beta =
      pairs.reduce((s, [r, b]) => s + (r - rm) * (b - bm), 0) / pairs.reduce((s, [, b]) => s + (b - bm) ** 2, 0);
    // Weights are published to 1e-12, so the references agree to about that.
    assert.ok(Math.abs(m.trackingError! - te) <= 1e-9 * te, `TE ${m.trackingError} vs ${te}`);
    assert.ok(Math.abs(m.beta! - beta) <= 1e-9 * Math.abs(beta), `beta ${m.beta} vs ${beta}`);
    assert.ok(beta > 0.1 && beta < 2, `beta ${beta}`);
    assert.equal(m.unavailable?.["trackingError"], undefined);

    // Sector risk: each group's share is the sum of its assets' shares; the groups partition the assets.
    const byAsset = m.riskContribution!.byAsset;
    const bySector = m.riskContribution!.bySector;
    assert.deepEqual(Object.keys(bySector), ["cash", "crypto"]);
    assert.ok(Math.abs(bySector["cash"]! - byAsset["USDC"]!) < 1e-15);
    assert.ok(Math.abs(bySector["crypto"]! - (byAsset["WETH"]! + byAsset["WBTC"]!)) < 1e-15);
    assert.ok(Math.abs(bySector["cash"]! + bySector["crypto"]! - 1) < 1e-12);
    assert.deepEqual(
      m.weights?.map((x) => x.sector),
      ["cash", "crypto", "crypto"],
    );

    // The frontier of the cycle's inputs with the held and target portfolios on it. The held
    // portfolio's volatility is √(w'Σw) with Σ the annualised sample covariance of all returns.
    const f = m.frontier!;
    assert.ok(f.points.length >= 10 && f.points.length <= 20, `${f.points.length} points`);
    for (const [k, p] of f.points.entries()) {
      assert.ok(p.volatility >= f.minVariance.volatility - 1e-9, `point ${k} below the minimum variance`);
      if (k > 0) assert.ok(p.expectedReturn >= f.points[k - 1]!.expectedReturn - 1e-9, "returns increase");
    }
    const assetReturns = [0, 1, 2].map((j) => rows.slice(1).map((r, t) => price(r, j) / price(rows[t]!, j) - 1));
    const cov = (x: number[], y: number[]): number =>
      (x.reduce((s, xi, i) => s + (xi - mean(x)) * (y[i]! - mean(y)), 0) / (x.length - 1)) * 252;
    let variance = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) variance += w[i]! * w[j]! * cov(assetReturns[i]!, assetReturns[j]!);
    const currentVol = Math.sqrt(variance);
    assert.ok(
      Math.abs(f.current.volatility - currentVol) <= 1e-9 * currentVol,
      `${f.current.volatility} vs ${currentVol}`,
    );
    assert.ok(f.current.volatility >= f.minVariance.volatility);
    assert.ok(f.target !== undefined && f.maxSharpe !== null);

    // Post-trade: the executed weights against the targets; the published weights are the held ones.
    const executed = w;
    assert.deepEqual(
      m.weights?.map((x) => x.weight),
      m.postTrade?.weights.map((x) => x.weight),
    );
    assert.equal(m.postTrade?.instructionId, report.instructionId);
    for (const [i, x] of (m.postTrade?.weights ?? []).entries()) {
      assert.ok(Math.abs(x.weight - executed[i]!) < 1e-9, `${x.asset}: ${x.weight} vs ${executed[i]}`);
      assert.equal(x.target, report.weights[i]);
    }
    const maxAbs = Math.max(...executed.map((x, i) => Math.abs(x - report.weights[i]!)));
    assert.ok(Math.abs(m.postTrade!.drift.maxAbs - maxAbs) < 1e-9);
    const drift = (await ctx.bus.history("alerts")).filter((a) => a.payload.kind === "drift");
    assert.equal(drift.length, 1);
    assert.equal(drift[0]!.payload.severity, "critical");
    assert.equal(drift[0]!.payload.threshold, 1e-9);
    assert.equal(drift[0]!.payload.value, m.postTrade!.drift.maxAbs);
    assert.match(drift[0]!.payload.message, /post-trade drift/);
  });

  it("BLACK_LITTERMAN with a signed view from ai.bl_views: the view commitment goes into inputsHash, nonces are committed after settling", async () => {
    const sys = await deployKeeperSystem(node, { optimizerType: 1 });
    const ctx = context(sys, node.url);
    const signer = privateKeyToAccount(sys.viewSignerKey);
    const domain = investorViewDomain({ chainId: 31337, registry: sys.addresses["registry"] as `0x${string}` });
    const view = {
      viewSetVersion: 1n,
      assets: ["WBTC", "WETH"],
      pick: [10n ** 18n, -(10n ** 18n)],
      q: 10n ** 17n, // WBTC outperforms WETH by 10 %/year
      confidence: 5n * 10n ** 17n,
      omega: 0n,
      nonce: 1n,
      validUntil: BigInt(Math.floor(Date.now() / 1000) + 86_400),
      signer: signer.address,
    };
    const file = await signViewSet(signer, domain, [view]);
    await ctx.bus.publish("ai.bl_views", { viewSet: file, commitment: file.commitment });

    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    assert.equal(report.viewsAccepted, 1);
    const stored = await loadInputs(ctx.inputsDir, report.inputsHash);
    assert.equal(stored.manifest.viewSetCommitment, viewSetCommitment([investorViewDigest(domain, view)]));
    assert.notEqual(stored.manifest.viewSetCommitment, EMPTY_VIEW_SET_COMMITMENT);
    assert.equal(await ctx.nonces.isUsed(signer.address, 1n), true, "nonce committed after settlement");
    assert.equal(report.weights.length, 3);

    // The published risk is that of the model the bundle chose the weights with (here the
    // posterior Σ* and π*), not a re-estimate: every number equals one computed from the model's
    // arrays of this very run, and differs from the price file's sample covariance.
    const model = report.model;
    assert.ok(model !== null && model.covariance.kind === "dense" && model.expectedReturns !== null);
    const sigma = model.covariance.matrix;
    const mu = model.expectedReturns;
    const quad = (w: readonly number[], s: readonly (readonly number[])[]): number =>
      w.reduce((acc, wi, i) => acc + wi * w.reduce((row, wj, j) => row + s[i]![j]! * wj, 0), 0);
    const [message] = await ctx.bus.history("analytics.portfolio");
    const m = message!.payload;
    const f = m.frontier!;
    const target = f.target!;
    assert.ok(Math.abs(target.volatility - Math.sqrt(quad(report.weights, sigma))) <= 1e-14);
    assert.ok(Math.abs(target.expectedReturn - report.weights.reduce((s, w, i) => s + w * mu[i]!, 0)) <= 1e-14);
    assert.deepEqual(
      f.points,
      model.frontier!.points.map((p) => ({ volatility: p.volatility, expectedReturn: p.expectedReturn })),
    );
    assert.deepEqual(f.minVariance, {
      volatility: model.frontier!.minVariance.volatility,
      expectedReturn: model.frontier!.minVariance.expectedReturn,
    });
    const held = m.weights!.map((x) => x.weight);
    const total = quad(held, sigma);
    for (const [i, asset] of report.assets.entries()) {
      const share = (held[i]! * held.reduce((s, wj, j) => s + sigma[i]![j]! * wj, 0)) / total;
      assert.ok(Math.abs(m.riskContribution!.byAsset[asset]! - share) <= 1e-12, `${asset} risk share`);
    }
    const sample = estimateCovariance(
      parsePricesCsv(readFileSync(sys.pricesPath, "utf8"), "prices"),
      { method: "sample" },
      { frequency: 252 },
    ).matrix;
    const sampleVol = Math.sqrt(quad(report.weights, toRows(sample)));
    assert.ok(Math.abs(target.volatility - sampleVol) > 1e-6, `model ${target.volatility} vs sample ${sampleVol}`);

    // The auditor re-verifies the stored view set and reproduces the weights.
    const replay = await replayInstruction(ctx.client, {
      settlement: ctx.deployment.settlement,
      instructionId: report.instructionId!,
      inputsDir: ctx.inputsDir,
      bundles: [sys.bundlePath],
    });
    assert.equal(replay.match, true);

    // The view reached the optimiser through its one typed route, with its provenance.
    const section = (JSON.parse(stored.problem) as { blackLitterman: Record<string, unknown> }).blackLitterman;
    assert.equal(section["views"], undefined);
    assert.deepEqual(section["verifiedViews"], {
      commitment: stored.manifest.viewSetCommitment,
      views: [
        {
          assets: { WBTC: 1, WETH: -1 },
          q: 0.1,
          confidence: 0.5,
          signer: signer.address,
          digest: investorViewDigest(domain, view),
          nonce: "1",
        },
      ],
    });

    // A problem file stored before that route (the views in the unsigned `views` field) still replays.
    const dir = inputsDirectory(ctx.inputsDir, report.inputsHash);
    const legacyText = `${JSON.stringify(legacyViewsProblem(JSON.parse(stored.problem) as Record<string, unknown>), null, 2)}\n`;
    writeFileSync(join(dir, "problem.json"), legacyText);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, string> };
    manifest.files["problem.json"] = sha256Hex(legacyText);
    writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const legacyReplay = await replayInstruction(ctx.client, {
      settlement: ctx.deployment.settlement,
      instructionId: report.instructionId!,
      inputsDir: ctx.inputsDir,
      bundles: [sys.bundlePath],
    });
    assert.equal(legacyReplay.match, true);
  });

  it("two keepers on one portfolio: exactly one settles, the other reports already-settled", async () => {
    const sys = await deployKeeperSystem(node);
    const reports = await Promise.all([
      runKeeperCycle(context(sys, node.url, 0)),
      runKeeperCycle(context(sys, node.url, 1)),
    ]);
    assert.deepEqual(reports.map((r) => r.status).sort(), ["already-settled", "settled"]);
    assert.equal(reports[0]!.instructionId, reports[1]!.instructionId);
    assert.equal(await finalizedEvents(node, sys.addresses["settlement"]!), 1);
  });

  it("refuses to run an optimiser bundle whose sha256 differs from the pinned build hash", async () => {
    const sys = await deployKeeperSystem(node);
    const tampered = join(sys.dir, "tampered.mjs");
    copyFileSync(sys.bundlePath, tampered);
    appendFileSync(tampered, "\n// one more byte\n");
    const ctx = context(sys, node.url, 0, { bundlePath: tampered });
    await assert.rejects(
      runKeeperCycle(ctx),
      (e: unknown) => e instanceof PortfolioError && e.code === "BUILD_HASH_MISMATCH",
    );
    const alerts = await ctx.bus.history("alerts");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.payload.severity, "critical");
    const client = createPublicClient({ transport: http(node.url) });
    assert.equal(await client.getTransactionCount({ address: sys.keepers[0]!.address }), 0);
  });

  it("halts with a critical alert when the optimised volatility breaks the registry's budget; nothing is sent", async () => {
    const sys = await deployKeeperSystem(node, { volatilityBudget: 0.0001 });
    const ctx = context(sys, node.url);
    await assert.rejects(
      runKeeperCycle(ctx),
      (e: unknown) => e instanceof PortfolioError && e.code === "RISK_BUDGET_EXCEEDED" && e.kind === "rejected",
    );
    const alerts = await ctx.bus.history("alerts");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.payload.kind, "volatility");
    assert.equal(alerts[0]!.payload.severity, "critical");
    assert.equal(alerts[0]!.payload.threshold, 0.0001);
    const client = createPublicClient({ transport: http(node.url) });
    assert.equal(await client.getTransactionCount({ address: sys.keepers[0]!.address }), 0);
  });

  it("ERC with risk budgets pinned by the registry: matching budgets reach the problem, others are refused before anything is sent", async () => {
    const budgets = [0.5, 0.3, 0.2];
    const hash = riskBudgetsHash(riskBudgetsToWad(budgets));
    const sys = await deployKeeperSystem(node, { optimizerType: 2, riskBudgetsHash: hash, riskBudgets: budgets });
    const ctx = context(sys, node.url);
    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    const stored = await loadInputs(ctx.inputsDir, report.inputsHash);
    assert.deepEqual((JSON.parse(stored.problem) as { riskBudgets?: number[] }).riskBudgets, budgets);

    const other = await deployKeeperSystem(node, {
      optimizerType: 2,
      riskBudgetsHash: hash,
      riskBudgets: [0.2, 0.3, 0.5],
    });
    const otherCtx = context(other, node.url);
    await assert.rejects(
      runKeeperCycle(otherCtx),
      (e: unknown) => e instanceof PortfolioError && e.code === "RISK_BUDGETS_MISMATCH" && e.kind === "rejected",
    );
    const client = createPublicClient({ transport: http(node.url) });
    assert.equal(await client.getTransactionCount({ address: other.keepers[0]!.address }), 0);
    // Only the pinned bundle's import cache: no inputs directory was written.
    assert.deepEqual(readdirSync(otherCtx.inputsDir), ["bundles"]);
  });

  it("HRP chosen by the registry: the cycle optimises with hierarchical risk parity and settles", async () => {
    const sys = await deployKeeperSystem(node, { optimizerType: 3 });
    const ctx = context(sys, node.url);
    const report = await runKeeperCycle(ctx);
    assert.equal(report.status, "settled");
    const stored = await loadInputs(ctx.inputsDir, report.inputsHash);
    const problem = JSON.parse(stored.problem) as { optimizerType: string };
    assert.equal(problem.optimizerType, "HRP");
    assert.equal(await sys.settlement.getFunction("lastInstructionId")(report.portfolio), report.instructionId);
  });

  it("a leg whose minAmountOut the venue cannot reach: the simulation refuses and nothing is sent", async () => {
    // 1 bps slippage budget against Uniswap's 30 bps fee; no router, so only the simulation guards.
    const sys = await deployKeeperSystem(node, { maxSlippageBps: 1, withoutRouter: true });
    const ctx = context(sys, node.url);
    await assert.rejects(
      runKeeperCycle(ctx),
      (e: unknown) => e instanceof PortfolioError && e.code === "SIMULATION_REVERTED",
    );
    const client = createPublicClient({ transport: http(node.url) });
    assert.equal(await client.getTransactionCount({ address: sys.keepers[0]!.address }), 0);
    assert.equal(await finalizedEvents(node, sys.addresses["settlement"]!), 0);
  });

  it("retries while the RPC is down and settles once it is back", async () => {
    const sys = await deployKeeperSystem(node);
    // A TCP proxy in front of the node that starts accepting only after 1.5 s: ECONNREFUSED until then.
    const port = await freePort();
    const target = new URL(node.url);
    let proxy: Server | undefined;
    const sockets = new Set<Socket>();
    const opened = new Promise<void>((resolve) => {
      setTimeout(() => {
        proxy = createServer((socket) => {
          sockets.add(socket);
          const upstream = connect(Number(target.port), target.hostname);
          socket.pipe(upstream).pipe(socket);
          socket.on("error", () => upstream.destroy());
          upstream.on("error", () => socket.destroy());
        });
        proxy.listen(port, "127.0.0.1", () => resolve());
      }, 1_500);
    });
    try {
      const ctx = context(sys, `http://127.0.0.1:${port}`);
      const report = await runKeeperCycle(ctx);
      await opened;
      assert.equal(report.status, "settled");
      assert.equal(await finalizedEvents(node, sys.addresses["settlement"]!), 1);
    } finally {
      await opened;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (proxy === undefined ? resolve() : proxy.close(() => resolve())));
    }
  });
});
