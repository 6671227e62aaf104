import { expect } from "chai";
import { luInPlace, luSolveInPlace } from "../../../src/optimizer/qp/dense.ts";
import { factorReducedKkt } from "../../../src/optimizer/qp/reducedKkt.ts";
import { expectNear } from "../../helpers/expect.ts";

/** [H −Aᵀ; A −δI] as polishing writes it, H = G·Gᵀ + ridge·I (nf×nf), A nw×nf. */
function kktSystem(nf: number, nw: number, ridge: number, seed: number): Float64Array {
  const size = nf + nw;
  const k = new Float64Array(size * size);
  const g = Float64Array.from({ length: nf * 6 }, (_, i) => Math.sin(seed + 0.7 * i));
  for (let i = 0; i < nf; i++) {
    for (let j = 0; j < nf; j++) {
      let s = i === j ? ridge : 0;
      for (let t = 0; t < 6; t++) s += (g[i * 6 + t] as number) * (g[j * 6 + t] as number);
      k[i * size + j] = s;
    }
  }
  for (let w = 0; w < nw; w++) {
    for (let i = 0; i < nf; i++) {
      const a = (i + w) % (w + 2) === 0 ? 1 : Math.cos(seed + i * (w + 1));
      k[(nf + w) * size + i] = a;
      k[i * size + nf + w] = -a;
    }
    k[(nf + w) * size + nf + w] = -1e-13;
  }
  return k;
}

/** K⁻¹b by LU with partial pivoting, the path polishing took before. */
function luReference(kkt: Float64Array, size: number, b: Float64Array): Float64Array {
  const lu = Float64Array.from(kkt);
  const piv = luInPlace(lu, size, 1e-16);
  if (piv === null) throw new Error("the test system must be nonsingular");
  const x = Float64Array.from(b);
  luSolveInPlace(lu, size, piv, x);
  return x;
}

describe("qp reduced KKT solve", () => {
  it("with a positive definite free block, solves as the LU does (Schur complement)", () => {
    for (const [nf, nw] of [
      [64, 0],
      [80, 3],
      [150, 11],
    ] as const) {
      const size = nf + nw;
      const kkt = kktSystem(nf, nw, 0.05, nf);
      const b = Float64Array.from({ length: size }, (_, i) => Math.cos(3 * i));
      const expected = luReference(kkt, size, b);
      const solve = factorReducedKkt(Float64Array.from(kkt), size, nf);
      if (solve === null) throw new Error("a nonsingular system must factorise");
      const x = Float64Array.from(b);
      solve(x);
      const scale = Math.max(...expected.map(Math.abs));
      for (let i = 0; i < size; i++) expectNear(x[i] as number, expected[i] as number, 1e-9 * scale);
    }
  });

  it("with a singular free block (a variable without curvature), falls back to the LU and still solves", () => {
    const nf = 70;
    const nw = 2;
    const size = nf + nw;
    const kkt = kktSystem(nf, nw, 0.05, 1);
    // Variable 0 has no curvature and no coupling in H: only the rows determine it.
    for (let j = 0; j < nf; j++) {
      kkt[j] = 0;
      kkt[j * size] = 0;
    }
    const b = Float64Array.from({ length: size }, (_, i) => 1 + Math.sin(i));
    const solve = factorReducedKkt(Float64Array.from(kkt), size, nf);
    if (solve === null) throw new Error("the bordered system is nonsingular");
    const x = Float64Array.from(b);
    solve(x);
    // K·x = b.
    for (let i = 0; i < size; i++) {
      let s = 0;
      for (let j = 0; j < size; j++) s += (kkt[i * size + j] as number) * (x[j] as number);
      expectNear(s, b[i] as number, 1e-8 * (1 + Math.abs(b[i] as number)));
    }
  });

  it("returns null for a singular system", () => {
    const size = 3;
    expect(factorReducedKkt(new Float64Array(size * size), size, 2)).to.equal(null);
  });
});
