import { expect } from "chai";
import { optimize } from "../../../src/optimizer/optimize.ts";
import { expectClose, randomFactorModel } from "../fixtures.ts";

const n = 6;
const model = randomFactorModel(n, 2, 3);
const problem = {
  assets: Array.from({ length: n }, (_, i) => `S${i}`),
  expectedReturns: model.mu,
  covariance: model.dense,
  objective: "max-sharpe",
  method: "resampled",
  resampling: { draws: 12, observations: 120, seed: 7 },
  constraints: { bounds: { upper: 0.4 }, groups: [{ name: "G", assets: ["S0", "S1"], upper: 0.5 }] },
};

describe("optimizer/markowitz resampled (Michaud)", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = optimize(problem);
    const b = optimize(problem);
    const c = optimize({ ...problem, resampling: { ...problem.resampling, seed: 8 } });
    expect(a.status).to.equal("optimal");
    expect(a.weights).to.deep.equal(b.weights);
    expect(a.weights).to.not.deep.equal(c.weights);
  });

  it("averages portfolios that each satisfy the linear constraints, so the average does too", () => {
    const seen: number[] = [];
    const r = optimize(problem, { onProgress: (done) => seen.push(done) });
    expect(seen).to.deep.equal(Array.from({ length: 12 }, (_, i) => i + 1));
    expectClose(
      r.weights.reduce((s, w) => s + w, 0),
      1,
      1e-12,
    );
    r.weights.forEach((w) => expect(w).to.be.within(-1e-12, 0.4 + 1e-12));
    expect(r.weights[0]! + r.weights[1]!).to.be.at.most(0.5 + 1e-12);
    // Resampling spreads weight compared with the single max-Sharpe solution.
    const plain = optimize({ ...problem, method: "qp" });
    const count = (w: number[]): number => w.filter((v) => v > 1e-6).length;
    expect(count(r.weights)).to.be.at.least(count(plain.weights));
  });
});
