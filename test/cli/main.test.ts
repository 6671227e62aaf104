import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHAIN_SIDE, runRecordingModules } from "../helpers/cliModules.ts";

const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const BIN = new URL("../../bin/portfolio.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "portfolio-main-"));

const problem = join(dir, "problem.json");
writeFileSync(
  problem,
  JSON.stringify({
    assets: ["A", "B", "C"],
    expectedReturns: [0.08, 0.1, 0.12],
    covariance: [
      [0.04, 0.01, 0],
      [0.01, 0.09, 0.02],
      [0, 0.02, 0.16],
    ],
    objective: "max-sharpe",
  }),
);

function run(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The one stderr line every failure prints. */
function oneLine(stderr: string): string {
  const lines = stderr.split("\n").filter(Boolean);
  expect(lines, stderr).to.have.length(1);
  return lines[0] ?? "";
}

describe("cli: portfolio (src/cli/main.ts)", () => {
  describe("loads only what a command uses", () => {
    it("--help, optimize and frontier load no viem, ethers, NATS, pino, dashboard or keeper module", () => {
      for (const args of [
        ["--help"],
        ["gov", "status", "--help"],
        ["optimize", "--in", problem],
        ["frontier", "--in", problem, "--points", "5"],
      ]) {
        const r = runRecordingModules(CLI, args);
        expect(r.status, `${args.join(" ")}: ${r.stderr}`).to.equal(0);
        expect(
          r.modules.filter((m) => CHAIN_SIDE.test(m)),
          args.join(" "),
        ).to.deep.equal([]);
      }
    });

    it("the recording sees viem when a chain command loads it (the check above can fail)", () => {
      const r = runRecordingModules(CLI, [
        "views",
        "verify",
        ...["--in", join(dir, "none.json"), "--chain-id", "1"],
        ...["--registry", "0x0000000000000000000000000000000000000001"],
        ...["--signers", "0x0000000000000000000000000000000000000002"],
      ]);
      expect(r.status).to.equal(2);
      expect(r.modules.some((m) => CHAIN_SIDE.test(m))).to.equal(true);
    });
  });

  describe("usage errors are one line with a code, exit 2", () => {
    it("a missing required option", () => {
      const r = run(["optimize"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.equal("portfolio: required option '--in <file>' not specified [OPTION_MISSING]");
    });

    it("an unknown option, with the nearest one suggested", () => {
      const r = run(["optimize", "--in", problem, "--tabel"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.match(/^portfolio: unknown option '--tabel'.*--table.*\[OPTION_UNKNOWN\]$/);
    });

    it("an unknown command", () => {
      const r = run(["optimise"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.match(/^portfolio: unknown command 'optimise'.*\[COMMAND_UNKNOWN\]$/);
    });

    it("an option without its value", () => {
      const r = run(["optimize", "--in"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.match(/\[OPTION_VALUE_MISSING\]$/);
    });
  });

  describe("output files and validation", () => {
    it("frontier --plot into a missing directory is FILE_UNWRITABLE, exit 2, before any output", () => {
      const r = run(["frontier", "--in", problem, "--plot", "/no/dir/f.svg"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.equal(
        "portfolio: --plot: cannot write /no/dir/f.svg: no directory /no/dir [FILE_UNWRITABLE]",
      );
      expect(r.stdout).to.equal("");
    });

    it("optimize --out into a missing directory is FILE_UNWRITABLE, exit 2", () => {
      const r = run(["optimize", "--in", problem, "--out", "/no/dir/r.json"]);
      expect(r.code).to.equal(2);
      expect(oneLine(r.stderr)).to.contain("[FILE_UNWRITABLE]");
    });

    it("reports every bad option at once, the first one's code and field first", () => {
      const r = run(["frontier", "--in", join(dir, "none.json"), "--points", "x", "--plot", "/no/dir/f.svg"]);
      expect(r.code).to.equal(2);
      const line = oneLine(r.stderr);
      expect(line).to.match(/^portfolio: --points: expected an integer, got "x"; --plot: cannot write/);
      expect(line).to.contain(`--in: cannot read ${join(dir, "none.json")}`);
      expect(line).to.match(/\(3 problems\) \[FIELD_INVALID\]$/);
    });

    it("--table writes no ANSI colour when stdout is not a terminal, nor with NO_COLOR", () => {
      for (const env of [{}, { NO_COLOR: "1" }]) {
        const r = run(["optimize", "--in", problem, "--table"], env);
        expect(r.code).to.equal(0);
        expect(r.stdout).to.contain("│ asset");
        expect(r.stdout).to.not.contain("\u001b[");
      }
    });

    it("so do the backtest and allocate tables", () => {
      const examples = new URL("../../docs/examples/prices/", import.meta.url).pathname;
      const backtest = run([
        "backtest",
        "--in",
        join(examples, "markowitz.json"),
        "--prices",
        join(examples, "prices.csv"),
        "--rebalance",
        "calendar:quarterly",
        "--lookback",
        "126",
        "--table",
      ]);
      expect(backtest.code, backtest.stderr).to.equal(0);
      expect(backtest.stdout).to.contain("│ CAGR");
      expect(backtest.stdout).to.not.contain("\u001b[");
      const weights = join(dir, "weights.json");
      const prices = join(dir, "latest.json");
      writeFileSync(weights, JSON.stringify({ weights: { A: 0.6, B: 0.4 } }));
      writeFileSync(prices, JSON.stringify({ A: 10, B: 20 }));
      const allocate = run(["allocate", "--weights", weights, "--prices", prices, "--nav", "1000", "--table"]);
      expect(allocate.code, allocate.stderr).to.equal(0);
      expect(allocate.stdout).to.contain("│ asset");
      expect(allocate.stdout).to.not.contain("\u001b[");
    });
  });

  describe("help", () => {
    const commands = [
      ["optimize"],
      ["frontier"],
      ["backtest"],
      ["allocate"],
      ["views", "sign"],
      ["views", "verify"],
      ["gov", "status"],
      ["gov", "propose"],
      ["gov", "vote"],
      ["gov", "queue"],
      ["gov", "execute"],
      ["gov", "delegate"],
      ["gov", "verify-evidence"],
      ["audit", "verify"],
      ["audit", "replay"],
      ["keeper", "once"],
      ["keeper", "run"],
      ["keeper", "signal"],
      ["keeper", "fleet"],
      ["dashboard"],
      ["config", "show"],
    ];
    it("every command's --help ends with examples of itself", () => {
      for (const command of commands) {
        const r = run([...command, "--help"]);
        expect(r.code, command.join(" ")).to.equal(0);
        const examples = r.stdout.split("\nExamples:\n")[1] ?? "";
        expect(examples, command.join(" ")).to.contain(`portfolio ${command.join(" ")} `);
      }
    });
  });

  describe("help marks required options and names the environment", () => {
    it("every mandatory option reads (required), optional ones do not", () => {
      const optimize = run(["optimize", "--help"]).stdout;
      expect(optimize).to.match(/--in <file>\s+\(required\) problem JSON/);
      expect(optimize).to.not.match(/--out <file>\s+\(required\)/);
      const vote = run(["gov", "vote", "--help"]).stdout;
      expect(vote).to.match(/--id <proposalId>\s+\(required\)/);
      expect(vote).to.match(/--support <choice>\s+\(required\)/);
    });

    it("--rpc, --deployment and --bus name their variable, and --config is listed as a global option", () => {
      const keeper = run(["keeper", "once", "--help"]).stdout;
      expect(keeper).to.match(/--rpc <url>\s+\(required\) JSON-RPC endpoint\s+\(env:\s+PORTFOLIO_RPC\)/);
      expect(keeper).to.match(/\(env:\s+PORTFOLIO_DEPLOYMENT\)/);
      expect(keeper).to.match(/\(env:\s+PORTFOLIO_BUS\)/);
      expect(keeper).to.match(/Global Options:[\s\S]*--config <file>/);
    });
  });

  describe("bin/portfolio.js", () => {
    it("on a Node older than 22.18 prints one line saying so and exits 2", () => {
      const fake = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})';
      const r = spawnSync(process.execPath, ["--import", fake, BIN, "--help"], { encoding: "utf8" });
      expect(r.status).to.equal(2);
      expect(oneLine(r.stderr)).to.match(/^portfolio: Node >= 22\.18 is required, this is v\d+.*\[NODE_VERSION\]$/);
    });
  });
});
