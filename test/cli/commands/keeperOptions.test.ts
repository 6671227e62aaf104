// `portfolio keeper` refuses what it can check without a chain at once, every problem in one line,
// and a dead --rpc without retrying (`keeper once`; `keeper run` waits for its node instead).
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEEPER_HELP_DEFAULTS } from "../../../src/cli/commands/keeper.ts";
import { DEFAULT_POST_TRADE_DRIFT_THRESHOLD } from "../../../src/keeper/cycle/publish.ts";
import { OPTIMIZER_BUNDLE_PATH } from "../../../src/protocol/optimizerBundle.ts";

const CLI = new URL("../../../src/cli/main.ts", import.meta.url).pathname;
// Hardhat's first account: a well-formed key; nothing is sent with it.
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const dir = mkdtempSync(join(tmpdir(), "keeper-options-"));
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

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const CONNECT = ["--rpc", "http://127.0.0.1:1", "--deployment", deployment, "--prices", join(dir, "p.csv")];

function run(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, "keeper", ...args], {
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_KEEPER_KEY: KEY, PORTFOLIO_LOG_LEVEL: "silent" },
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe("portfolio keeper: options and the endpoint, before any cycle", function () {
  this.timeout(60_000);

  it("keeper once on a dead --rpc is one line RPC_UNREACHABLE, exit 2, without the cycle's retries", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const r = run(["once", "--rpc", url, "--deployment", deployment, "--prices", join(dir, "p.csv")]);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(
      new RegExp(`^portfolio: --rpc: cannot reach the JSON-RPC endpoint ${url}: .*\\[RPC_UNREACHABLE\\]\\n$`),
    );
    // The cycle's policy is 8 retries with backoff up to 10 s; the probe asks once.
    expect(Date.now() - started).to.be.lessThan(20_000);
  });

  it("lists every malformed option in one line, before contacting the endpoint", () => {
    const r = run([
      "once",
      ...["--rpc", "http://127.0.0.1:1", "--deployment", deployment, "--prices", "p.csv"],
      ...["--confirmations", "0", "--post-trade-drift", "2", "--frontier-points", "-1"],
    ]);
    expect(r.status).to.equal(2);
    expect(r.stderr.split("\n").filter(Boolean)).to.have.length(1);
    expect(r.stderr).to.match(
      /^portfolio: --confirmations: must be a positive integer, got 0; --post-trade-drift: .*; --frontier-points: .* \(3 problems\) \[OPTION_INVALID\]/,
    );
  });

  it("keeper run lists a bad --interval and --ack-wait together", () => {
    const r = run([
      "run",
      ...["--rpc", "http://127.0.0.1:1", "--deployment", deployment, "--prices", "p.csv"],
      ...["--interval", "0", "--ack-wait", "x"],
    ]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/--interval: .*; --ack-wait: .*\(2 problems\) \[OPTION_INVALID\]/);
  });

  it("lists every bad observability value with the other options' problems, one line, exit 2", () => {
    const r = run([
      "run",
      ...CONNECT,
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
      const r = run(["run", ...CONNECT, "--metrics-port", String(port)]);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.equal(
        `portfolio: --metrics-port: 127.0.0.1:${port} is already in use; pick another port (0 = any free) [PORT_IN_USE]\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it("shows the defaults the keeper uses in --help", () => {
    expect(KEEPER_HELP_DEFAULTS).to.deep.equal({
      bundle: OPTIMIZER_BUNDLE_PATH,
      postTradeDrift: DEFAULT_POST_TRADE_DRIFT_THRESHOLD,
    });
  });
});
