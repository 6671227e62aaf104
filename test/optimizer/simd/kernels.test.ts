import { expect } from "chai";
import fc from "fast-check";
import {
  KERNEL_MODULE_BYTES,
  axpyJs,
  dotJs,
  wasmKernels,
  type WasmKernels,
} from "../../../src/optimizer/simd/kernels.ts";
import { sleb, uleb } from "../../../src/optimizer/simd/wasmEncoder.ts";

function kernels(): WasmKernels {
  const k = wasmKernels("test");
  if (k === undefined) throw new Error("Node 22 supports WebAssembly SIMD: the kernels must instantiate");
  return k;
}

/** Copies arrays into the kernels' memory one after another; returns their byte offsets. */
function place(k: WasmKernels, ...arrays: Float64Array[]): number[] {
  const bytes = 8 * arrays.reduce((a, v) => a + v.length, 0);
  if (bytes > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / 65536));
  const heap = new Float64Array(k.memory.buffer);
  let offset = 0;
  return arrays.map((a) => {
    heap.set(a, offset);
    offset += a.length;
    return 8 * (offset - a.length);
  });
}

const vectorPair = fc
  .integer({ min: 0, max: 70 })
  .chain((len) =>
    fc.tuple(
      fc.float64Array({ minLength: len, maxLength: len, noDefaultInfinity: true, noNaN: true, min: -1e6, max: 1e6 }),
      fc.float64Array({ minLength: len, maxLength: len, noDefaultInfinity: true, noNaN: true, min: -1e6, max: 1e6 }),
    ),
  );

describe("simd kernels", () => {
  it("encode LEB128 as the WebAssembly binary format specifies", () => {
    expect(uleb(0)).to.deep.equal([0]);
    expect(uleb(624485)).to.deep.equal([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).to.deep.equal([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).to.deep.equal([0xc0, 0x00]);
    expect(sleb(-64)).to.deep.equal([0x40]);
  });

  it("build a module that validates with SIMD and instantiates", () => {
    expect(WebAssembly.validate(KERNEL_MODULE_BYTES)).to.equal(true);
    expect(kernels().memory).to.be.instanceOf(WebAssembly.Memory);
  });

  it("dot: wasm and the JS twin are bit-identical, and within rounding of a plain sum", () => {
    const k = kernels();
    fc.assert(
      fc.property(vectorPair, ([a, b]) => {
        const [pa, pb] = place(k, a, b);
        const wasm = k.dot(pa as number, pb as number, a.length);
        const js = dotJs(a, 0, b, 0, a.length);
        expect(Object.is(wasm, js)).to.equal(true);
        let plain = 0;
        let scale = 0;
        for (let i = 0; i < a.length; i++) {
          plain += (a[i] as number) * (b[i] as number);
          scale += Math.abs((a[i] as number) * (b[i] as number));
        }
        expect(Math.abs(js - plain)).to.be.at.most(1e-13 * scale);
      }),
      { numRuns: 200 },
    );
  });

  it("axpy: wasm and the JS twin are bit-identical, including the tail", () => {
    const k = kernels();
    fc.assert(
      fc.property(vectorPair, fc.double({ min: -10, max: 10, noNaN: true }), ([x, y], alpha) => {
        const [px, py] = place(k, x, y);
        k.axpy(alpha, px as number, py as number, x.length);
        const wasm = new Float64Array(k.memory.buffer, py, y.length);
        const js = Float64Array.from(y);
        axpyJs(alpha, x, 0, js, x.length);
        expect([...wasm]).to.deep.equal([...js]);
      }),
      { numRuns: 200 },
    );
  });

  it("gemv: each entry is the dot of a row", () => {
    const k = kernels();
    const rows = 5;
    const cols = 13;
    const a = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i + 1));
    const x = Float64Array.from({ length: cols }, (_, i) => Math.cos(i));
    const [pa, px, po] = place(k, a, x, new Float64Array(rows));
    k.gemv(rows, cols, pa as number, px as number, po as number);
    const out = new Float64Array(k.memory.buffer, po, rows);
    for (let i = 0; i < rows; i++) expect(out[i]).to.equal(dotJs(a, i * cols, x, 0, cols));
  });
});
