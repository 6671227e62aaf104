// `portfolio keeper run --metrics-port --siem-webhook` as a process on a real `hardhat node`: the
// cycle's metrics served, its alerts posted to a webhook (the options' refusals are in
// keeperOptions.test.ts).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../../helpers/keeperSystem.ts";
import { parseExposition, sampleValue, samplesOf } from "../../keeper/observability/exposition.ts";
import { webhookReceiver } from "../../keeper/observability/receivers.ts";

const CLI = new URL("../../../src/cli/main.ts", import.meta.url).pathname;

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
