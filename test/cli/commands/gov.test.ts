import { expect } from "chai";
import { Command } from "commander";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, custom, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { govCommand, type GovDependencies } from "../../../src/cli/commands/gov.ts";
import { main } from "../../../src/cli/main.ts";
import { captureStderr, closedRpcUrl } from "../../helpers/rpcBridge.ts";
import { PortfolioError } from "../../../src/errors.ts";
import { TIMELOCK_DELAY_SECONDS } from "../../../src/chain/deployGovernance.ts";
import { WAD } from "../../../src/chain/governance/types.ts";
import {
  connection,
  deployFixture,
  networkHelpers,
  type GovernanceFixture,
} from "../../contracts/governance/fixture.ts";

/** Runs the whole CLI in-process (default dependencies: HTTP JSON-RPC) and captures stderr. */
const runMain = (argv: string[]): Promise<{ code: number; stderr: string }> => captureStderr(() => main(argv));

const MNEMONIC = "test test test test test test test test test test test junk";
const { time } = networkHelpers;

describe("portfolio gov (in-process chain)", () => {
  let f: GovernanceFixture;
  let dir: string;
  let deploymentFile: string;
  let output: string;
  let walletIndex: number;
  const publicClient = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;

  const deps: GovDependencies = {
    connect: (_rpc, { wallet }) =>
      wallet
        ? {
            publicClient,
            walletClient: createWalletClient({
              account: mnemonicToAccount(MNEMONIC, { addressIndex: walletIndex }),
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

  function file(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  }

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
    walletIndex = 1; // the voter: holds and delegates the whole supply
    dir = mkdtempSync(join(tmpdir(), "gov-cli-"));
    deploymentFile = file("localhost.json", f.deployment);
    expect(mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).address).to.equal(f.voter.address);
  });

  it("status shows the genesis parameters, constraint set, counts, audit head and no proposals", async () => {
    const text = await gov("status", "--deployment", deploymentFile);
    expect(text).to.match(/Strategy parameters \(version 1\)/);
    expect(text).to.match(/riskAversion\s+2\.5\n/);
    expect(text).to.match(/maxPositionWeight\s+0\.3\n/);
    expect(text).to.match(/view signers\s+1\n/);
    expect(text).to.match(/keepers\s+1\n/);
    expect(text).to.include(`head ${await f.registry.auditHead()}`);
    expect(text).to.match(/Proposals \(0\)/);
    expect(text).to.match(/timelock 2d 0h 0m/);
    const json = JSON.parse(await gov("status", "--deployment", deploymentFile, "--json")) as {
      registry: { parametersVersion: string; auditCount: string };
    };
    expect(json.registry.parametersVersion).to.equal("1");
    expect(json.registry.auditCount).to.equal((await f.registry.auditCount()).toString());
  });

  it("runs propose → vote → queue → execute, refusing to execute before the 48 h", async () => {
    const params = file("params.json", { riskAversion: 3, maxSlippageBps: 30, optimizerType: "ERC" });
    const proposed = await gov("propose", "--deployment", deploymentFile, "--set-parameters", params);
    expect(proposed).to.include("Strategy parameters (version 1 → 2):");
    expect(proposed).to.match(/optimizerType\s+MARKOWITZ → ERC/);
    expect(proposed).to.match(/riskAversion\s+2\.5 → 3/);
    expect(proposed).to.match(/maxSlippageBps\s+50 → 30/);
    expect(proposed).not.to.match(/tau\s/);
    const id = /Proposed #(\d+)/.exec(proposed)?.[1];
    expect(id).to.not.equal(undefined);

    expect(await gov("status", "--deployment", deploymentFile)).to.match(/state\s+Pending, voting opens/);
    await time.increase((await f.governor.votingDelay()) + 1n);
    expect(await gov("vote", "--deployment", deploymentFile, "--id", id!, "--support", "for")).to.include("Voted for");
    await time.increase(await f.governor.votingPeriod());
    expect(await gov("queue", "--deployment", deploymentFile, "--id", id!)).to.include(`Queued #${id}`);
    const queued = await gov("status", "--deployment", deploymentFile);
    expect(queued).to.match(/state\s+Queued, eta .* \(in 2d 0h 0m\)/);
    const opId = /timelock op\s+(0x[0-9a-f]{64})/.exec(queued)?.[1];
    expect(opId).to.not.equal(undefined);
    expect(await f.timelock.isOperationPending(opId!)).to.equal(true);

    const early = await govError("execute", "--deployment", deploymentFile, "--id", id!);
    expect(early.code).to.equal("PROPOSAL_NOT_READY");
    await time.increase(TIMELOCK_DELAY_SECONDS);
    expect(await gov("execute", "--deployment", deploymentFile, "--id", id!)).to.include(`Executed #${id}`);

    const after = await gov("status", "--deployment", deploymentFile, "--all");
    expect(after).to.match(/Strategy parameters \(version 2\)/);
    expect(after).to.match(/optimizerType\s+ERC/);
    expect(after).to.match(/state\s+Executed/);
    expect((await f.registry.strategyParameters()).riskAversion).to.equal(3n * WAD);
  });

  it("status shows short proposal ids (--full-ids, --json the whole), --id takes the short one, actions are named", async () => {
    const params = file("params.json", { riskAversion: 3 });
    const proposed = await gov("propose", "--deployment", deploymentFile, "--set-parameters", params);
    const id = BigInt(/Proposed #(\d+)/.exec(proposed)?.[1] ?? "0");
    // A proposal no `gov propose` makes: calls on the timelock, the token and a contract it does not know.
    const calls = {
      targets: [await f.timelock.getAddress(), await f.token.getAddress(), f.outsider.address],
      calldatas: [
        f.timelock.interface.encodeFunctionData("updateDelay", [3600n]),
        f.token.interface.encodeFunctionData("delegate", [f.voter.address]),
        "0xdeadbeef",
      ],
    };
    await f.governor.connect(f.voter).propose(calls.targets, [0n, 0n, 0n], calls.calldatas, "other calls");

    const text = await gov("status", "--deployment", deploymentFile);
    const full = id.toString(16).padStart(64, "0");
    expect(text).to.contain(`  #0x${full.slice(0, 8)}…\n`);
    expect(text).to.not.contain(full);
    expect(text).to.match(/actions\s+ModelRegistry\.setStrategyParameters\n/);
    expect(text).to.contain(
      `actions      TimelockController.updateDelay, PortfolioToken.delegate, ${f.outsider.address}.0xdeadbeef`,
    );
    expect(await gov("status", "--deployment", deploymentFile, "--full-ids")).to.contain(`  #0x${full}\n`);
    const json = JSON.parse(await gov("status", "--deployment", deploymentFile, "--json")) as {
      proposals: { id: string }[];
    };
    expect(json.proposals.map((p) => p.id)).to.include(id.toString());

    await time.increase((await f.governor.votingDelay()) + 1n);
    const short = `0x${full.slice(0, 8)}…`;
    expect(await gov("vote", "--deployment", deploymentFile, "--id", short, "--support", "for")).to.include(`#${id}`);
    expect(await f.governor.hasVoted(id, f.voter.address)).to.equal(true);
    const unknown = await govError("vote", "--deployment", deploymentFile, "--id", "0x0000…", "--support", "for");
    expect(unknown.code).to.equal("PROPOSAL_NOT_FOUND");
    expect(unknown.message).to.equal("--id: no proposal of the governor has an id starting 0x0000");
  });

  it("shows the diff of a constraint set, a build pin and keeper changes in a dry run and sends nothing", async () => {
    const constraints = file("constraints.json", { maxPositionWeight: "0.25", uri: "ipfs://constraints-v2" });
    const text = await gov(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-constraints",
      constraints,
      "--pin-build",
      `0x${"12".repeat(32)}`,
      "0.2.0",
      "--add-keeper",
      f.outsider.address,
      "--dry-run",
    );
    expect(text).to.include("Constraint set (version 1 → 2):");
    expect(text).to.match(/maxPositionWeight\s+0\.3 → 0\.25/);
    expect(text).to.match(/optimizerVersion\s+0\.1\.0 → 0\.2\.0/);
    expect(text).to.include(`keeper + ${f.outsider.address}`);
    expect(text).to.include("Dry run: nothing sent.");
    expect(await f.governor.queryFilter(f.governor.filters.ProposalCreated())).to.have.length(0);
  });

  it("refuses bad input before sending, naming the field", async () => {
    const tau = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-parameters",
      file("p.json", { tau: 1.5 }),
    );
    expect([tau.code, tau.kind, tau.path]).to.deep.equal(["PARAMETER_OUT_OF_RANGE", "bad-input", `${dir}/p.json.tau`]);
    const unknown = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-parameters",
      file("q.json", { riskAversion: 3, slippage: 5 }),
    );
    expect(unknown.code).to.equal("PROPOSAL_INPUT_INVALID");
    const exp = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-parameters",
      file("r.json", { tau: 1e-7 }),
    );
    expect(exp.path).to.equal(`${dir}/r.json.tau`);
    const notJson = await govError("propose", "--deployment", deploymentFile, "--set-constraints", file("c.json", "{"));
    expect(notJson.code).to.equal("JSON_INVALID");
    const cron = await govError(
      "propose",
      "--deployment",
      deploymentFile,
      "--set-parameters",
      file("s.json", { rebalanceCalendar: "0 0 0 * * 1" }),
    );
    expect(cron.code).to.equal("CALENDAR_INVALID");
    const same = await govError("propose", "--deployment", deploymentFile, "--set-parameters", file("t.json", {}));
    expect(same.code).to.equal("PROPOSAL_NO_CHANGE");
    const dupKeeper = await govError("propose", "--deployment", deploymentFile, "--remove-keeper", f.outsider.address);
    expect(dupKeeper.code).to.equal("PROPOSAL_WOULD_REVERT");
    expect(dupKeeper.message).to.include("ModelRegistry__NotAuthorized(keeper");
    const wrongChain = await govError("status", "--deployment", file("other.json", { ...f.deployment, chainId: 1 }));
    expect(wrongChain.code).to.equal("WRONG_CHAIN");
    const badId = await govError("queue", "--deployment", deploymentFile, "--id", "12abc");
    expect(badId.code).to.equal("PROPOSAL_ID_INVALID");
    expect(await f.governor.queryFilter(f.governor.filters.ProposalCreated())).to.have.length(0);
  });

  it("refuses to propose without the threshold in votes, and to queue a proposal that is not Succeeded", async () => {
    walletIndex = 2; // the outsider: no tokens
    const params = file("params.json", { riskAversion: 3 });
    const poor = await govError("propose", "--deployment", deploymentFile, "--set-parameters", params);
    expect([poor.code, poor.kind]).to.deep.equal(["PROPOSER_VOTES_INSUFFICIENT", "rejected"]);
    walletIndex = 1;
    const proposed = await gov("propose", "--deployment", deploymentFile, "--set-parameters", params);
    const id = /Proposed #(\d+)/.exec(proposed)![1]!;
    const early = await govError("queue", "--deployment", deploymentFile, "--id", id);
    expect(early.code).to.equal("PROPOSAL_STATE");
    expect(early.message).to.include("is Pending, expected Succeeded");
  });

  it("accepts explicit addresses instead of a deployment file", async () => {
    const c = f.deployment.contracts;
    const text = await gov(
      "status",
      "--registry",
      c.ModelRegistry,
      "--governor",
      c.PortfolioGovernor,
      "--timelock",
      c.TimelockController,
      "--token",
      c.PortfolioToken,
    );
    expect(text).to.include(`ModelRegistry ${c.ModelRegistry}`);
    const missing = await govError("status", "--registry", c.ModelRegistry);
    expect([missing.code, missing.path]).to.deep.equal(["ADDRESS_MISSING", "--governor"]);
  });

  it("refuses, naming the field and the address, a deployment or flag that points at another contract", async () => {
    const c = f.deployment.contracts;
    const swapped = file("swapped.json", {
      ...f.deployment,
      contracts: { ...c, PortfolioGovernor: c.TimelockController },
    });
    const wrong = await govError("status", "--deployment", swapped);
    expect([wrong.code, wrong.kind]).to.deep.equal(["DEPLOYMENT_CONTRACT_MISMATCH", "bad-input"]);
    expect(wrong.path).to.equal(`${swapped}:contracts.PortfolioGovernor`);
    expect(wrong.message).to.include(`${c.TimelockController} is not a PortfolioGovernor`);
    const flag = await govError(
      "status",
      "--registry",
      c.PortfolioToken,
      "--governor",
      c.PortfolioGovernor,
      "--timelock",
      c.TimelockController,
      "--token",
      c.PortfolioToken,
    );
    expect([flag.code, flag.path]).to.deep.equal(["DEPLOYMENT_CONTRACT_MISMATCH", "--registry"]);
  });

  it("a deployment whose ModelRegistry is another contract's address is named before any registry call", async () => {
    const c = f.deployment.contracts;
    const swapped = file("registry.json", { ...f.deployment, contracts: { ...c, ModelRegistry: c.PortfolioGovernor } });
    const wrong = await govError("status", "--deployment", swapped);
    expect([wrong.code, wrong.path]).to.deep.equal([
      "DEPLOYMENT_CONTRACT_MISMATCH",
      `${swapped}:contracts.ModelRegistry`,
    ]);
    expect(wrong.message).to.include(`${c.PortfolioGovernor} is not a ModelRegistry`);
    expect(wrong.message).to.not.include("viem.sh");
  });

  it("through main(): a dead --rpc is one line RPC_UNREACHABLE, exit 2; bad flags are listed together", async () => {
    const url = await closedRpcUrl();
    const dead = await runMain(["gov", "status", "--rpc", url, "--deployment", deploymentFile]);
    expect(dead.code).to.equal(2);
    expect(dead.stderr).to.match(
      new RegExp(
        `^portfolio: --rpc: cannot reach the JSON-RPC endpoint ${url}: .*ECONNREFUSED.*\\[RPC_UNREACHABLE\\]\n$`,
      ),
    );
    const flags = await runMain(["gov", "status", "--rpc", url, "--registry", "0x01", "--token", "nope"]);
    expect(flags.code).to.equal(2);
    expect(flags.stderr).to.equal(
      "portfolio: --registry: not an address: 0x01; --governor: give it, or --deployment; --timelock: give it, or --deployment; --token: not an address: nope (4 problems) [ADDRESS_INVALID]\n",
    );
  });
});
