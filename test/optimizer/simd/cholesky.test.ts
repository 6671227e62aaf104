import { expect } from "chai";
import fc from "fast-check";
import {
  CHOLESKY_MODULE_BYTES,
  choleskyLower,
  choleskyPivots,
  isCholeskyFactorisable,
} from "../../../src/optimizer/simd/cholesky.ts";
import { expectNear } from "../../helpers/expect.ts";

/** B·B' + ridge·I for a pseudo-random n×(n + 2) B: positive definite when ridge > 0. */
function gram(n: number, seed: number, ridge: number): Float64Array {
  const cols = n + 2;
  const b = Float64Array.from({ length: n * cols }, (_, i) => Math.sin(seed + 1.3 * i));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? ridge : 0;
      for (let t = 0; t < cols; t++) s += (b[i * cols + t] as number) * (b[j * cols + t] as number);
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

describe("simd cholesky", () => {
  it("builds a module that validates with SIMD", () => {
    expect(WebAssembly.validate(CHOLESKY_MODULE_BYTES)).to.equal(true);
  });

  it("wasm and the JS twin give the same factor bit for bit, and L·L' reproduces Σ", () => {
    // Sizes around the eight-row blocks and the four-entry tails of the kernel.
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 16, 17, 31, 64]) {
      const sigma = gram(n, n, 0.1);
      const wasm = choleskyLower(sigma, n, 0, true);
      const js = choleskyLower(sigma, n, 0, false);
      if (wasm === null || js === null) throw new Error(`a Gram matrix plus 0.1·I must factorise (n = ${n})`);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) expect(Object.is(wasm[i * n + j], js[i * n + j])).to.equal(true);
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let t = 0; t <= j; t++) s += (wasm[i * n + t] as number) * (wasm[j * n + t] as number);
          expectNear(s, sigma[i * n + j] as number, 1e-12 * (1 + Math.abs(sigma[i * n + i] as number)));
        }
      }
    }
  });

  it("leaves Σ unchanged", () => {
    const sigma = gram(9, 3, 0.1);
    const copy = Float64Array.from(sigma);
    isCholeskyFactorisable(sigma, 9, 1e-12);
    expect([...sigma]).to.deep.equal([...copy]);
  });

  it("refuses a matrix with a negative eigenvalue, and a NaN or infinite pivot, in both backends", () => {
    const n = 10;
    // c·c' − 0.5·I: eigenvalues ‖c‖² − 0.5 and −0.5 (n − 1 times).
    const indefinite = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) indefinite[i * n + j] = Math.cos(i) * Math.cos(j) + (i === j ? -0.5 : 0);
    }
    for (const useWasm of [true, false]) {
      expect(isCholeskyFactorisable(indefinite, n, 1e-12, useWasm)).to.equal(false);
      expect(isCholeskyFactorisable(Float64Array.of(Number.NaN), 1, 0, useWasm)).to.equal(false);
      expect(isCholeskyFactorisable(Float64Array.of(Infinity), 1, 0, useWasm)).to.equal(false);
      expect(isCholeskyFactorisable(Float64Array.of(1, 1, 1, 1), 2, 0, useWasm)).to.equal(false);
      expect(isCholeskyFactorisable(Float64Array.of(1, 1, 1, 1), 2, 1e-12, useWasm)).to.equal(true);
    }
  });

  it("property: the two backends always agree on whether Σ + jitter·I factorises", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (n, seed, ridge) => {
          const sigma = gram(n, seed, ridge);
          expect(isCholeskyFactorisable(sigma, n, 0, true)).to.equal(isCholeskyFactorisable(sigma, n, 0, false));
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe("simd cholesky pivots", () => {
  it("names the first row whose pivot is not above the relative threshold, in both backends", () => {
    for (const useWasm of [true, false]) {
      // Asset 2 = asset 0 + asset 1: a zero pivot at row 2.
      const redundant = Float64Array.of(1, 0, 1, 0, 1, 1, 1, 1, 2);
      const singular = choleskyPivots(redundant, 3, 1e-12, useWasm);
      expect(singular.failedAt).to.equal(2);
      expectNear(singular.pivot, 0, 1e-15);
      const indefinite = choleskyPivots(Float64Array.of(1, 2, 2, 1), 2, 1e-12, useWasm);
      expect(indefinite).to.deep.equal({ failedAt: 1, pivot: -3 });
      const fine = choleskyPivots(gram(13, 5, 0.1), 13, 1e-12, useWasm);
      expect(fine.failedAt).to.equal(-1);
      expect(Number.isNaN(fine.pivot)).to.equal(true);
    }
  });
});
