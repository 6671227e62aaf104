// `portfolio keeper run`'s observability options as a process: bad values listed with the other
// options' problems in one line (exit 2), and a metrics port in use refused before any cycle.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
