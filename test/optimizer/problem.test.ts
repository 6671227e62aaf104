import { expect } from "chai";
import { expectNear } from "../helpers/expect.ts";
import { InputError } from "../../src/errors.ts";
import { optimize, type OptimizeResult } from "../../src/optimizer/optimize.ts";
import { parseProblem } from "../../src/optimizer/problem.ts";
import { thrown } from "./fixtures.ts";

const market = {
  assets: ["A", "B", "C"],
  expectedReturns: [0.08, 0.1, 0.12],
  covariance: [
    [0.04, 0.01, 0.0],
    [0.01, 0.09, 0.02],
    [0.0, 0.02, 0.16],
  ],
};
const bl = { marketCaps: { A: 1, B: 1, C: 1 }, riskAversion: 2.5, views: [{ assets: { A: 1 }, q: 0.1 }] };

function refusal(problem: unknown): { code: string; path: string | undefined; message: string } {
  const error = thrown(() => parseProblem(problem));
  expect(error).to.be.instanceOf(InputError);
  const e = error as InputError;
  return { code: e.code, path: e.path, message: e.message };
}

describe("optimizer/problem: a union discriminated by optimizerType", () => {
  it("defaults to MARKOWITZ and keeps each branch's own fields", () => {
    expect(parseProblem(market).optimizerType).to.equal("MARKOWITZ");
    const erc = parseProblem({ ...market, optimizerType: "ERC", riskBudgets: [0.5, 0.3, 0.2], ercMethod: "newton" });
    expect(erc.optimizerType === "ERC" && erc.riskBudgets).to.deep.equal([0.5, 0.3, 0.2]);
    const b = parseProblem({
      ...market,
      optimizerType: "BLACK_LITTERMAN",
      objective: "max-sharpe",
      blackLitterman: bl,
    });
    expect(b.optimizerType === "BLACK_LITTERMAN" && b.blackLitterman.views?.[0]?.q).to.equal(0.1);
  });

  it("refuses a field the problem's optimiser does not read, naming it", () => {
    expect(refusal({ ...market, optimizerType: "ERC", objective: "max-sharpe" })).to.deep.include({
      code: "FIELD_UNKNOWN",
      path: "objective",
    });
    expect(refusal({ ...market, optimizerType: "ERC", solver: "highs" }).path).to.equal("solver");
    expect(refusal({ ...market, riskBudgets: [0.5, 0.3, 0.2] })).to.deep.include({
      code: "FIELD_UNKNOWN",
      path: "riskBudgets",
    });
    expect(refusal({ ...market, blackLitterman: bl }).message).to.match(/MARKOWITZ/);
    // A typo is no longer silently ignored.
    expect(refusal({ ...market, objectve: "max-sharpe" })).to.deep.include({ code: "FIELD_UNKNOWN", path: "objectve" });
  });

  it("names a bad optimizerType and bad fields inside a branch", () => {
    const type = refusal({ ...market, optimizerType: "RISK_PARITY" });
    expect([type.code, type.path]).to.deep.equal(["FIELD_INVALID", "optimizerType"]);
    expect(type.message).to.match(/MARKOWITZ, ERC, BLACK_LITTERMAN/);
    expect(refusal({ ...market, optimizerType: "ERC", ercMethod: "simplex" })).to.deep.include({
      code: "FIELD_INVALID",
      path: "ercMethod",
    });
    expect(refusal({ ...market, optimizerType: "ERC", riskBudgets: [0.5, Number.NaN, 0.5] })).to.deep.include({
      code: "INPUT_NOT_FINITE",
      path: "riskBudgets[1]",
    });
    expect(refusal({ ...market, optimizerType: "BLACK_LITTERMAN" })).to.deep.include({
      code: "FIELD_MISSING",
      path: "blackLitterman",
    });
    expect(
      refusal({
        ...market,
        optimizerType: "BLACK_LITTERMAN",
        blackLitterman: { ...bl, views: [{ assets: { A: 1 } }] },
      }),
    ).to.deep.include({ code: "FIELD_MISSING", path: "blackLitterman.views[0].q" });
  });

  it("types the result by optimizerType: riskBudgeting on ERC, the posterior on BLACK_LITTERMAN", () => {
    const shares = (r: OptimizeResult): number[] | undefined =>
      r.optimizerType === "ERC" ? r.riskBudgeting?.riskContributions : undefined;
    const erc = optimize({ ...market, optimizerType: "ERC" });
    expect(erc.objective).to.equal(null);
    expectNear(
      shares(erc)!.reduce((s, x) => s + x, 0),
      1,
      1e-12,
    );
    expect(shares(optimize(market))).to.equal(undefined);
    const b = optimize({ ...market, optimizerType: "BLACK_LITTERMAN", blackLitterman: bl });
    expect(b.optimizerType === "BLACK_LITTERMAN" ? b.posteriorReturns : null).to.have.length(3);
    expect(b.objective).to.equal("quadratic-utility");
  });
});
