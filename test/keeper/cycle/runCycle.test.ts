// One keeper cycle against a real `hardhat node`, end to end, and the faults it must survive:
// RPC down, a reverting leg, two keepers racing, a wrong optimiser build.
import { strict as assert } from "node:assert";
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { createPublicClient, http, parseEventLogs } from "viem";
import { PortfolioError } from "../../../src/errors.ts";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { runKeeperCycle } from "../../../src/keeper/cycle/runCycle.ts";
import { loadInputs, sha256Hex } from "../../../src/protocol/inputs.ts";
import { freePort, hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { KEEPER_ASSETS, deployKeeperSystem } from "../../helpers/keeperSystem.ts";
import { cycleContext as context, finalizedEvents } from "../../helpers/cycleContext.ts";

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
