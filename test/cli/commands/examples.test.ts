import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";

const dir = new URL("../../../docs/examples/prices/", import.meta.url).pathname;
const tmp = (): string => mkdtempSync(join(tmpdir(), "examples-"));

describe("docs/examples/prices through the CLI", () => {
  it("optimize markowitz.json: max-Sharpe on estimated inputs with binding group caps", async () => {
    const out = join(tmp(), "r.json");
    expect(await main(["optimize", "--in", join(dir, "markowitz.json"), "--out", out])).to.equal(0);
    const r = JSON.parse(readFileSync(out, "utf8")) as {
      status: string;
      weights: number[];
      constraints: { name: string; binding: boolean }[];
    };
    expect(r.status).to.equal("optimal");
    expect(r.weights).to.have.length(8);
    for (const w of r.weights) expect(w <= 0.3 + 1e-9 && w >= -1e-12).to.equal(true);
    const binding = r.constraints.filter((c) => c.binding).map((c) => c.name);
    expect(binding).to.include("groups.Tech.upper");
  });

  it("optimize erc.json: equal shares of risk to 1e-10", async () => {
    const out = join(tmp(), "r.json");
    expect(await main(["optimize", "--in", join(dir, "erc.json"), "--out", out])).to.equal(0);
    const r = JSON.parse(readFileSync(out, "utf8")) as {
      method: string;
      riskBudgeting: { riskContributions: number[]; maxBudgetError: number };
    };
    expect(r.method).to.equal("ccd");
    expect(r.riskBudgeting.maxBudgetError).to.be.lessThan(1e-10);
    for (const rc of r.riskBudgeting.riskContributions) expect(Math.abs(rc - 1 / 8)).to.be.lessThan(1e-10);
  });

  it("frontier markowitz.json: points with rising return and an SVG plot", async () => {
    const d = tmp();
    const code = await main([
      "frontier",
      "--in",
      join(dir, "markowitz.json"),
      "--points",
      "12",
      "--plot",
      join(d, "f.svg"),
      "--out",
      join(d, "f.json"),
    ]);
    expect(code).to.equal(0);
    const f = JSON.parse(readFileSync(join(d, "f.json"), "utf8")) as { points: { expectedReturn: number }[] };
    expect(f.points.length).to.be.greaterThan(5);
    for (let i = 1; i < f.points.length; i++) {
      expect(f.points[i]!.expectedReturn >= f.points[i - 1]!.expectedReturn - 1e-12).to.equal(true);
    }
    expect(readFileSync(join(d, "f.svg"), "utf8")).to.match(/^<svg/);
  });
});
