import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigReport } from "../../../src/cli/actions/config.ts";

const SETTINGS_ENV = ["PORTFOLIO_RPC", "PORTFOLIO_DEPLOYMENT", "PORTFOLIO_BUS", "PORTFOLIO_CONFIG"];
const CLI = new URL("../../../src/cli/main.ts", import.meta.url).pathname;

/** Runs the CLI in `cwd` with only the settings `env` gives (none inherited from the caller). */
function run(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { code: number | null; out: string; err: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SETTINGS_ENV.includes(key)));
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...base, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function report(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ConfigReport {
  const r = run(["config", "show", "--json", ...args], cwd, env);
  expect(r.code, r.err).to.equal(0);
  return JSON.parse(r.out) as ConfigReport;
}

describe("cli: portfolio config show (src/cli/commands/config.ts)", () => {
  it("with nothing configured every setting is unset", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    const r = report([], cwd);
    expect(r.configFile).to.equal(null);
    expect(r.settings.map((s) => s.source)).to.deep.equal(["unset", "unset", "unset"]);
  });

  it("reads ./portfolio.config.json, the environment over it and a flag over both, naming each source", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    const file = join(cwd, "portfolio.config.json");
    writeFileSync(
      file,
      JSON.stringify({ rpc: "http://file:1", deployment: "deployments/localhost.json", bus: "nats://f:1" }),
    );
    const r = report(["--bus", "nats://flag:1"], cwd, { PORTFOLIO_RPC: "http://env:1" });
    expect(r.configFile).to.equal(file);
    expect(r.configFileFrom).to.equal("./portfolio.config.json");
    expect(r.settings).to.deep.equal([
      { key: "rpc", flag: "--rpc", value: "http://env:1", source: "env", origin: "PORTFOLIO_RPC" },
      {
        key: "deployment",
        flag: "--deployment",
        value: join(cwd, "deployments/localhost.json"),
        source: "config",
        origin: file,
      },
      { key: "bus", flag: "--bus", value: "nats://flag:1", source: "flag", origin: null },
    ]);
  });

  it("prints a table naming the config file, without colour off a terminal", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    const file = join(cwd, "ops.json");
    writeFileSync(file, JSON.stringify({ rpc: "http://file:1" }));
    const r = run(["config", "show"], cwd, { PORTFOLIO_CONFIG: file });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.contain(`config file: ${file} (PORTFOLIO_CONFIG)`);
    expect(r.out).to.match(/│ --rpc\s+│ http:\/\/file:1 │ config \(.*ops\.json\)/);
    expect(r.out).to.not.contain("\u001b[");
  });

  it("a config file fills a command's required options (keeper once then asks only for --prices)", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    writeFileSync(
      join(cwd, "portfolio.config.json"),
      JSON.stringify({ rpc: "http://127.0.0.1:1", deployment: "d.json" }),
    );
    const r = run(["keeper", "once"], cwd);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("portfolio: required option '--prices <csv>' not specified [OPTION_MISSING]\n");
  });

  it("a bad config file is one line naming the file and key, exit 2", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    const file = join(cwd, "portfolio.config.json");
    writeFileSync(file, JSON.stringify({ rpc: 8545 }));
    const r = run(["gov", "status"], cwd);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal(`portfolio: ${file}: rpc: expected a non-empty string, got 8545 [CONFIG_VALUE_INVALID]\n`);
    writeFileSync(file, "{");
    const malformed = run(["config", "show"], cwd);
    expect(malformed.code).to.equal(2);
    expect(malformed.err).to.match(new RegExp(`^portfolio: ${file}: not valid JSON: .*\\[CONFIG_MALFORMED\\]\\n$`));
  });

  it("--help, and commands without these options, work beside a broken config file", () => {
    const cwd = mkdtempSync(join(tmpdir(), "portfolio-config-show-"));
    writeFileSync(join(cwd, "portfolio.config.json"), "{");
    expect(run(["gov", "status", "--help"], cwd).code).to.equal(0);
    const weights = join(cwd, "w.json");
    const prices = join(cwd, "p.json");
    writeFileSync(weights, JSON.stringify({ weights: { A: 1 } }));
    writeFileSync(prices, JSON.stringify({ A: 10 }));
    const r = run(["allocate", "--weights", weights, "--prices", prices, "--nav", "100"], cwd);
    expect(r.code, r.err).to.equal(0);
  });
});
