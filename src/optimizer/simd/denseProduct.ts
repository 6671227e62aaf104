// Products A·x with a dense row-major n×n matrix, repeated within one solve (the QP's polishing
// and verification multiply by the same Σ several times). The WebAssembly SIMD path copies A once
// into memory of its own; the JS path adds in the same order, so both give identical results.
import { dotJs, reserveBytes, wasmKernels } from "./kernels.ts";

/** out = A·x (out must not alias x). */
export type DenseProduct = (x: Float64Array, out: Float64Array) => void;

/** out = A·x in JS, summed as the wasm kernel sums (eight partial sums per row). */
export function denseMatVecJs(a: Float64Array, n: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = dotJs(a, i * n, x, 0, n);
}

/** Above this many bytes (n ≈ 8,000) products stay in JS rather than copy A. */
const MAX_WASM_BYTES = 2 ** 29;

/** Bumped by every preparation: a product whose copy has been overwritten falls back to JS. */
let generation = 0;

/**
 * A product with A for repeated use: in WebAssembly SIMD on a copy of A when available (the copy
 * costs about one product and is overwritten by the next preparation, after which the older
 * product silently computes in JS), else in JS. A must not change while the product is in use.
 *
 * @example
 * ```ts
 * const product = prepareDenseProduct(sigma.data, sigma.n);
 * product(w, out); // out = Σw
 * ```
 */
export function prepareDenseProduct(a: Float64Array, n: number): DenseProduct {
  const js: DenseProduct = (x, out) => denseMatVecJs(a, n, x, out);
  const kernels = wasmKernels("denseProduct");
  const bytes = 8 * (n * n + 2 * n);
  if (kernels === undefined || bytes > MAX_WASM_BYTES || !reserveBytes(kernels, bytes)) return js;
  const mine = ++generation;
  new Float64Array(kernels.memory.buffer, 0, n * n).set(a.subarray(0, n * n));
  const xPtr = 8 * n * n;
  const outPtr = xPtr + 8 * n;
  return (x, out) => {
    if (mine !== generation) {
      js(x, out);
      return;
    }
    const heap = new Float64Array(kernels.memory.buffer);
    heap.set(x.subarray(0, n), n * n);
    kernels.gemv(n, n, 0, xPtr, outPtr);
    out.set(heap.subarray(n * n + n, n * n + 2 * n));
  };
}
