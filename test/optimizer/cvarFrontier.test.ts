// The mean-CVaR frontier: starts at the min-CVaR portfolio, ends at the largest attainable return,
// CVaR rises with the target (a convex frontier), every point keeps the constraints; its SVG plot.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { cvarFrontier } from "../../src/optimizer/cvarFrontier.ts";
import { cvarFrontierSvg } from "../../src/optimizer/frontier.ts";
import { createHighsSolver } from "../../src/optimizer/qp/highsSolver.ts";
import { expectNear } from "../helpers/expect.ts";

const problem = JSON.parse(readFileSync(new URL("../../docs/examples/prices/markowitz.json", import.meta.url), "utf8"));
const files = { "prices.csv": readFileSync(new URL("../../docs/examples/prices/prices.csv", import.meta.url), "utf8") };

describe("optimizer/cvarFrontier", () => {
  it("runs from min CVaR to the highest return, CVaR rising and convex, every point within the constraints", async () => {
    const f = cvarFrontier(problem, { points: 8, files, qpSolver: await createHighsSolver() });
    expect(f.points).to.have.length(8);
    expect(f.points[0]).to.deep.equal(f.minCvar);
    for (let k = 1; k < f.points.length; k++) {
      expect(f.points[k]!.expectedReturn).to.be.greaterThan(f.points[k - 1]!.expectedReturn);
      expect(f.points[k]!.cvar).to.be.gte(f.points[k - 1]!.cvar - 1e-12);
    }
    // Convex: slopes between successive points never fall.
    const slope = (k: number): number =>
      (f.points[k + 1]!.cvar - f.points[k]!.cvar) / (f.points[k + 1]!.expectedReturn - f.points[k]!.expectedReturn);
    for (let k = 1; k < f.points.length - 1; k++) expect(slope(k)).to.be.gte(slope(k - 1) - 1e-9);
    for (const p of f.points) {
      expectNear(
        p.weights.reduce((s, w) => s + w, 0),
        1,
        1e-9,
      );
      for (const w of p.weights) expect(w).to.be.lte(0.3 + 1e-9);
      expect(p.weights[0]! + p.weights[1]! + p.weights[2]!).to.be.lte(0.5 + 1e-9); // Tech group
      expect(p.valueAtRisk).to.be.lte(p.cvar + 1e-12);
    }
    const svg = cvarFrontierSvg(f);
    expect(svg).to.contain("Mean-CVaR frontier (β = 0.95");
    expect(svg.match(/<polyline[^>]*points="([^"]*)"/)?.[1]?.split(" ")).to.have.length(8);
  });

  it("needs HiGHS, and names it", () => {
    expect(() => cvarFrontier(problem, { points: 4, files })).to.throw("HiGHS");
  });
});
