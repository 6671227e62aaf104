import { expect } from "chai";
import fc from "fast-check";
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from "ml-matrix";
import { choleskyBanachiewicz, symmetricEigen } from "../../src/optimizer/symmetricEigen.ts";
import { expectNear } from "../helpers/expect.ts";

/** A symmetric n×n row-major matrix from integer draws (thousandths). */
const symmetric = (n: number, draws: readonly number[]): Float64Array => {
  const a = new Float64Array(n * n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = (draws[t++ % draws.length] ?? 0) / 1000;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
};

const rowsOf = (a: Float64Array, n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));

const sameBits = (x: ArrayLike<number>, y: ArrayLike<number>): boolean =>
  x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));

describe("symmetricEigen", () => {
  it("returns ml-matrix's eigenvalues and eigenvectors bit for bit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 80 }),
        (n, draws) => {
          const a = symmetric(n, draws);
          const ours = symmetricEigen(a, n);
          const ref = new EigenvalueDecomposition(new Matrix(rowsOf(a, n)), { assumeSymmetric: true });
          const refVectors = new Float64Array(n * n);
          for (let k = 0; k < n; k++)
            for (let i = 0; i < n; i++) refVectors[k * n + i] = ref.eigenvectorMatrix.get(i, k);
          return sameBits(ours.values, ref.realEigenvalues) && sameBits(ours.vectors, refVectors);
        },
      ),
    );
  });

  it("decomposes: V·diag(λ)·V' reproduces the matrix, eigenvalues ascending", () => {
    const n = 30;
    const a = symmetric(
      n,
      Array.from({ length: 500 }, (_, i) => Math.round(1000 * Math.sin(i * 1.7))),
    );
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k < n; k++) expect(values[k]! >= values[k - 1]!).to.equal(true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[k * n + i]! * values[k]! * vectors[k * n + j]!;
        expectNear(s, a[i * n + j]!, 1e-12 * n);
      }
    }
  });

  it("handles a 1×1 matrix, a zero matrix and repeated eigenvalues", () => {
    expect(Array.from(symmetricEigen(Float64Array.of(-2), 1).values)).to.deep.equal([-2]);
    expect(Array.from(symmetricEigen(new Float64Array(9), 3).values)).to.deep.equal([0, 0, 0]);
    const identity = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    expect(Array.from(symmetricEigen(identity, 3).values)).to.deep.equal([1, 1, 1]);
  });

  it("refuses an empty matrix", () => {
    expect(() => symmetricEigen(new Float64Array(0), 0)).to.throw(RangeError);
  });
});

describe("choleskyBanachiewicz", () => {
  it("returns ml-matrix's factor and verdict bit for bit, positive definite or not", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 20000 }),
        (n, draws, ridge) => {
          const a = symmetric(n, draws);
          for (let i = 0; i < n; i++) a[i * n + i]! += ridge / 1000;
          const ours = choleskyBanachiewicz(a, n);
          const ref = new CholeskyDecomposition(new Matrix(rowsOf(a, n)));
          const refLower = Float64Array.from(ref.lowerTriangularMatrix.to1DArray());
          return ours.positiveDefinite === ref.isPositiveDefinite() && sameBits(ours.lower, refLower);
        },
      ),
    );
  });
});
