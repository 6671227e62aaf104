import { expect } from "chai";
import { InputError } from "../../src/errors.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { thrown } from "./fixtures.ts";

const good = {
  assets: ["A", "B", "C"],
  expectedReturns: [0.08, 0.1, 0.12],
  covariance: [
    [0.04, 0.01, 0.0],
    [0.01, 0.09, 0.02],
    [0.0, 0.02, 0.16],
  ],
};

function inputError(problem: unknown): { code: string; path: string | undefined } {
  const error = thrown(() => optimize(problem));
  expect(error).to.be.instanceOf(InputError);
  return { code: (error as InputError).code, path: (error as InputError).path };
}

describe("optimizer bad input", () => {
  it("accepts the reference problem", () => {
    expect(optimize(good).status).to.equal("optimal");
  });

  it("names a missing field", () => {
    expect(inputError({ ...good, assets: undefined, covariance: good.covariance })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "assets",
    });
    expect(inputError({ ...good, objective: "efficient-return" })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "targetReturn",
    });
    expect(inputError({ ...good, objective: "efficient-risk" })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "targetVolatility",
    });
    expect(inputError({ ...good, expectedReturns: undefined, objective: "max-sharpe" })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "expectedReturns",
    });
    expect(inputError({ ...good, constraints: { groups: [{ assets: ["A"], upper: 0.5 }] } })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "constraints.groups[0].name",
    });
  });

  it("names NaN and non-numbers in vectors and matrices", () => {
    expect(inputError({ ...good, expectedReturns: [0.08, Number.NaN, 0.1] })).to.deep.equal({
      code: "INPUT_NOT_FINITE",
      path: "expectedReturns[1]",
    });
    expect(
      inputError({
        ...good,
        covariance: [
          [0.04, 0.01, 0],
          [0.01, Number.NaN, 0.02],
          [0, 0.02, 0.16],
        ],
      }),
    ).to.deep.equal({ code: "INPUT_NOT_FINITE", path: "covariance[1][1]" });
    expect(inputError({ ...good, constraints: { bounds: { upper: [0.5, Number.NaN, 0.5] } } })).to.deep.equal({
      code: "INPUT_NOT_FINITE",
      path: "constraints.bounds.upper[1]",
    });
    expect(inputError({ ...good, riskFreeRate: "0.02" }).path).to.equal("riskFreeRate");
  });

  it("names ragged, non-square, asymmetric and negative-variance covariance matrices", () => {
    expect(
      inputError({
        ...good,
        covariance: [
          [0.04, 0.01, 0],
          [0.01, 0.09],
          [0, 0.02, 0.16],
        ],
      }),
    ).to.deep.equal({
      code: "MATRIX_NOT_SQUARE",
      path: "covariance[1]",
    });
    expect(
      inputError({
        ...good,
        covariance: [
          [0.04, 0.01],
          [0.01, 0.09],
        ],
      }),
    ).to.deep.equal({
      code: "MATRIX_SHAPE",
      path: "covariance",
    });
    expect(
      inputError({
        ...good,
        covariance: [
          [0.04, 0.01, 0],
          [0.02, 0.09, 0.02],
          [0, 0.02, 0.16],
        ],
      }),
    ).to.deep.equal({ code: "MATRIX_NOT_SYMMETRIC", path: "covariance[0][1]" });
    expect(
      inputError({
        ...good,
        covariance: [
          [0.04, 0.01, 0],
          [0.01, -0.09, 0.02],
          [0, 0.02, 0.16],
        ],
      }),
    ).to.deep.equal({ code: "MATRIX_NEGATIVE_VARIANCE", path: "covariance[1][1]" });
  });

  it("repairs a covariance that is not positive semidefinite, with a warning", () => {
    const r = optimize({
      ...good,
      covariance: [
        [0.04, 0.09, 0],
        [0.09, 0.09, 0.02],
        [0, 0.02, 0.16],
      ],
    });
    expect(r.status).to.equal("optimal");
    expect(r.warnings.join(" ")).to.match(/covariance is not positive semidefinite .* clipped 1 negative eigenvalue/);
  });

  it("names factor-model shape errors", () => {
    const factor = {
      factorLoadings: [[1], [0.5], [0.2]],
      factorCovariance: [[0.04]],
      specificVariance: [0.01, 0.02, 0.03],
    };
    expect(optimize({ ...good, covariance: factor }).status).to.equal("optimal");
    expect(inputError({ ...good, covariance: { ...factor, factorLoadings: [[1], [0.5, 1], [0.2]] } })).to.deep.equal({
      code: "VECTOR_LENGTH",
      path: "covariance.factorLoadings[1]",
    });
    expect(inputError({ ...good, covariance: { ...factor, specificVariance: [0.01, -0.02, 0.03] } })).to.deep.equal({
      code: "MATRIX_NEGATIVE_VARIANCE",
      path: "covariance.specificVariance[1]",
    });
  });

  it("rejects unknown assets, wrong lengths, unknown fields and impossible method combinations", () => {
    expect(
      inputError({ ...good, constraints: { groups: [{ name: "G", assets: ["A", "Z"], upper: 0.5 }] } }),
    ).to.deep.equal({
      code: "ASSET_UNKNOWN",
      path: "constraints.groups[0].assets[1]",
    });
    expect(inputError({ ...good, constraints: { esg: { scores: [1, 2], min: 1 } } })).to.deep.equal({
      code: "VECTOR_LENGTH",
      path: "constraints.esg.scores",
    });
    expect(inputError({ ...good, constraints: { bounds: { uper: 0.5 } } })).to.deep.equal({
      code: "FIELD_UNKNOWN",
      path: "constraints.bounds",
    });
    expect(inputError({ ...good, method: "closed-form" })).to.deep.equal({
      code: "CLOSED_FORM_UNAVAILABLE",
      path: "method",
    });
    expect(inputError({ ...good, optimizerType: "BLACK_LITTERMAN" })).to.deep.equal({
      code: "FIELD_MISSING",
      path: "blackLitterman",
    });
    expect(
      inputError({
        ...good,
        objective: "max-sharpe",
        constraints: { trackingError: { benchmarkWeights: [1, 0, 0], max: 0.05 } },
      }).code,
    ).to.equal("OBJECTIVE_UNSUPPORTED");
    expect(inputError("not a problem")).to.deep.equal({ code: "PROBLEM_NOT_OBJECT", path: "problem" });
  });

  it("reports crossed bounds and unattainable targets as infeasible, naming them", () => {
    const crossed = optimize({ ...good, constraints: { bounds: { lower: 0.5, upper: 0.4 } } });
    expect(crossed.status).to.equal("infeasible");
    expect(crossed.infeasibility?.message).to.match(/bounds\.lower 0\.5 conflicts with bounds\.upper 0\.4/);
    const target = optimize({ ...good, objective: "efficient-return", targetReturn: 0.2 });
    expect(target.status).to.equal("infeasible");
    expect(target.infeasibility?.conflicts[0]).to.equal("targetReturn.lower 0.2");
    const vol = optimize({ ...good, objective: "efficient-risk", targetVolatility: 0.05 });
    expect(vol.infeasibility?.message).to.match(/^targetVolatility 0\.05 conflicts with the linear constraints/);
  });
});
