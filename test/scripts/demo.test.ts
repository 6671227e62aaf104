import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { custom } from "viem";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import { runDemo, type DemoReport } from "../../src/demo/runDemo.ts";
import { parseEvidenceDescription } from "../../src/backtest/evidenceDescription.ts";
import { sha256Hex } from "../../src/protocol/inputs.ts";

const root = join(import.meta.dirname, "../..");

describe("npm run demo (runDemo in-process)", function () {
  this.timeout(120_000);
  let report: DemoReport;
  let outDir: string;
  const lines: string[] = [];

  before(async function () {
    const connection = await network.create();
    outDir = mkdtempSync(join(tmpdir(), "demo-"));
    try {
      report = await runDemo({
        transport: custom(connection.provider),
        connection,
        network: "hardhat",
        root,
        outDir,
        deploymentPath: join(outDir, "hardhat.json"),
        progress: (line) => lines.push(line),
      });
    } finally {
      await connection.close();
    }
  });

  it("settles four rebalances, one per optimiser and a rotation, through the Uniswap V2 adapter", function () {
    expect(report.rebalances.map((r) => r.optimizerType)).to.deep.equal([
      "ERC",
      "MARKOWITZ",
      "BLACK_LITTERMAN",
      "MARKOWITZ",
    ]);
    const ids = new Set(report.rebalances.map((r) => r.instructionId));
    expect(ids.size).to.equal(4);
    for (const r of report.rebalances) {
      expect(r.status).to.equal("settled");
      expect(r.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Number(r.gasUsed)).to.be.greaterThan(100_000);
      expect(r.legs).to.be.greaterThan(0);
      const sum = Object.values(r.weights).reduce((s, w) => s + w, 0);
      expect(Math.abs(sum - 1)).to.be.lessThan(1e-9);
      // Settled at pool prices within the slippage budget: holdings land near the targets.
      for (const [symbol, w] of Object.entries(r.weights)) {
        expect(Math.abs((r.weightsAfter[symbol] ?? -1) - w), symbol).to.be.lessThan(0.01);
      }
      const rc = Object.values(r.riskContributions).reduce((s, x) => s + x, 0);
      expect(Math.abs(rc - 1)).to.be.lessThan(1e-9);
    }
    const bl = report.rebalances.find((r) => r.optimizerType === "BLACK_LITTERMAN");
    expect(bl?.viewsAccepted).to.equal(2);
  });

  it("rotates a fully invested portfolio in one transaction: no base token before, sells fund the buys", function () {
    const rotation = report.rebalances.at(-1);
    expect(rotation?.weightsBefore["USDC"]).to.equal(0);
    const bought = Object.entries(rotation?.weightsAfter ?? {}).filter(
      ([s, w]) => s !== "USDC" && w > (rotation?.weightsBefore[s] ?? 0) + 0.01,
    );
    expect(bought.length, "some asset bought with the sells' proceeds").to.be.greaterThan(0);
    expect(rotation?.status).to.equal("settled");
  });

  it("passes every change through the governor and the 48 h timelock", function () {
    expect(report.proposals).to.have.length(4);
    for (const p of report.proposals) expect(BigInt(p.timeTravelledSeconds)).to.be.greaterThan(48n * 3600n);
    expect(report.proposals[0]?.description).to.contain("Settlement.setVenue(");
    for (const p of report.proposals) {
      // Every proposal carries its backtest: the description's last line names sha256 of the written report.
      const claim = parseEvidenceDescription(p.description);
      expect(claim, p.description).to.not.equal(null);
      expect(p.evidence?.sha256).to.equal(claim?.sha256);
      expect(p.evidence?.summary).to.equal(claim?.summary);
      expect(sha256Hex(readFileSync(p.evidence?.file ?? ""))).to.equal(claim?.sha256);
      expect(claim?.summary).to.match(/^backtest .*, calendar:monthly: Sharpe /);
    }
  });

  it("verifies the registry's and the settlement's audit chains and writes the report and deployment", function () {
    expect(report.chainVerified).to.equal(true);
    expect(report.auditChains.map((c) => c.contract)).to.deep.equal([
      "ModelRegistry",
      "Settlement",
      "PortfolioVault",
      "ChainlinkPriceOracle",
    ]);
    for (const chain of report.auditChains) expect(chain.entries).to.be.greaterThan(0);
    const written = JSON.parse(readFileSync(join(outDir, "demo-report.json"), "utf8")) as DemoReport;
    expect(written.rebalances.map((r) => r.txHash)).to.deep.equal(report.rebalances.map((r) => r.txHash));
    const deployment = parseDeployment(JSON.parse(readFileSync(join(outDir, "hardhat.json"), "utf8")), "hardhat.json");
    expect(deployment.optimizerBuildHash).to.equal(report.optimizerBuildHash);
    expect(lines.filter((l) => l.startsWith("✔")).length).to.be.greaterThan(8);
  });
});
