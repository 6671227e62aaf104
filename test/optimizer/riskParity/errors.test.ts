import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";
import { symmetricFromRows } from "../../../src/optimizer/matrix.ts";
import {
  groupRiskContributions,
  solveRiskBudgeting,
  validateCovariance,
  type RiskBudgetingMethod,
} from "../../../src/optimizer/riskParity/index.ts";
import { covariance, errorOf, RR_CORR, RR_VOLS } from "./fixtures.ts";

const sigma = covariance(RR_VOLS, RR_CORR);
const pathOf = (fn: () => unknown): [string, string | undefined] => {
  const error = errorOf(fn);
  expect(error).to.be.instanceOf(InputError);
  return [error.code, error.path];
};

describe("optimizer/riskParity bad input", () => {
  it("rejects invalid budgets naming the entry", () => {
    expect(pathOf(() => solveRiskBudgeting(sigma, { budgets: [0.5, 0.5] }))).to.deep.equal([
      "BUDGETS_LENGTH",
      "riskBudgets",
    ]);
    const withZero = [0, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1];
    expect(pathOf(() => solveRiskBudgeting(sigma, { budgets: withZero }))).to.deep.equal([
      "BUDGET_NOT_POSITIVE",
      "riskBudgets[0]",
    ]);
    const negative = [0.3, -0.1, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1];
    expect(pathOf(() => solveRiskBudgeting(sigma, { budgets: negative }))).to.deep.equal([
      "BUDGET_NOT_POSITIVE",
      "riskBudgets[1]",
    ]);
    const nan = [0.125, 0.125, Number.NaN, 0.125, 0.125, 0.125, 0.125, 0.125];
    expect(pathOf(() => solveRiskBudgeting(sigma, { budgets: nan }))).to.deep.equal([
      "INPUT_NOT_FINITE",
      "riskBudgets[2]",
    ]);
    const offByMore = new Array<number>(8).fill(0.125);
    offByMore[0] = 0.125 + 1e-9;
    expect(pathOf(() => solveRiskBudgeting(sigma, { budgets: offByMore }))).to.deep.equal([
      "BUDGETS_SUM",
      "riskBudgets",
    ]);
  });

  it("rejects a covariance that is not positive semi-definite, singular or has a zero variance", () => {
    const notPsd = symmetricFromRows(
      [
        [1, 0.9, 0.9],
        [0.9, 1, -0.9],
        [0.9, -0.9, 1],
      ],
      "covariance",
    );
    expect(pathOf(() => solveRiskBudgeting(notPsd))).to.deep.equal(["COVARIANCE_NOT_PSD", "covariance"]);
    const duplicated = symmetricFromRows(
      [
        [0.04, 0.04, 0.01],
        [0.04, 0.04, 0.01],
        [0.01, 0.01, 0.09],
      ],
      "covariance",
    );
    const singular = errorOf(() => solveRiskBudgeting(duplicated));
    expect([singular.code, singular.path]).to.deep.equal(["COVARIANCE_SINGULAR", "covariance"]);
    expect(singular.message).to.contain("asset 1");
    const zero = symmetricFromRows(
      [
        [0.04, 0],
        [0, 0],
      ],
      "covariance",
    );
    expect(pathOf(() => solveRiskBudgeting(zero))).to.deep.equal(["COVARIANCE_ZERO_VARIANCE", "covariance[1][1]"]);
    // The O(n) diagonal check runs even when the caller vouches for Σ.
    expect(pathOf(() => solveRiskBudgeting(zero, { validateCovariance: false }))[0]).to.equal(
      "COVARIANCE_ZERO_VARIANCE",
    );
    expect(() => validateCovariance(sigma, true)).not.to.throw();
    const withNaN = { n: 2, data: Float64Array.of(0.04, Number.NaN, Number.NaN, 0.09) };
    expect(pathOf(() => solveRiskBudgeting(withNaN))).to.deep.equal(["INPUT_NOT_FINITE", "covariance[0][1]"]);
  });

  it("rejects unknown methods and bad solver settings", () => {
    const method = "simplex" as RiskBudgetingMethod;
    expect(pathOf(() => solveRiskBudgeting(sigma, { method }))).to.deep.equal(["ERC_METHOD", "ercMethod"]);
    const inherited = "toString" as RiskBudgetingMethod;
    expect(pathOf(() => solveRiskBudgeting(sigma, { method: inherited }))).to.deep.equal(["ERC_METHOD", "ercMethod"]);
    expect(pathOf(() => solveRiskBudgeting(sigma, { tolerance: 0 }))).to.deep.equal(["TOLERANCE", "tolerance"]);
    expect(pathOf(() => solveRiskBudgeting(sigma, { maxIterations: 1.5 }))).to.deep.equal([
      "MAX_ITERATIONS",
      "maxIterations",
    ]);
    const warm = new Float64Array(8).fill(0.125);
    warm[3] = 0;
    expect(pathOf(() => solveRiskBudgeting(sigma, { warmStart: warm }))).to.deep.equal([
      "WARM_START_NOT_POSITIVE",
      "warmStart[3]",
    ]);
  });

  it("rejects malformed bounds and linear constraints naming the field", () => {
    const ok = { lower: new Float64Array(8), upper: new Float64Array(8).fill(1) };
    const lower = new Float64Array(8);
    lower[2] = -0.1;
    expect(pathOf(() => solveRiskBudgeting(sigma, { bounds: { ...ok, lower } }))).to.deep.equal([
      "BOUND_NEGATIVE",
      "constraints.bounds.lower[2]",
    ]);
    const upper = new Float64Array(8).fill(1);
    upper[5] = 0;
    expect(pathOf(() => solveRiskBudgeting(sigma, { bounds: { ...ok, upper } }))).to.deep.equal([
      "BOUND_NOT_POSITIVE",
      "constraints.bounds.upper[5]",
    ]);
    const crossedLower = new Float64Array(8);
    crossedLower[1] = 0.5;
    const crossedUpper = new Float64Array(8).fill(1);
    crossedUpper[1] = 0.4;
    expect(
      pathOf(() => solveRiskBudgeting(sigma, { bounds: { lower: crossedLower, upper: crossedUpper } })),
    ).to.deep.equal(["BOUNDS_CROSSED", "constraints.bounds.upper[1]"]);
    expect(pathOf(() => solveRiskBudgeting(sigma, { bounds: { ...ok, upper: new Float64Array(3) } }))).to.deep.equal([
      "VECTOR_LENGTH",
      "constraints.bounds.upper",
    ]);
    const row = { name: "tech", coefficients: [1, 1, 0, 0, 0, 0, 0, 0], upper: 0.3 };
    expect(pathOf(() => solveRiskBudgeting(sigma, { linear: [row, { ...row, coefficients: [1, 1] }] }))).to.deep.equal([
      "VECTOR_LENGTH",
      "constraints.linear[1].coefficients",
    ]);
    const nanRow = { ...row, coefficients: [1, Number.NaN, 0, 0, 0, 0, 0, 0] };
    expect(pathOf(() => solveRiskBudgeting(sigma, { linear: [nanRow] }))).to.deep.equal([
      "INPUT_NOT_FINITE",
      "constraints.linear[0].coefficients[1]",
    ]);
    expect(
      pathOf(() => solveRiskBudgeting(sigma, { linear: [{ name: "x", coefficients: row.coefficients }] })),
    ).to.deep.equal(["CONSTRAINT_NO_SIDE", "constraints.linear[0]"]);
    expect(pathOf(() => solveRiskBudgeting(sigma, { linear: [{ ...row, lower: 0.5 }] }))).to.deep.equal([
      "CONSTRAINT_CROSSED",
      "constraints.linear[0]",
    ]);
    expect(pathOf(() => solveRiskBudgeting(sigma, { linear: [{ ...row, name: "" }] }))).to.deep.equal([
      "CONSTRAINT_NAME",
      "constraints.linear[0].name",
    ]);
  });

  it("rejects out-of-range group members", () => {
    expect(pathOf(() => groupRiskContributions(Float64Array.of(0.5, 0.5), { tech: [0, 2] }))).to.deep.equal([
      "GROUP_INDEX",
      "groups.tech[1]",
    ]);
  });
});
