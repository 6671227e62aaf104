// Forward CCD sweeps that read only the lower triangle of Σ, once per sweep (Σ is symmetric).
//
// At coordinate i a forward sweep needs (Σy)_i with the coordinates j < i already updated:
//   (Σy)_i = Σ_{j<i} σ_ij y_j^new + σ_ii y_i + u_i,   u_i = Σ_{j>i} σ_ij y_j^old.
// The first term is a dot product with row i of the lower triangle. After y_i^new is known the
// same row (still in L1 cache) is scattered into u'_j += σ_ij y_i^new for j < i, which builds
// u' = the strict-upper products of the new point for the next sweep. At the end of the sweep
// Σy^new = (lower dots) + diag(Σ)·y^new + u' exactly, i.e. a freshly computed product (not one
// accumulated over sweeps), so the stopping test needs no extra pass over Σ.
//
// Two backends: WebAssembly SIMD over a packed copy of the lower triangle, and a JS twin over the
// row-major matrix itself. They add in the same order and give bit-identical results.
import { axpyJs, dotJs, reserveBytes, wasmKernels } from "../simd/kernels.ts";

/** Sweeps over one Σ (n×n, row-major) and budgets b; vectors are length-n Float64Arrays. */
export interface SweepEngine {
  readonly backend: "wasm" | "js";
  /** s ← Σy and u ← strict-upper products of y (u_j = Σ_{i>j} σ_ij y_i). */
  products(y: Float64Array, s: Float64Array, u: Float64Array): void;
  /**
   * One forward CCD sweep on f(y) = ½ y'Σy − Σ b_i ln y_i. Reads u (strict-upper products of the
   * input y), updates y in place, writes s = Σy and uNext = strict-upper products of the output.
   */
  sweep(y: Float64Array, u: Float64Array, s: Float64Array, uNext: Float64Array): void;
}

/** Positive root of a·y² + β·y − c = 0 (a, c > 0), written to avoid cancellation when β > 0. */
function positiveRoot(a: number, beta: number, c: number): number {
  const root = Math.sqrt(beta * beta + 4 * a * c);
  return beta >= 0 ? (2 * c) / (beta + root) : (root - beta) / (2 * a);
}

/** s_i ← s_i + σ_ii y_i + u_i: completes Σy from the lower dots in s. */
function complete(diag: Float64Array, y: Float64Array, s: Float64Array, u: Float64Array): void {
  for (let i = 0; i < y.length; i++)
    s[i] = (s[i] as number) + (diag[i] as number) * (y[i] as number) + (u[i] as number);
}

function diagonal(data: Float64Array, n: number): Float64Array {
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) diag[i] = data[i * n + i] as number;
  return diag;
}

/** A starting point y and where to write its s = Σy and u (its strict-upper products). */
export interface SweepStart {
  readonly y: Float64Array;
  readonly s: Float64Array;
  readonly u: Float64Array;
}

/** The JS backend, over the row-major matrix (no copy); computes the start's products if given. */
export function jsSweepEngine(data: Float64Array, n: number, budgets: Float64Array, start?: SweepStart): SweepEngine {
  const diag = diagonal(data, n);
  const engine: SweepEngine = {
    backend: "js",
    products(y, s, u) {
      u.fill(0);
      for (let i = 0; i < n; i++) {
        s[i] = dotJs(data, i * n, y, 0, i);
        axpyJs(y[i] as number, data, i * n, u, i);
      }
      complete(diag, y, s, u);
    },
    sweep(y, u, s, uNext) {
      uNext.fill(0);
      for (let i = 0; i < n; i++) {
        const row = i * n;
        const dot = dotJs(data, row, y, 0, i);
        const yi = positiveRoot(data[row + i] as number, dot + (u[i] as number), budgets[i] as number);
        y[i] = yi;
        s[i] = dot;
        axpyJs(yi, data, row, uNext, i);
      }
      complete(diag, y, s, uNext);
    },
  };
  if (start !== undefined) engine.products(start.y, start.s, start.u);
  return engine;
}

/** Above this many bytes of packed triangle (n ≈ 11,000) the JS backend is used instead. */
const MAX_WASM_BYTES = 2 ** 29;

/** Rows are copied in blocks of about this many doubles (in L2) before the start's products. */
const BLOCK_DOUBLES = 1 << 16;

/**
 * The WebAssembly SIMD backend: copies the lower triangle, packed by rows, into the kernels'
 * memory, or returns `undefined` where WebAssembly SIMD is unavailable or the triangle is too
 * large. Given a start, its products Σy and u are computed block by block right after each block
 * of rows is copied, while the rows are still in cache, so the copy and the start together cost
 * about one read of the lower triangle. The memory is reused by later solves and overwritten by
 * each one; engines are single-use (one solve, synchronous).
 */
export function wasmSweepEngine(
  data: Float64Array,
  n: number,
  budgets: Float64Array,
  start?: SweepStart,
): SweepEngine | undefined {
  const kernels = wasmKernels("riskParity");
  const packed = (n * (n + 1)) / 2;
  const bytes = 8 * (packed + 5 * n);
  if (kernels === undefined || bytes > MAX_WASM_BYTES || !reserveBytes(kernels, bytes)) return undefined;
  const heap = new Float64Array(kernels.memory.buffer);
  const ptr = (k: number): number => 8 * (packed + k * n);
  const view = (k: number): Float64Array => heap.subarray(packed + k * n, packed + (k + 1) * n);
  const [wy, wu, ws, wb, wn] = [view(0), view(1), view(2), view(3), view(4)];
  wb.set(budgets);
  const diag = diagonal(data, n);
  if (start !== undefined) {
    wy.set(start.y);
    wn.fill(0);
  }
  let first = 0; // first row of the current block
  for (let i = 0; i < n; i++) {
    const at = (i * (i + 1)) / 2;
    heap.set(data.subarray(i * n, i * n + i + 1), at);
    const blockStart = (first * (first + 1)) / 2;
    if (start !== undefined && (at + i + 1 - blockStart >= BLOCK_DOUBLES || i === n - 1)) {
      kernels.symvLower(first, i + 1, 8 * blockStart, ptr(0), ptr(2), ptr(4));
      first = i + 1;
    }
  }
  if (start !== undefined) {
    start.s.set(ws);
    start.u.set(wn);
    complete(diag, start.y, start.s, start.u);
  }
  return {
    backend: "wasm",
    products(y, s, u) {
      wy.set(y);
      wn.fill(0);
      kernels.symvLower(0, n, 0, ptr(0), ptr(2), ptr(4));
      s.set(ws);
      u.set(wn);
      complete(diag, y, s, u);
    },
    sweep(y, u, s, uNext) {
      wy.set(y);
      wu.set(u);
      wn.fill(0);
      kernels.ccdSweep(n, 0, ptr(0), ptr(1), ptr(2), ptr(3), ptr(4));
      y.set(wy);
      s.set(ws);
      uNext.set(wn);
      complete(diag, y, s, uNext);
    },
  };
}
