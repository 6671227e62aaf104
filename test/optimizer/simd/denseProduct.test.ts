import { expect } from "chai";
import { denseMatVecJs, prepareDenseProduct } from "../../../src/optimizer/simd/denseProduct.ts";

function symmetric(n: number, seed: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = Math.sin(seed + 7 * i + 13 * j) * (i === j ? 3 : 1);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

describe("simd dense product", () => {
  it("gives the JS twin's result bit for bit, and that is Σx within rounding", () => {
    for (const n of [1, 7, 8, 9, 64, 131]) {
      const a = symmetric(n, n);
      const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
      const prepared = new Float64Array(n);
      prepareDenseProduct(a, n)(x, prepared);
      const js = new Float64Array(n);
      denseMatVecJs(a, n, x, js);
      expect([...prepared]).to.deep.equal([...js]);
      for (let i = 0; i < n; i++) {
        let plain = 0;
        let scale = 0;
        for (let j = 0; j < n; j++) {
          plain += (a[i * n + j] as number) * (x[j] as number);
          scale += Math.abs((a[i * n + j] as number) * (x[j] as number));
        }
        expect(Math.abs((js[i] as number) - plain)).to.be.at.most(1e-14 * scale);
      }
    }
  });

  it("keeps computing the right product after a later preparation reuses the memory", () => {
    const n = 20;
    const first = symmetric(n, 1);
    const second = symmetric(n, 2);
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const older = prepareDenseProduct(first, n);
    const newer = prepareDenseProduct(second, n);
    const out = new Float64Array(n);
    const expected = new Float64Array(n);
    older(x, out);
    denseMatVecJs(first, n, x, expected);
    expect([...out]).to.deep.equal([...expected]);
    newer(x, out);
    denseMatVecJs(second, n, x, expected);
    expect([...out]).to.deep.equal([...expected]);
  });
});
