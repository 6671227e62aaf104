// One keeper cycle per optimiser type the registry can choose besides MARKOWITZ (runCycle.test.ts):
// BLACK_LITTERMAN with signed views, ERC with pinned risk budgets, HRP.
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { legacyViewsProblem } from "../../../src/audit/legacyProblem.ts";
import { replayInstruction } from "../../../src/audit/replayInstruction.ts";
import { PortfolioError } from "../../../src/errors.ts";
import { estimateCovariance } from "../../../src/optimizer/estimators/covariance.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { toRows } from "../../../src/optimizer/matrix.ts";
import { runKeeperCycle } from "../../../src/keeper/cycle/runCycle.ts";
import { EMPTY_VIEW_SET_COMMITMENT, inputsDirectory, loadInputs, sha256Hex } from "../../../src/protocol/inputs.ts";
import { signViewSet } from "../../../src/views/signedViewSet.ts";
import { investorViewDigest, investorViewDomain, viewSetCommitment } from "../../../src/views/typedData.ts";
import { riskBudgetsHash, riskBudgetsToWad } from "../../../src/keeper/cycle/riskBudgets.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../../helpers/keeperSystem.ts";
import { cycleContext as context } from "../../helpers/cycleContext.ts";

describe("keeper cycle by optimiser type (hardhat node)", function () {
  this.timeout(120_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
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
});
