import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { DASHBOARD_HELP_PORT } from "../../../src/cli/commands/dashboard.ts";
import { main } from "../../../src/cli/main.ts";
import { DEFAULT_DASHBOARD_PORT } from "../../../src/dashboard/server.ts";
import type { DashboardSnapshot } from "../../../src/dashboard/snapshot.ts";
import { FIXTURE_PATH } from "../../dashboard/helpers.ts";
import { captureStderr, closedRpcUrl, rpcBridge } from "../../helpers/rpcBridge.ts";
import { startDashboardProcess, type DashboardProcess } from "../../helpers/dashboardProcess.ts";

const { ethers, provider } = await network.create();

/** The in-process chain over HTTP; with `tamperLogs`, a lying node. */
const bridgeTo = (tamperLogs = false): ReturnType<typeof rpcBridge> =>
  rpcBridge(provider, (method, result) => (tamperLogs ? tamper(method, result) : result));

/** A lying node: flips the last hex digit of every log's data, so that audit chains no longer verify. */
function tamper(method: string, result: unknown): unknown {
  if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
  return (result as { data: string }[]).map((log) => ({
    ...log,
    data: log.data.length > 2 ? `${log.data.slice(0, -1)}${log.data.endsWith("0") ? "1" : "0"}` : log.data,
  }));
}

/** Starts `portfolio dashboard …` (the TypeScript source) in a child process once it listens. */
const startCli = (args: string[]): Promise<DashboardProcess> => startDashboardProcess("src/cli/main.ts", args);

/** Runs the CLI in-process and captures stderr. */
const run = (argv: string[]): Promise<{ code: number; stderr: string }> => captureStderr(() => main(argv));

describe("portfolio dashboard", function () {
  this.timeout(30_000);

  it("refuses to start without exactly one source, with a bad port or a bad snapshot (exit 2)", async () => {
    expect(await run(["dashboard"])).to.deep.include({ code: 2 });
    const both = await run(["dashboard", "--rpc", "http://127.0.0.1:1", "--snapshot", FIXTURE_PATH]);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.contain("give exactly one of --rpc URL or --snapshot FILE [SOURCE_REQUIRED]");
    const port = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--port", "70000"]);
    expect(port.stderr).to.contain("--port: expected a TCP port");

    const dir = mkdtempSync(join(tmpdir(), "dash-cli-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1 }));
    const invalid = await run(["dashboard", "--snapshot", bad, "--port", "0"]);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.contain(`${bad}:generatedAt: Required [SNAPSHOT_INVALID]`);
    const busWithFile = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--bus", "memory:"]);
    expect(busWithFile.code).to.equal(2);
    expect(busWithFile.stderr).to.contain("[BUS_NEEDS_RPC]");
    const badBus = await run([
      "dashboard",
      "--rpc",
      "http://127.0.0.1:1",
      "--deployment",
      join(dir, "none.json"),
      "--bus",
      "http://x",
    ]);
    expect(badBus.code).to.equal(2);
    const deployment = await run(["dashboard", "--rpc", "http://127.0.0.1:1", "--deployment", join(dir, "none.json")]);
    expect(deployment.code).to.equal(2);
    expect(deployment.stderr).to.contain("[DEPLOYMENT_UNREADABLE]");
    const storeWithFile = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--metrics-db", join(dir, "m.sqlite")]);
    expect(storeWithFile.code).to.equal(2);
    expect(storeWithFile.stderr).to.contain(
      "--metrics-db is read together with --rpc, not with --snapshot [OPTION_NEEDS_RPC]",
    );
    // Both missing, both named, before the deployment file or the RPC is read.
    const missing = await run([
      "dashboard",
      "--rpc",
      "http://127.0.0.1:1",
      "--deployment",
      join(dir, "none.json"),
      "--constraint-sets",
      join(dir, "no-dir"),
      "--metrics-db",
      join(dir, "no.sqlite"),
    ]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain(`--constraint-sets: no directory ${join(dir, "no-dir")}`);
    expect(missing.stderr).to.contain(`--metrics-db: no metrics store at ${join(dir, "no.sqlite")}`);
  });

  it("checks the bus URL before the RPC, names a dead RPC and a port in use, one line each (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dash-errors-"));
    const deployment = join(dir, "localhost.json");
    writeFileSync(deployment, JSON.stringify({ chainId: 31337, contracts: {} }));
    const dead = await closedRpcUrl();

    // Were the RPC contacted first, this would be RPC_UNREACHABLE.
    const badBus = await run(["dashboard", "--rpc", dead, "--deployment", deployment, "--bus", "http://x"]);
    expect(badBus.code).to.equal(2);
    expect(badBus.stderr).to.match(
      /^portfolio: bus: expected memory: or nats:\/\/host:port, got "http:\/\/x" \[BUS_INVALID_URL\]\n$/,
    );

    const deadRpc = await run(["dashboard", "--rpc", dead, "--deployment", deployment]);
    expect(deadRpc.code).to.equal(2);
    expect(deadRpc.stderr).to.match(
      new RegExp(`^portfolio: --rpc: cannot reach the JSON-RPC endpoint ${dead}: .*\\[RPC_UNREACHABLE\\]\n$`),
    );

    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    try {
      const port = String((busy.address() as AddressInfo).port);
      const inUse = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--port", port]);
      expect(inUse.code).to.equal(2);
      expect(inUse.stderr).to.equal(
        `portfolio: --port: 127.0.0.1:${port} is already in use; pick another --port (0 = any free) [PORT_IN_USE]\n`,
      );
    } finally {
      busy.close();
    }

    const both = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--port", "x", "--interval", "0"]);
    expect(both.stderr).to.match(/--port: expected a TCP port, got "x"; --interval: .*\(2 problems\) \[PORT_INVALID\]/);
  });

  it("--help shows the port the dashboard listens on by default", () => {
    expect(DASHBOARD_HELP_PORT).to.equal(DEFAULT_DASHBOARD_PORT);
  });

  it("serves a snapshot file and stops cleanly on SIGTERM", async () => {
    const cli = await startCli(["--snapshot", FIXTURE_PATH, "--port", "0", "--interval", "60"]);
    const snapshot = (await (await fetch(new URL("api/snapshot", cli.url))).json()) as { portfolio: { id: string } };
    expect(snapshot.portfolio.id).to.equal("dao-treasury");
    const { code, stdout } = await cli.stop();
    expect(code).to.equal(0);
    expect(stdout).to.contain("dashboard stopped");
  });

  it("with --rpc, verifies the deployment's audited contracts and leaves unwired panels empty", async () => {
    const harness = await ethers.deployContract("TamperableAudited");
    await (await harness.honest(ethers.ZeroAddress, ethers.zeroPadValue(ethers.toBeHex(1), 20))).wait();
    const [deployer] = await ethers.getSigners();
    const dir = mkdtempSync(join(tmpdir(), "dash-rpc-"));
    const deployment = join(dir, "localhost.json");
    // A name the deployment schema does not know is not checked; a known name must hold its contract.
    const contracts = { TamperableAudited: await harness.getAddress() };
    writeFileSync(deployment, JSON.stringify({ chainId: 31337, contracts, blockNumber: 0 }));
    const bridge = await bridgeTo();
    try {
      const wrongChain = join(dir, "mainnet.json");
      writeFileSync(wrongChain, JSON.stringify({ chainId: 1, contracts }));
      const mismatch = await run(["dashboard", "--rpc", bridge.url, "--deployment", wrongChain]);
      expect(mismatch.code).to.equal(2);
      expect(mismatch.stderr).to.contain("is for chain 1, the RPC serves chain 31337 [WRONG_CHAIN]");
      // The harness named as the vault, an account named as the token: refused, naming the first.
      const misnamed = join(dir, "misnamed.json");
      const claimed = { PortfolioVault: contracts.TamperableAudited, PortfolioToken: deployer!.address };
      writeFileSync(misnamed, JSON.stringify({ chainId: 31337, contracts: claimed }));
      const wrong = await run(["dashboard", "--rpc", bridge.url, "--deployment", misnamed]);
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.contain(
        `${misnamed}:contracts.PortfolioVault: ${contracts.TamperableAudited} is not a PortfolioVault`,
      );
      expect(wrong.stderr).to.contain("[DEPLOYMENT_CONTRACT_MISMATCH]");

      const cli = await startCli([
        "--rpc",
        bridge.url,
        "--deployment",
        deployment,
        "--port",
        "0",
        "--portfolio",
        "main",
      ]);
      const snapshot = (await (await fetch(new URL("api/snapshot", cli.url))).json()) as DashboardSnapshot;
      const html = await (await fetch(cli.url)).text();
      expect(await cli.stop()).to.include({ code: 0 });
      expect(snapshot.portfolio).to.deep.equal({ id: "main", address: null, chainId: 31337 });
      expect(snapshot.audit).to.have.length(1);
      expect(snapshot.audit![0]).to.deep.include({
        name: "TamperableAudited",
        count: 1,
        ok: true,
        head: await harness.auditHead(),
      });
      expect(snapshot.parameters).to.equal(null);
      expect(snapshot.settlements).to.equal(null);
      expect(html).to.contain('data-testid="audit-status-TamperableAudited">✔ intact<');
      expect(html).to.contain('data-testid="settlements-empty">No settlement data yet.<');
    } finally {
      bridge.server.close();
    }
  });

  it("with --bus, publishes one chain-break alert for a broken audit chain and shows it", async () => {
    const harness = await ethers.deployContract("TamperableAudited");
    await (await harness.honest(ethers.ZeroAddress, ethers.zeroPadValue(ethers.toBeHex(2), 20))).wait();
    const dir = mkdtempSync(join(tmpdir(), "dash-bus-"));
    const deployment = join(dir, "localhost.json");
    const contracts = { TamperableAudited: await harness.getAddress() };
    const fromBlock = (await ethers.provider.getBlockNumber()) - 1;
    writeFileSync(deployment, JSON.stringify({ chainId: 31337, contracts, blockNumber: fromBlock }));
    const bridge = await bridgeTo(true);
    try {
      const cli = await startCli(["--rpc", bridge.url, "--deployment", deployment, "--port", "0", "--bus", "memory:"]);
      const api = new URL("api/snapshot", cli.url);
      const first = (await (await fetch(api)).json()) as DashboardSnapshot;
      const second = (await (await fetch(api)).json()) as DashboardSnapshot;
      expect(await cli.stop()).to.include({ code: 0 });
      expect(first.audit![0]!.ok).to.equal(false);
      // The start-up snapshot found the break and published it; later snapshots do not repeat it.
      for (const snap of [first, second]) {
        expect(snap.alerts!.map((a) => [a.kind, a.severity, a.portfolio])).to.deep.equal([
          ["chain-break", "critical", "portfolio"],
        ]);
      }
      expect(second.alerts![0]!.message).to.contain("TamperableAudited audit chain");
      expect(second.metrics).to.equal(null); // nothing on analytics.portfolio yet
    } finally {
      bridge.server.close();
    }
  });
});
