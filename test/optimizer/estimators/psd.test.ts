import { expect } from "chai";
import { expectClose } from "./helpers.ts";
import fc from "fast-check";
import { isPsd, repairPsd } from "../../../src/optimizer/estimators/index.ts";
import type { SymmetricMatrix } from "../../../src/optimizer/matrix.ts";

function sym(rows: number[][]): SymmetricMatrix {
  return { n: rows.length, data: Float64Array.from(rows.flat()) };
}

describe("optimizer/estimators/psd", () => {
  it("rejects PyPortfolioOpt's non-PSD example and repairs it to the closed-form clip", () => {
    // tests/test_risk_models.py test_sample_cov_npd.
    const [a, b, c] = [0.03818144, 0.04182824, 0.04149209];
    const m = sym([
      [a, b],
      [b, c],
    ]);
    expect(isPsd(m)).to.equal(false);
    const { matrix, clippedEigenvalues, warnings } = repairPsd(m);
    expect(clippedEigenvalues).to.equal(1);
    expect(isPsd(matrix)).to.equal(true);
    // 2 × 2 closed form: keep λ₊ with eigenvector v ∝ (b, λ₊ − a); result λ₊ v vᵀ.
    const mean = (a + c) / 2;
    const radius = Math.hypot((a - c) / 2, b);
    const lambda = mean + radius;
    const lambdaMinus = mean - radius;
    const v = [b, lambda - a];
    const norm = Math.hypot(v[0]!, v[1]!);
    const expected = [0, 1].flatMap((i) => [0, 1].map((j) => (lambda * v[i]! * v[j]!) / norm ** 2));
    Array.from(matrix.data).forEach((x, k) => expectClose(x, expected[k]!, 1e-15));
    expect(warnings).to.deep.equal([
      `covariance was not positive semidefinite: clipped 1 negative eigenvalue (most negative ${lambdaMinus.toPrecision(4)}) to 0`,
    ]);
  });

  it("leaves a PSD matrix unchanged and says nothing", () => {
    const m = sym([
      [0.04, 0.006, 0],
      [0.006, 0.09, 0.01],
      [0, 0.01, 0.0225],
    ]);
    expect(isPsd(m)).to.equal(true);
    const { matrix, clippedEigenvalues, warnings } = repairPsd(m);
    expect([clippedEigenvalues, warnings]).to.deep.equal([0, []]);
    Array.from(matrix.data).forEach((x, k) => expectClose(x, m.data[k]!, 1e-15));
  });

  it("accepts singular PSD matrices (rank-deficient, zero) and rejects negative diagonals", () => {
    expect(
      isPsd(
        sym([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).to.equal(true);
    expect(
      isPsd(
        sym([
          [0, 1],
          [1, 0],
        ]),
      ),
    ).to.equal(false);
    expect(
      isPsd(
        sym([
          [1, 1],
          [1, 1],
        ]),
      ),
    ).to.equal(true);
    expect(
      isPsd(
        sym([
          [1, 0],
          [0, -1e-3],
        ]),
      ),
    ).to.equal(false);
    // Below the tolerance (1e-10 of the largest variance) a negative eigenvalue counts as rounding.
    expect(
      isPsd(
        sym([
          [1, 0],
          [0, -1e-12],
        ]),
      ),
    ).to.equal(true);
    expect(
      isPsd(
        sym([
          [1, 0],
          [0, -1e-12],
        ]),
        0,
      ),
    ).to.equal(false);
  });

  it("repairs any symmetric matrix to a PSD one whose positive spectrum is kept (property)", () => {
    const matrices = fc.integer({ min: 1, max: 6 }).chain((n) =>
      // Entries on a 1e-4 grid: subnormal draws would only test underflow, not the repair.
      fc.array(fc.integer({ min: -10_000, max: 10_000 }), { minLength: n * n, maxLength: n * n }).map((ints) => {
        const raw = ints.map((v) => v / 10_000);
        const data = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) data[i * n + j] = (raw[i * n + j]! + raw[j * n + i]!) / 2;
        return { n, data };
      }),
    );
    fc.assert(
      fc.property(matrices, (m) => {
        const { matrix, clippedEigenvalues } = repairPsd(m);
        expect(isPsd(matrix, 1e-9)).to.equal(true);
        for (let i = 0; i < m.n; i++)
          for (let j = 0; j < m.n; j++) expect(matrix.data[i * m.n + j]).to.equal(matrix.data[j * m.n + i]);
        // Clipping only adds: repaired − original = V·max(−Λ, 0)·Vᵀ is PSD, and zero when nothing was clipped.
        // (Rounding noise of the rebuild is absorbed by a 1e-12 shift of the diagonal.)
        const diff = { n: m.n, data: matrix.data.map((v, k) => v - m.data[k]! + (k % (m.n + 1) === 0 ? 1e-12 : 0)) };
        expect(isPsd(diff, 0)).to.equal(true);
        if (clippedEigenvalues === 0) diff.data.forEach((v) => expect(Math.abs(v)).to.be.at.most(2e-12));
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});
