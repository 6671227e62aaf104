// `portfolio audit verify|replay` refuses a dead endpoint, a deployment for another chain and an
// address without its contract up front, one line each, exit 2, before reading any log.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { main } from "../../../src/cli/main.ts";
import { captureStderr, closedRpcUrl, rpcBridge } from "../../helpers/rpcBridge.ts";

const { ethers, provider } = await network.create();
const run = (argv: string[]): Promise<{ code: number; stderr: string }> => captureStderr(() => main(argv));
const INSTRUCTION = `0x${"ab".repeat(32)}`;

describe("portfolio audit: endpoint and deployment checks", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it("a dead --rpc is RPC_UNREACHABLE for verify and replay; no target is AUDIT_TARGET_MISSING", async () => {
    const dead = await closedRpcUrl();
    const line = new RegExp(
      `^portfolio: --rpc: cannot reach the JSON-RPC endpoint ${dead}: .*\\[RPC_UNREACHABLE\\]\\n$`,
    );
    const verify = await run(["audit", "verify", "--rpc", dead, "--address", `0x${"1".repeat(40)}`]);
    expect(verify.code).to.equal(2);
    expect(verify.stderr).to.match(line);
    const deployment = file("keeper.json", {
      chainId: 31337,
      contracts: {},
      keeper: { settlement: `0x${"1".repeat(40)}`, vault: `0x${"2".repeat(40)}`, venue: `0x${"3".repeat(40)}` },
    });
    const replay = await run([
      "audit",
      "replay",
      "--rpc",
      dead,
      "--deployment",
      deployment,
      "--instruction",
      INSTRUCTION,
    ]);
    expect(replay.code).to.equal(2);
    expect(replay.stderr).to.match(line);
    const none = await run(["audit", "verify", "--rpc", dead]);
    expect(none).to.deep.include({ code: 2 });
    expect(none.stderr).to.contain("[AUDIT_TARGET_MISSING]");
  });

  it("a deployment for another chain is WRONG_CHAIN; an address without its contract, in the file or as --address, is DEPLOYMENT_CONTRACT_MISMATCH", async () => {
    const harness = await ethers.deployContract("TamperableAudited");
    const [deployer] = await ethers.getSigners();
    const bridge = await rpcBridge(provider);
    try {
      const mainnet = file("mainnet.json", {
        chainId: 1,
        contracts: { TamperableAudited: await harness.getAddress() },
      });
      const wrongChain = await run(["audit", "verify", "--rpc", bridge.url, "--deployment", mainnet]);
      expect(wrongChain.code).to.equal(2);
      expect(wrongChain.stderr).to.equal(
        `portfolio: --deployment: ${mainnet} is for chain 1, the RPC serves chain 31337 [WRONG_CHAIN]\n`,
      );
      // An account (no code) named as the settlement, a contract named as the registry.
      const swapped = file("swapped.json", {
        chainId: 31337,
        contracts: { ModelRegistry: await harness.getAddress(), Settlement: deployer!.address },
      });
      const wrong = await run(["audit", "verify", "--rpc", bridge.url, "--deployment", swapped]);
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr.split("\n").filter(Boolean)).to.have.length(1);
      expect(wrong.stderr).to.match(/is not a (ModelRegistry|Settlement): .*\[DEPLOYMENT_CONTRACT_MISMATCH\]\n$/);
      // An --address that holds no audited contract: an account, then a contract without a chain.
      const account = await run(["audit", "verify", "--rpc", bridge.url, "--address", deployer!.address]);
      expect(account.code).to.equal(2);
      expect(account.stderr).to.equal(
        `portfolio: --address: ${deployer!.address} is not a ContractWithAuditChain: no contract code at this address [DEPLOYMENT_CONTRACT_MISMATCH]\n`,
      );
      const token = await ethers.deployContract("MockERC20", ["T", "T", 18]);
      const plain = await run(["audit", "verify", "--rpc", bridge.url, "--address", await token.getAddress()]);
      expect(plain.code).to.equal(2);
      expect(plain.stderr).to.match(
        /is not a ContractWithAuditChain: auditHead\(\) (returned no data|reverted or returned garbage) \[DEPLOYMENT_CONTRACT_MISMATCH\]\n$/,
      );
      const ok = await run(["audit", "verify", "--rpc", bridge.url, "--address", await harness.getAddress()]);
      expect(ok.code, ok.stderr).to.equal(0);
    } finally {
      bridge.server.close();
    }
  });
});
