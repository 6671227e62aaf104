// `portfolio keeper run`'s observability options as a process: bad values listed with the other
// options' problems in one line (exit 2), a metrics port in use refused before any cycle, and a
// keeper on a real `hardhat node` serving its cycle's metrics and posting its alerts to a webhook.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../../helpers/keeperSystem.ts";
import { parseExposition, sampleValue, samplesOf } from "../../keeper/observability/exposition.ts";
import { webhookReceiver } from "../../keeper/observability/receivers.ts";

const CLI = new URL("../../../src/cli/main.ts", import.meta.url).pathname;
// Hardhat's first account: a well-formed key; nothing is sent with it.
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const dir = mkdtempSync(join(tmpdir(), "keeper-observability-"));
const deployment = join(dir, "localhost.json");
const address = (n: number): string => `0x${n.toString(16).padStart(40, "0")}`;
writeFileSync(
  deployment,
  JSON.stringify({
    chainId: 31337,
    contracts: {},
    keeper: { settlement: address(1), vault: address(2), venue: address(3) },
  }),
);
const CONNECT = ["--rpc", "http://127.0.0.1:1", "--deployment", deployment, "--prices", join(dir, "p.csv")];

function run(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, "keeper", "run", ...CONNECT, ...args], {
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_KEEPER_KEY: KEY, PORTFOLIO_LOG_LEVEL: "silent" },
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe("portfolio keeper run: --metrics-port and --siem-*", function () {
  this.timeout(60_000);

  it("lists every bad observability value with the other options' problems, one line, exit 2", () => {
    const r = run([
      ...["--interval", "0", "--metrics-port", "70000"],
      ...["--siem-syslog", "https://siem:514", "--siem-webhook", "siem.example/hook"],
    ]);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr.split("\n").filter(Boolean)).to.have.length(1);
    expect(r.stderr).to.match(
      /^portfolio: --interval: must be a positive integer, got 0; --metrics-port: must be a port number 0–65535, got 70000; --siem-syslog: must be udp:\/\/host:port or tcp:\/\/host:port, got https:\/\/siem:514; --siem-webhook: not a URL: siem\.example\/hook \(4 problems\) \[OPTION_INVALID\]\n$/,
    );
  });

  it("refuses a metrics port in use: PORT_IN_USE, exit 2, before any cycle", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = run(["--metrics-port", String(port)]);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.equal(
        `portfolio: --metrics-port: 127.0.0.1:${port} is already in use; pick another port (0 = any free) [PORT_IN_USE]\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe("portfolio keeper run --metrics-port --siem-webhook (hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("serves the settled cycle's metrics on the logged URL and posts its alerts; SIGTERM exits 0", async () => {
    const sys = await deployKeeperSystem(node);
    const hook = await webhookReceiver((_n, res) => res.writeHead(200).end());
    const args = [
      ...["keeper", "run", "--rpc", node.url, "--deployment", sys.deploymentPath, "--prices", sys.pricesPath],
      ...["--bundle", sys.bundlePath, "--inputs-dir", join(sys.dir, "inputs"), "--interval", "3600"],
      // Any post-trade drift alerts, so the settlement raises an alert to forward.
      ...["--post-trade-drift", "0", "--metrics-port", "0", "--siem-webhook", hook.url.toString()],
    ];
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]!, PORTFOLIO_LOG_LEVEL: "info" },
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const waitFor = async <T>(read: () => T | undefined, what: string): Promise<T> => {
      for (const deadline = Date.now() + 90_000; ;) {
        const value = read();
        if (value !== undefined) return value;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${what} (exit ${String(child.exitCode)}):\n${stderr.slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      const url = await waitFor(() => {
        const line = stderr.split("\n").find((l) => l.includes('"serving Prometheus metrics"'));
        return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
      }, "metrics URL");
      const report = await waitFor(() => {
        const line = stdout.split("\n").find((l) => l.startsWith("{"));
        return line === undefined ? undefined : (JSON.parse(line) as { status: string; blockNumber: string });
      }, "cycle report");
      expect(report.status).to.equal("settled");
      await waitFor(() => (hook.bodies.length > 0 ? true : undefined), "a webhook alert");

      const page = parseExposition(await (await fetch(url)).text());
      const p = { portfolio: sys.addresses["vault"]! };
      expect(sampleValue(page, "portfolio_keeper_cycles_total", { ...p, outcome: "settled" })).to.equal(1);
      expect(sampleValue(page, "portfolio_keeper_last_settled_block", p)).to.equal(Number(report.blockNumber));
      const drift = hook.bodies.filter((b) => (b as { alert: { kind: string } }).alert.kind === "drift");
      expect(drift).to.have.length(1);
      const driftCounted = samplesOf(page, "portfolio_keeper_alerts_total")
        .filter((x) => x.labels["kind"] === "drift" && x.labels["portfolio"] === p.portfolio)
        .reduce((sum, x) => sum + x.value, 0);
      expect(driftCounted).to.equal(1);
    } finally {
      child.kill("SIGTERM");
      expect(await exited, stderr.slice(-2000)).to.equal(0);
      await hook.close();
    }
  });
});
