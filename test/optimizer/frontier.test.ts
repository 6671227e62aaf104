import { expect } from "chai";
import { efficientFrontier, frontierSvg } from "../../src/optimizer/frontier.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { expectClose, randomFactorModel } from "./fixtures.ts";

const n = 10;
const model = randomFactorModel(n, 3, 9);
const problem = {
  assets: Array.from({ length: n }, (_, i) => `S${i}`),
  expectedReturns: model.mu,
  covariance: model.dense,
  constraints: { bounds: { upper: 0.3 } },
};

describe("optimizer/frontier", () => {
  it("runs from the minimum-variance portfolio to the highest return, efficient at every point", () => {
    const f = efficientFrontier(problem, { points: 12 });
    expect(f.points).to.have.length(12);
    const minVar = optimize({ ...problem, objective: "min-variance" });
    expectClose(f.points[0]!.volatility, minVar.volatility!, 1e-12);
    for (let k = 1; k < f.points.length; k++) {
      expect(f.points[k]!.expectedReturn).to.be.greaterThan(f.points[k - 1]!.expectedReturn);
      expect(f.points[k]!.volatility).to.be.at.least(f.points[k - 1]!.volatility - 1e-12);
    }
    const maxSharpe = optimize({ ...problem, objective: "max-sharpe" });
    expectClose(f.maxSharpe!.sharpe, maxSharpe.sharpe!, 1e-10);
    for (const p of f.points) expect(p.sharpe!).to.be.at.most(f.maxSharpe!.sharpe! + 1e-9);
  });

  it("plots an SVG marking min-variance and max-Sharpe", () => {
    const svg = frontierSvg(efficientFrontier(problem, { points: 5 }));
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).to.contain("<polyline");
    expect(svg).to.contain("min variance");
    expect(svg).to.contain("max Sharpe");
  });
});
