import { expect } from "chai";
import { Command } from "commander";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, custom, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { parseEvidenceDescription } from "../../../src/backtest/evidenceDescription.ts";
import { govCommand, type GovDependencies } from "../../../src/cli/commands/gov.ts";
import { main } from "../../../src/cli/main.ts";
import { EXIT_CODES, PortfolioError } from "../../../src/errors.ts";
import { sha256Hex } from "../../../src/protocol/inputs.ts";
import { randomPrices, toCsv } from "../../helpers/backtestPrices.ts";
import { captureStderr } from "../../helpers/rpcBridge.ts";
import type { Address } from "viem";
import { deployGovernance } from "../../../src/chain/deployGovernance.ts";
import { connection, ethers, genesisFor, networkHelpers } from "../../contracts/governance/fixture.ts";

const MNEMONIC = "test test test test test test test test test test test junk";

/** The constraint-set JSON in force: the genesis registry's contentHash is its sha256. */
const GENESIS_CONSTRAINT_SET = `${JSON.stringify({ constraints: { bounds: { lower: 0, upper: 0.3 } } }, null, 2)}\n`;

/** The governance fixture, its genesis constraint set naming {@link GENESIS_CONSTRAINT_SET}. */
async function evidenceFixture(): Promise<{ deployment: unknown }> {
  const [, voter, , o1, o2, o3, signer, keeper] = await ethers.getSigners();
  const genesis = genesisFor([signer!.address as Address], [keeper!.address as Address]);
  const deployed = await deployGovernance(connection, {
    safeOwners: [o1!, o2!, o3!].map((o) => o.address as Address),
    tokenHolder: voter!.address as Address,
    genesis: { ...genesis, constraints: { ...genesis.constraints, contentHash: sha256Hex(GENESIS_CONSTRAINT_SET) } },
  });
  await deployed.token.connect(voter!).delegate(voter!.address);
  return deployed;
}

describe("portfolio gov propose --backtest / gov verify-evidence (in-process chain)", () => {
  let dir: string;
  let deploymentFile: string;
  let output: string;
  let inForce: string;
  const publicClient = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;
  const prices = randomPrices(["WETH", "WBTC", "USDC", "LINK"], 160, 7);

  const deps: GovDependencies = {
    connect: (_rpc, { wallet }) =>
      wallet
        ? {
            publicClient,
            walletClient: createWalletClient({
              // The voter: holds and delegates the whole supply, so it may propose.
              account: mnemonicToAccount(MNEMONIC, { addressIndex: 1 }),
              transport: custom(connection.provider),
            }),
          }
        : { publicClient },
    write: (text) => {
      output += text;
    },
  };

  async function gov(...args: string[]): Promise<string> {
    output = "";
    const program = new Command("portfolio").exitOverride().addCommand(govCommand(deps));
    await program.parseAsync(["gov", ...args], { from: "user" });
    return output;
  }

  async function govError(...args: string[]): Promise<PortfolioError> {
    try {
      await gov(...args);
    } catch (error) {
      expect(error).to.be.instanceOf(PortfolioError);
      return error as PortfolioError;
    }
    throw new Error(`gov ${args.join(" ")} did not fail`);
  }

  function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  const proposeArgs = (extra: string[]): string[] => [
    "propose",
    "--deployment",
    deploymentFile,
    "--set-parameters",
    file("params.json", JSON.stringify({ riskAversion: 8 })),
    "--backtest",
    file("prices.csv", toCsv(prices)),
    "--lookback",
    "40",
    "--evidence-out",
    join(dir, "evidence"),
    "--constraint-json",
    inForce,
    ...extra,
  ];

  /** `gov verify-evidence <id>` of the report and prices proposeArgs wrote, the in-force JSON given. */
  const verifyArgs = (id: string, extra: string[] = []): string[] => [
    ...["verify-evidence", id, "--deployment", deploymentFile],
    ...["--report", join(dir, "evidence", "evidence.json"), "--prices", join(dir, "prices.csv")],
    ...["--constraint-json", inForce],
    ...extra,
  ];

  beforeEach(async () => {
    const f = await networkHelpers.loadFixture(evidenceFixture);
    dir = mkdtempSync(join(tmpdir(), "gov-evidence-"));
    deploymentFile = file("localhost.json", JSON.stringify(f.deployment));
    inForce = file("cs-now.json", GENESIS_CONSTRAINT_SET);
  });

  it("a dry run puts sha256 of the written evidence.json and its summary in the description", async () => {
    const text = await gov(...proposeArgs(["--dry-run"]));
    const description = /Description: ([\s\S]*)\nDry run: nothing sent\./.exec(text)?.[1] ?? "";
    const claim = parseEvidenceDescription(description);
    const bytes = readFileSync(join(dir, "evidence", "evidence.json"));
    expect(claim?.sha256).to.equal(sha256Hex(bytes));
    const report = JSON.parse(bytes.toString("utf8")) as { summary: string; inputs: { lookback: number } };
    expect(claim?.summary).to.equal(report.summary);
    expect(report.summary).to.match(/^backtest .*, calendar:monthly: Sharpe .* → .*, max drawdown/);
    expect(report.inputs.lookback).to.equal(40);
    expect(description).to.match(/^ModelRegistry: set strategy parameters: riskAversion 2\.5 → 8\n\nEvidence: sha256 /);
    expect(readFileSync(join(dir, "evidence", "evidence.svg"), "utf8")).to.match(/^<svg /);
  });

  it("backtests the vault's assets in vault order when the deployment lists the vault", async () => {
    const [owner] = await ethers.getSigners();
    const tokens = [];
    for (const symbol of ["LINK", "WBTC", "WETH", "USDC"])
      tokens.push(await ethers.deployContract("MockERC20", [symbol, symbol, 18]));
    const vault = await ethers.deployContract("PortfolioVault", [
      await owner!.getAddress(),
      await owner!.getAddress(),
      await Promise.all(tokens.map((t) => t.getAddress())),
    ]);
    const withVault = JSON.parse(readFileSync(deploymentFile, "utf8")) as { contracts: Record<string, string> };
    withVault.contracts["PortfolioVault"] = await vault.getAddress();
    deploymentFile = file("with-vault.json", JSON.stringify(withVault));
    await gov(...proposeArgs(["--dry-run"]));
    const report = JSON.parse(readFileSync(join(dir, "evidence", "evidence.json"), "utf8")) as {
      inputs: { assets: string[] };
    };
    expect(report.inputs.assets).to.deep.equal(["LINK", "WBTC", "WETH", "USDC"]);

    const twoColumns = file(
      "two.csv",
      toCsv({ ...prices, columns: ["WETH", "WBTC", "USDC"], rows: prices.rows.map((r) => r.slice(0, 3)) }),
    );
    const error = await govError(...proposeArgs(["--backtest", twoColumns, "--dry-run"]));
    expect([error.path, EXIT_CODES[error.kind]]).to.deep.equal(["--backtest", 2]);
    expect(error.message).to.contain("LINK");
  });

  it("verify-evidence confirms a sent proposal's report, and refuses a tampered report or other prices", async () => {
    const sent = await gov(...proposeArgs([]));
    const id = /Proposed #(\d+)/.exec(sent)?.[1] ?? "";
    const reportFile = join(dir, "evidence", "evidence.json");
    const verified = await gov(...verifyArgs(id));
    expect(verified).to.match(/^verified: sha256 0x[0-9a-f]{64} — backtest /);

    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { proposed: { metrics: { sharpe: number } } };
    report.proposed.metrics.sharpe += 0.25;
    const tampered = file("tampered.json", JSON.stringify(report));
    const a = await govError(...verifyArgs(id, ["--report", tampered]));
    expect(a.code).to.equal("EVIDENCE_MISMATCH");
    expect(EXIT_CODES[a.kind]).to.equal(3);
    expect(output).to.contain("claimed hash");
    expect(output).to.contain("proposed.metrics.sharpe");

    const other = file("other.csv", toCsv(randomPrices(["WETH", "WBTC", "USDC", "LINK"], 160, 8)));
    const b = await govError(...verifyArgs(id, ["--prices", other]));
    expect(b.code).to.equal("EVIDENCE_MISMATCH");
    expect(output).to.contain("inputs.pricesSha256");

    const none = await govError(...verifyArgs("12345"));
    expect([none.code, none.path, EXIT_CODES[none.kind]]).to.deep.equal(["PROPOSAL_NOT_FOUND", "<proposal-id>", 2]);
  });

  it("verify-evidence holds the constraint-set JSON to the registry's contentHash: one line naming it, exit 3; none given, exit 2", async () => {
    const sent = await gov(...proposeArgs([]));
    const id = /Proposed #(\d+)/.exec(sent)?.[1] ?? "";
    // Looser bounds than the registry's document: evidence recomputed from it would "verify" without the check.
    const looser = file("cs-looser.json", GENESIS_CONSTRAINT_SET.replace("0.3", "0.6"));
    const a = await govError(...verifyArgs(id, ["--constraint-json", looser]));
    expect([a.code, a.path, EXIT_CODES[a.kind]]).to.deep.equal([
      "CONSTRAINT_SET_HASH_MISMATCH",
      "--constraint-json",
      3,
    ]);
    expect(a.message).to.match(
      /cs-looser\.json has sha256 0x[0-9a-f]{64}, not 0x[0-9a-f]{64}, the registry's contentHash at block \d+ \(the constraint set in force when proposed\)$/,
    );
    const b = await govError(...verifyArgs(id, ["--proposed-constraint-json", looser]));
    expect([b.code, b.path, EXIT_CODES[b.kind]]).to.deep.equal([
      "CONSTRAINT_SET_HASH_MISMATCH",
      "--proposed-constraint-json",
      3,
    ]);
    expect(b.message).to.contain("the contentHash the proposal keeps");
    const c = await govError(
      ...["verify-evidence", id, "--deployment", deploymentFile],
      ...["--report", join(dir, "evidence", "evidence.json"), "--prices", join(dir, "prices.csv")],
    );
    expect([c.code, c.path, EXIT_CODES[c.kind]]).to.deep.equal(["CONSTRAINT_JSON_MISSING", "--constraint-json", 2]);
    expect(c.message).to.contain(sha256Hex(GENESIS_CONSTRAINT_SET));
  });

  it("propose --backtest refuses a constraint-set JSON the registry does not name, before anything is sent", async () => {
    const looser = file("cs-looser.json", GENESIS_CONSTRAINT_SET.replace("0.3", "0.6"));
    const a = await govError(...proposeArgs(["--constraint-json", looser]));
    expect([a.code, a.path, EXIT_CODES[a.kind]]).to.deep.equal([
      "CONSTRAINT_SET_HASH_MISMATCH",
      "--constraint-json",
      3,
    ]);
    const args = proposeArgs([]);
    const at = args.indexOf("--constraint-json");
    const b = await govError(...args.slice(0, at), ...args.slice(at + 2));
    expect([b.code, b.path, EXIT_CODES[b.kind]]).to.deep.equal(["CONSTRAINT_JSON_MISSING", "--constraint-json", 2]);
  });

  it("verify-evidence refuses a report made for another change than the proposal's calldata", async () => {
    // A report for riskAversion 8, claimed by a proposal that sets riskAversion 3.
    await gov(...proposeArgs(["--dry-run"]));
    const reportFile = join(dir, "evidence", "evidence.json");
    const bytes = readFileSync(reportFile);
    const { summary } = JSON.parse(bytes.toString("utf8")) as { summary: string };
    const sent = await gov(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-parameters",
      file("other-params.json", JSON.stringify({ riskAversion: 3 })),
      "--description",
      `riskAversion 3\n\nEvidence: sha256 ${sha256Hex(bytes)} — ${summary}`,
    );
    const id = /Proposed #(\d+)/.exec(sent)?.[1] ?? "";
    const error = await govError(...verifyArgs(id));
    expect(error.code).to.equal("EVIDENCE_MISMATCH");
    expect(output).to.contain("proposed problem ≠ the keeper's under the proposal's calldata");
    expect(output).not.to.contain("current problem");
    expect(output).not.to.contain("claimed hash");
  });

  it("a constraint-set proposal compares the JSON in force with the proposed one; the verifier needs both", async () => {
    const nextText = JSON.stringify({ constraints: { bounds: { lower: 0.1, upper: 0.3 } } });
    const next = file("cs-next.json", nextText);
    const setConstraints = {
      maxPositionWeight: "0.35",
      uri: "ipfs://constraints-v2",
      contentHash: sha256Hex(nextText),
    };
    const sent = await gov(
      ...proposeArgs(["--proposed-constraint-json", next]).filter(
        (a) => a !== "--set-parameters" && !a.endsWith("params.json"),
      ),
      "--set-constraints",
      file("constraints.json", JSON.stringify(setConstraints)),
    );
    const id = /Proposed #(\d+)/.exec(sent)?.[1] ?? "";
    const report = JSON.parse(readFileSync(join(dir, "evidence", "evidence.json"), "utf8")) as {
      current: { problem: { constraints: { bounds: { lower: number; upper: number } } } };
      proposed: { problem: { constraints: { bounds: { lower: number; upper: number } } } };
    };
    expect(report.current.problem.constraints.bounds.lower).to.equal(0);
    expect(report.proposed.problem.constraints.bounds.lower).to.equal(0.1);
    expect(await gov(...verifyArgs(id, ["--proposed-constraint-json", next]))).to.match(/^verified: /);
    // Without the proposed JSON the one in force stands for it, and its hash is not the proposal's.
    const error = await govError(...verifyArgs(id));
    expect([error.code, error.path]).to.deep.equal(["CONSTRAINT_SET_HASH_MISMATCH", "--proposed-constraint-json"]);
    expect(error.message).to.contain("the contentHash the proposal's setConstraintSet call sets");
  });

  it("bad backtest input is refused before anything is sent, naming the option", async () => {
    const holey = toCsv(prices)
      .split("\n")
      .map((line, i) => (i === 120 ? line.replace(/,[^,]+$/, ",") : line))
      .join("\n");
    const cases: [string[], string, string][] = [
      [["--rebalance", "drift:0.99"], "POLICY_NEVER_FIRES", "--rebalance"],
      [["--rebalance", "calendar:yearly"], "POLICY_INVALID", "--rebalance"],
      [["--lookback", "500"], "WINDOW_TOO_SHORT", "--lookback"],
      [["--backtest-from", "2030-01-01"], "DATE_OUT_OF_RANGE", "--backtest-from"],
      [["--backtest-from", "2020-01-02"], "WINDOW_TOO_SHORT", "--backtest-from"],
      [["--backtest", file("holey.csv", holey)], "MISSING_PRICE", "--backtest"],
    ];
    for (const [extra, code, path] of cases) {
      const error = await govError(...proposeArgs(extra));
      expect([error.code, error.path, EXIT_CODES[error.kind]], extra.join(" ")).to.deep.equal([code, path, 2]);
    }
  });

  it("evidence options need --backtest, and --backtest a parameter or constraint-set change", async () => {
    const orphan = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--add-signer",
      deploymentFile,
      "--evidence-out",
      dir,
    );
    expect([orphan.code, orphan.path]).to.deep.equal(["OPTION_NEEDS_BACKTEST", "--evidence-out"]);
    const nothing = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--backtest",
      file("p.csv", toCsv(prices)),
    );
    expect([nothing.code, nothing.path]).to.deep.equal(["EVIDENCE_NOTHING_TO_COMPARE", "--backtest"]);
  });

  it("through main(): a bad --lookback is one line naming it, exit 2, before any RPC", async () => {
    const { code, stderr } = await captureStderr(() =>
      main([
        "gov",
        "propose",
        "--rpc",
        "http://127.0.0.1:9",
        "--set-parameters",
        "p.json",
        "--backtest",
        "p.csv",
        "--lookback",
        "ten",
      ]),
    );
    expect(code).to.equal(2);
    expect(stderr.trim()).to.equal('portfolio: --lookback: must be an integer, got "ten" [OPTION_INVALID]');
  });
});
