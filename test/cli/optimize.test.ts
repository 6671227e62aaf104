import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const node = process.execPath;
const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "portfolio-cli-"));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(node, [cli, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function problemFile(name: string, problem: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof problem === "string" ? problem : JSON.stringify(problem));
  return path;
}

const problem = {
  assets: ["A", "B", "C"],
  expectedReturns: [0.08, 0.1, 0.12],
  covariance: [
    [0.04, 0.01, 0],
    [0.01, 0.09, 0.02],
    [0, 0.02, 0.16],
  ],
  objective: "max-sharpe",
};

describe("cli: portfolio optimize / frontier", () => {
  it("prints the result JSON and exits 0", () => {
    const r = run(["optimize", "--in", problemFile("ok.json", problem)]);
    expect(r.code).to.equal(0);
    const result = JSON.parse(r.stdout) as { status: string; weights: number[] };
    expect(result.status).to.equal("optimal");
    expect(result.weights).to.have.length(3);
  });

  it("names the absolute contributions volatilityContributions (summing to volatility), in JSON and --table", () => {
    const r = run(["optimize", "--in", problemFile("ok.json", problem)]);
    const result = JSON.parse(r.stdout) as Record<string, unknown> & {
      volatility: number;
      volatilityContributions: number[];
    };
    expect(result).to.not.have.property("riskContributions");
    const sum = result.volatilityContributions.reduce((s, x) => s + x, 0);
    expect(Math.abs(sum - result.volatility)).to.be.lessThan(1e-12);
    const erc = run([
      "optimize",
      "--table",
      "--in",
      problemFile("erc.json", { ...problem, objective: undefined, optimizerType: "ERC" }),
    ]);
    expect(erc.code).to.equal(0);
    expect(erc.stdout).to.contain("volatility contribution").and.to.contain("share of risk");
  });

  it("exits 2 naming the field on bad input, and on malformed JSON", () => {
    const bad = run(["optimize", "--in", problemFile("bad.json", { ...problem, expectedReturns: [0.1, "x", 0.1] })]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("expectedReturns[1]");
    const json = run(["optimize", "--in", problemFile("broken.json", "{ not json")]);
    expect(json.code).to.equal(2);
    expect(json.stderr).to.contain("PROBLEM_JSON_INVALID");
  });

  it("resolves a prices path relative to the problem file", () => {
    const r = run(["optimize", "--in", problemFile("prices.json", { prices: "data/missing.csv" })]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(join(dir, "data/missing.csv"));
    expect(r.stderr).to.contain("FILE_UNREADABLE");
  });

  it("exits 3 on an infeasible problem, naming the conflicting constraints", () => {
    const path = problemFile("infeasible.json", {
      ...problem,
      constraints: { bounds: { lower: 0.2 }, groups: [{ name: "Tech", assets: ["A", "B"], upper: 0.3 }] },
    });
    const out = join(dir, "result.json");
    const r = run(["optimize", "--in", path, "--out", out]);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain("groups.Tech.upper 0.3 conflicts with bounds.lower");
    expect((JSON.parse(readFileSync(out, "utf8")) as { status: string }).status).to.equal("infeasible");
  });

  it("writes the frontier JSON and an SVG plot", () => {
    const plot = join(dir, "frontier.svg");
    const r = run(["frontier", "--in", problemFile("f.json", problem), "--points", "6", "--plot", plot]);
    expect(r.code).to.equal(0);
    expect((JSON.parse(r.stdout) as { points: unknown[] }).points).to.have.length(6);
    expect(readFileSync(plot, "utf8")).to.contain("max Sharpe");
  });
});
