import { expect } from "chai";
import { symmetricFromRows, toRows, vectorFromArray } from "../../src/optimizer/matrix.ts";
import { inputErrorOf as errorOf } from "../helpers/expect.ts";

describe("optimizer/matrix", () => {
  it("packs a valid symmetric matrix row-major and round-trips", () => {
    const rows = [
      [0.04, 0.006],
      [0.006, 0.09],
    ];
    const m = symmetricFromRows(rows, "covariance");
    expect(m.n).to.equal(2);
    expect(Array.from(m.data)).to.deep.equal([0.04, 0.006, 0.006, 0.09]);
    expect(toRows(m)).to.deep.equal(rows);
  });

  it("names the entry of every bad-input path", () => {
    expect(errorOf(() => symmetricFromRows("x", "covariance")).code).to.equal("MATRIX_NOT_ARRAY");
    expect(errorOf(() => symmetricFromRows([], "covariance")).code).to.equal("MATRIX_EMPTY");
    const ragged = errorOf(() => symmetricFromRows([[1, 0], [0]], "covariance"));
    expect([ragged.code, ragged.path]).to.deep.equal(["MATRIX_NOT_SQUARE", "covariance[1]"]);
    const nan = errorOf(() =>
      symmetricFromRows(
        [
          [1, Number.NaN],
          [0, 1],
        ],
        "covariance",
      ),
    );
    expect([nan.code, nan.path]).to.deep.equal(["INPUT_NOT_FINITE", "covariance[0][1]"]);
    const asym = errorOf(() =>
      symmetricFromRows(
        [
          [1, 0.5],
          [0.4, 1],
        ],
        "covariance",
      ),
    );
    expect([asym.code, asym.path]).to.deep.equal(["MATRIX_NOT_SYMMETRIC", "covariance[0][1]"]);
    const neg = errorOf(() =>
      symmetricFromRows(
        [
          [1, 0],
          [0, -1],
        ],
        "covariance",
      ),
    );
    expect([neg.code, neg.path]).to.deep.equal(["MATRIX_NEGATIVE_VARIANCE", "covariance[1][1]"]);
  });

  it("validates vectors by length and finiteness", () => {
    expect(Array.from(vectorFromArray([1, 2], 2, "mu"))).to.deep.equal([1, 2]);
    expect(errorOf(() => vectorFromArray([1], 2, "mu")).code).to.equal("VECTOR_LENGTH");
    expect(errorOf(() => vectorFromArray([1, Infinity], 2, "mu")).path).to.equal("mu[1]");
  });
});
