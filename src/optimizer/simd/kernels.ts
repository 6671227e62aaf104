// Dense f64 kernels in WebAssembly SIMD (f64x2), with pure-JS twins that add in exactly the same
// order, so both backends return bit-identical results (IEEE-754 arithmetic without fusion is
// deterministic; the tests check the equality). The JS twins are the fallback where WebAssembly
// SIMD is unavailable. Pointers and lengths are byte offsets into the module's memory / element
// counts; the caller owns the layout (see ./wasmMemory.ts).
import { F64, I32, V128, encodeModule, op, type WasmFunction } from "./wasmEncoder.ts";

/** local ← local + by, for an i32 local (a pointer in bytes or a counter). */
const advance = (ptr: number, bytes: number): number[] => [
  ...op.localGet(ptr),
  ...op.i32Const(bytes),
  ...op.i32Add(),
  ...op.localSet(ptr),
];

// dot(a, b, len) → Σ a_j b_j with eight partial sums: lanes of four f64x2 accumulators over blocks
// of eight, combined as ((acc0 + acc1) + (acc2 + acc3)), then lane 0 + lane 1, then the tail.
const DOT: WasmFunction = (() => {
  const [a, b, len, end8, end, acc0, acc1, acc2, acc3, sum] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const accumulate = (acc: number, offset: number): number[] => [
    ...op.localGet(acc),
    ...op.localGet(a),
    ...op.v128Load(offset),
    ...op.localGet(b),
    ...op.v128Load(offset),
    ...op.f64x2Mul(),
    ...op.f64x2Add(),
    ...op.localSet(acc),
  ];
  return {
    name: "dot",
    params: [I32, I32, I32],
    results: [F64],
    locals: [I32, I32, V128, V128, V128, V128, F64],
    body: [
      ...[...op.localGet(a), ...op.localGet(len), ...op.i32Const(3), ...op.i32ShrU(), ...op.i32Const(6)],
      ...[...op.i32Shl(), ...op.i32Add(), ...op.localSet(end8)],
      ...[
        ...op.localGet(a),
        ...op.localGet(len),
        ...op.i32Const(3),
        ...op.i32Shl(),
        ...op.i32Add(),
        ...op.localSet(end),
      ],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(a), ...op.localGet(end8), ...op.i32GeU(), ...op.brIf(1)],
      ...accumulate(acc0, 0),
      ...accumulate(acc1, 16),
      ...accumulate(acc2, 32),
      ...accumulate(acc3, 48),
      ...advance(a, 64),
      ...advance(b, 64),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
      ...[...op.localGet(acc0), ...op.localGet(acc1), ...op.f64x2Add()],
      ...[...op.localGet(acc2), ...op.localGet(acc3), ...op.f64x2Add(), ...op.f64x2Add(), ...op.localTee(acc0)],
      ...[
        ...op.f64x2ExtractLane(0),
        ...op.localGet(acc0),
        ...op.f64x2ExtractLane(1),
        ...op.f64Add(),
        ...op.localSet(sum),
      ],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(a), ...op.localGet(end), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(sum), ...op.localGet(a), ...op.f64Load(), ...op.localGet(b), ...op.f64Load()],
      ...[...op.f64Mul(), ...op.f64Add(), ...op.localSet(sum)],
      ...advance(a, 8),
      ...advance(b, 8),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
      ...op.localGet(sum),
    ],
  };
})();

// axpy(alpha, x, y, len): y_j ← y_j + alpha·x_j, two f64x2 per step, then the tail.
const AXPY: WasmFunction = (() => {
  const [alpha, x, y, len, end4, end, va] = [0, 1, 2, 3, 4, 5, 6];
  const update = (offset: number): number[] => [
    ...op.localGet(y),
    ...op.localGet(y),
    ...op.v128Load(offset),
    ...op.localGet(va),
    ...op.localGet(x),
    ...op.v128Load(offset),
    ...op.f64x2Mul(),
    ...op.f64x2Add(),
    ...op.v128Store(offset),
  ];
  return {
    name: "axpy",
    params: [F64, I32, I32, I32],
    results: [],
    locals: [I32, I32, V128],
    body: [
      ...[...op.localGet(alpha), ...op.f64x2Splat(), ...op.localSet(va)],
      ...[...op.localGet(x), ...op.localGet(len), ...op.i32Const(2), ...op.i32ShrU(), ...op.i32Const(5)],
      ...[...op.i32Shl(), ...op.i32Add(), ...op.localSet(end4)],
      ...[
        ...op.localGet(x),
        ...op.localGet(len),
        ...op.i32Const(3),
        ...op.i32Shl(),
        ...op.i32Add(),
        ...op.localSet(end),
      ],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(x), ...op.localGet(end4), ...op.i32GeU(), ...op.brIf(1)],
      ...update(0),
      ...update(16),
      ...advance(x, 32),
      ...advance(y, 32),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(x), ...op.localGet(end), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(y), ...op.localGet(y), ...op.f64Load(), ...op.localGet(alpha), ...op.localGet(x)],
      ...[...op.f64Load(), ...op.f64Mul(), ...op.f64Add(), ...op.f64Store()],
      ...advance(x, 8),
      ...advance(y, 8),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
    ],
  };
})();

const FN_DOT = 0;
const FN_AXPY = 1;

// ccdSweep(n, L, y, u, s, b, un): one forward CCD sweep over a packed lower triangle (row i holds
// Σ_i0..Σ_ii). See symmetricSweepJs for the algorithm; this is its line-by-line translation.
const CCD_SWEEP: WasmFunction = (() => {
  const [n, row, y, u, s, b, un, i, off, dot, sii, beta, c, rt, yi] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  ];
  const at = (base: number): number[] => [...op.localGet(base), ...op.localGet(off), ...op.i32Add()];
  return {
    name: "ccdSweep",
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, F64, F64, F64, F64, F64, F64],
    body: [
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(i), ...op.localGet(n), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(i), ...op.i32Const(3), ...op.i32Shl(), ...op.localSet(off)],
      ...[...op.localGet(row), ...op.localGet(y), ...op.localGet(i), ...op.call(FN_DOT), ...op.localSet(dot)],
      ...[...at(row), ...op.f64Load(), ...op.localSet(sii)],
      ...[...op.localGet(dot), ...at(u), ...op.f64Load(), ...op.f64Add(), ...op.localSet(beta)],
      ...[...at(b), ...op.f64Load(), ...op.localSet(c)],
      ...[...op.localGet(beta), ...op.localGet(beta), ...op.f64Mul(), ...op.f64Const(4), ...op.localGet(sii)],
      ...[...op.f64Mul(), ...op.localGet(c), ...op.f64Mul(), ...op.f64Add(), ...op.f64Sqrt(), ...op.localSet(rt)],
      ...[...op.localGet(beta), ...op.f64Const(0), ...op.f64Ge(), ...op.ifF64()],
      ...[...op.f64Const(2), ...op.localGet(c), ...op.f64Mul(), ...op.localGet(beta), ...op.localGet(rt)],
      ...[...op.f64Add(), ...op.f64Div(), ...op.else()],
      ...[...op.localGet(rt), ...op.localGet(beta), ...op.f64Sub(), ...op.f64Const(2), ...op.localGet(sii)],
      ...[...op.f64Mul(), ...op.f64Div(), ...op.end(), ...op.localSet(yi)],
      ...[...at(y), ...op.localGet(yi), ...op.f64Store()],
      ...[...at(s), ...op.localGet(dot), ...op.f64Store()],
      ...[...op.localGet(yi), ...op.localGet(row), ...op.localGet(un), ...op.localGet(i), ...op.call(FN_AXPY)],
      ...[...op.localGet(row), ...op.localGet(off), ...op.i32Add(), ...op.i32Const(8), ...op.i32Add()],
      ...[...op.localSet(row), ...advance(i, 1), ...op.br(0)],
      ...op.end(),
      ...op.end(),
    ],
  };
})();

// symvLower(first, end, row, y, s, u): for the rows first ≤ i < end of a packed lower triangle
// (`row` points at row `first`), s_i ← Σ_{j<i} Σ_ij y_j and u_j ← u_j + Σ_ij y_i for j < i. Over all
// rows, from one read of the triangle: Σy = s + diag(Σ)·y + u. A block of rows can be processed
// right after it is copied in, while it is still in cache.
const SYMV_LOWER: WasmFunction = (() => {
  const [i, end, row, y, s, u, off] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: "symvLower",
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32],
    body: [
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(i), ...op.localGet(end), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(i), ...op.i32Const(3), ...op.i32Shl(), ...op.localSet(off)],
      ...[...op.localGet(s), ...op.localGet(off), ...op.i32Add()],
      ...[...op.localGet(row), ...op.localGet(y), ...op.localGet(i), ...op.call(FN_DOT), ...op.f64Store()],
      ...[...op.localGet(y), ...op.localGet(off), ...op.i32Add(), ...op.f64Load()],
      ...[...op.localGet(row), ...op.localGet(u), ...op.localGet(i), ...op.call(FN_AXPY)],
      ...[...op.localGet(row), ...op.localGet(off), ...op.i32Add(), ...op.i32Const(8), ...op.i32Add()],
      ...[...op.localSet(row), ...advance(i, 1), ...op.br(0)],
      ...op.end(),
      ...op.end(),
    ],
  };
})();

// gemv(rows, cols, A, x, out): out_i = dot(A_i·, x) for a dense row-major rows×cols matrix.
const GEMV: WasmFunction = (() => {
  const [rows, cols, a, x, out, i] = [0, 1, 2, 3, 4, 5];
  return {
    name: "gemv",
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32],
    body: [
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(i), ...op.localGet(rows), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(out), ...op.localGet(a), ...op.localGet(x), ...op.localGet(cols), ...op.call(FN_DOT)],
      ...[...op.f64Store(), ...op.localGet(a), ...op.localGet(cols), ...op.i32Const(3), ...op.i32Shl()],
      ...[...op.i32Add(), ...op.localSet(a), ...advance(out, 8), ...advance(i, 1), ...op.br(0)],
      ...op.end(),
      ...op.end(),
    ],
  };
})();

/** The module's bytes (a few hundred), built once at load. Order fixes the function indices. */
export const KERNEL_MODULE_BYTES: Uint8Array<ArrayBuffer> = encodeModule([DOT, AXPY, CCD_SWEEP, SYMV_LOWER, GEMV]);

/** Exports of the instantiated kernel module (pointers are byte offsets into `memory`). */
export interface WasmKernels {
  readonly memory: WebAssembly.Memory;
  dot(a: number, b: number, len: number): number;
  axpy(alpha: number, x: number, y: number, len: number): void;
  ccdSweep(n: number, lower: number, y: number, u: number, s: number, b: number, un: number): void;
  symvLower(first: number, end: number, row: number, y: number, s: number, u: number): void;
  gemv(rows: number, cols: number, a: number, x: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new Map<string, WasmKernels>();

/**
 * The WebAssembly SIMD kernels for one client (`slot`), instantiated on first use with a memory of
 * their own, or `undefined` where WebAssembly or its SIMD extension is unavailable (callers then
 * use the JS twins). Each slot's memory belongs to its client alone (the risk-parity sweeps and
 * the QP's dense products keep different data there); it grows as needed and is kept for reuse.
 * Synchronous: the module is a few hundred bytes.
 */
export function wasmKernels(slot: string): WasmKernels | undefined {
  const existing = instances.get(slot);
  if (existing !== undefined) return existing;
  if (compiled === undefined) {
    compiled = null;
    try {
      if (typeof WebAssembly === "object" && WebAssembly.validate(KERNEL_MODULE_BYTES)) {
        compiled = new WebAssembly.Module(KERNEL_MODULE_BYTES);
      }
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  if (!warmed) {
    warmed = true;
    warmUp(compiled);
  }
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Omit<
    WasmKernels,
    "memory"
  >;
  const kernels: WasmKernels = { ...exports, memory };
  instances.set(slot, kernels);
  return kernels;
}

let warmed = false;

/**
 * V8 first runs WebAssembly in its baseline compiler and moves a function to the optimising one
 * only after it has done enough work, on a background thread: a few small solves would run 2–5×
 * slower than they need to. About a millisecond of busy work on scratch memory (compiled code is
 * shared by every instance of the module) gets every kernel there before the first real solve.
 */
function warmUp(module: WebAssembly.Module): void {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<WasmKernels, "memory">;
  new Float64Array(memory.buffer).fill(1e-3);
  const len = 4096; // doubles: x at 0, y at 8·len bytes
  for (let i = 0; i < 40; i++) {
    k.dot(0, 8 * len, len);
    k.axpy(1e-3, 0, 8 * len, len);
  }
  const n = 96; // packed triangle at 0 (n(n+1)/2 doubles), then five n-vectors
  const at = (v: number): number => 8 * ((n * (n + 1)) / 2 + v * n);
  for (let i = 0; i < 100; i++) {
    k.ccdSweep(n, 0, at(0), at(1), at(2), at(3), at(4));
    k.symvLower(0, n, 0, at(0), at(2), at(4));
    k.gemv(4 * n, 8, 0, at(0), at(1));
  }
}

/** Grows the kernels' memory to at least `bytes`; false when the engine refuses. */
export function reserveBytes(kernels: WasmKernels, bytes: number): boolean {
  const missing = bytes - kernels.memory.buffer.byteLength;
  if (missing <= 0) return true;
  try {
    kernels.memory.grow(Math.ceil(missing / 65536));
    return true;
  } catch {
    return false;
  }
}

/** JS twin of the wasm `dot`: a·b over `len` entries from the given offsets, same summation order. */
export function dotJs(a: Float64Array, aOff: number, b: Float64Array, bOff: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const blocks = len - (len & 7);
  let j = 0;
  for (; j < blocks; j += 8) {
    const p = aOff + j;
    const q = bOff + j;
    s0 += (a[p] as number) * (b[q] as number);
    s1 += (a[p + 1] as number) * (b[q + 1] as number);
    s2 += (a[p + 2] as number) * (b[q + 2] as number);
    s3 += (a[p + 3] as number) * (b[q + 3] as number);
    s4 += (a[p + 4] as number) * (b[q + 4] as number);
    s5 += (a[p + 5] as number) * (b[q + 5] as number);
    s6 += (a[p + 6] as number) * (b[q + 6] as number);
    s7 += (a[p + 7] as number) * (b[q + 7] as number);
  }
  let sum = s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
  for (; j < len; j++) sum += (a[aOff + j] as number) * (b[bOff + j] as number);
  return sum;
}

/** JS twin of the wasm `axpy`: y_j ← y_j + alpha·x_j for j < len, x read from offset `xOff`. */
export function axpyJs(alpha: number, x: Float64Array, xOff: number, y: Float64Array, len: number): void {
  for (let j = 0; j < len; j++) y[j] = (y[j] as number) + alpha * (x[xOff + j] as number);
}
