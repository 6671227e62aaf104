import { expect } from "chai";
import { readFileSync } from "node:fs";
import { InputError } from "../../../src/errors.ts";
import { blackLittermanInputs } from "../../../src/optimizer/blackLitterman/index.ts";
import { symmetricFromRows, toRows } from "../../../src/optimizer/matrix.ts";
import { optimize } from "../../../src/optimizer/optimize.ts";

type BlResult = ReturnType<typeof optimize> & {
  priorReturns: number[];
  posteriorReturns: number[];
  posteriorCovariance: number[][];
  viewSetCommitment: string | null;
};

const example = JSON.parse(
  readFileSync(new URL("../../../docs/examples/signed-views/problem.json", import.meta.url), "utf8"),
) as { assets: string[]; covariance: number[][]; blackLitterman: Record<string, unknown>; constraints: object };
const section = {
  ...example.blackLitterman,
  signedViews: undefined,
  views: [
    { assets: { WETH: 1 }, q: 0.3, confidence: 0.6 },
    { assets: { LINK: 1, UNI: -1 }, q: 0.05, confidence: 0.4 },
  ],
};
const problem = {
  assets: example.assets,
  covariance: example.covariance,
  optimizerType: "BLACK_LITTERMAN",
  riskFreeRate: 0.04,
  blackLitterman: section,
  constraints: example.constraints,
};

describe("optimize: optimizerType BLACK_LITTERMAN", () => {
  it("optimises the posterior under the DAO's constraints and reports prior, posterior and Σ*", () => {
    const result = optimize(problem) as BlResult;
    expect(result.status).to.equal("optimal");
    expect(result.objective).to.equal("quadratic-utility");
    expect(result.viewSetCommitment).to.equal(null);
    const sum = result.weights.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 1)).to.be.lessThan(1e-9);
    for (const w of result.weights) expect(w >= -1e-9 && w <= 0.6 + 1e-9).to.equal(true);
    const defi = [3, 4, 5].reduce((s, i) => s + result.weights[i]!, 0);
    expect(defi).to.be.at.most(0.2 + 1e-9);
    // The view on WETH (30 %, 60 % confident) moves its return from the prior part of the way to q.
    const [prior, posterior] = [result.priorReturns[0]!, result.posteriorReturns[0]!];
    expect((posterior - 0.3) * (posterior - prior)).to.be.lessThan(0);
    expect(result.posteriorCovariance).to.have.length(6);
  });

  it("equals the Markowitz engine run by hand on the Black-Litterman posterior", () => {
    const sigma = symmetricFromRows(example.covariance, "covariance");
    const bl = blackLittermanInputs(section, { assets: example.assets, sigma });
    const byHand = optimize({
      assets: example.assets,
      expectedReturns: Array.from(bl.posteriorReturns),
      covariance: toRows(bl.optimizerCovariance),
      objective: "quadratic-utility",
      riskAversion: bl.riskAversion,
      riskFreeRate: 0.04,
      constraints: example.constraints,
    });
    const wired = optimize(problem);
    wired.weights.forEach((w, i) => expect(Math.abs(w - byHand.weights[i]!)).to.be.lessThan(1e-9));
  });

  it("puts a fully confident absolute view's asset exactly at q", () => {
    const certain = { ...section, views: [{ assets: { UNI: 1 }, q: 0.42, confidence: 1 }] };
    const result = optimize({ ...problem, blackLitterman: certain }) as BlResult;
    expect(Math.abs(result.posteriorReturns[4]! - 0.42)).to.be.lessThan(1e-12);
  });

  it("refuses a missing section and names unknown view assets", () => {
    const { blackLitterman: _omit, ...withoutSection } = problem;
    expect(() => optimize(withoutSection)).to.throw(InputError, /blackLitterman/);
    const unknown = { ...section, views: [{ assets: { DOGE: 1 }, q: 0.1 }] };
    try {
      optimize({ ...problem, blackLitterman: unknown });
      expect.fail("expected an InputError");
    } catch (error) {
      expect((error as InputError).path).to.match(/blackLitterman\.views\[0\]\.assets\.DOGE/);
    }
  });
});
