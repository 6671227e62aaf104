/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
// The positive-definiteness test of a dense covariance: a Cholesky factorisation in WebAssembly
// SIMD whose inner products go eight rows at a time, so that each row of the factor already
// computed is read once for eight new rows (the triangle of a 500×500 Σ is a megabyte, larger than
// a core's L2 cache; at n = 2000 it is 16 MB and reading it is the cost: eight rows took a 2000×2000
// check from about 480 to 390 ms of CPU against four, on the bench machine; twelve or sixteen rows
// no longer fit the accumulators in x64's sixteen SIMD registers and are slower). All of it runs in WebAssembly, which V8 compiles before the first call, so
// a fresh process pays no JavaScript warm-up here. The JS twin (`factorRows`) adds in exactly the
// same order, so both backends return the same factor bit for bit (tested).
import { ROWS, dotRowsJs, factorRows } from "./choleskyJs.ts";
import { F64, I32, V128, encodeModule, op, type WasmFunction } from "./wasmEncoder.ts";

// dotRows(a, stride, b, len, out): out[r] = Σ_{j<len} a[r·stride + j]·b[j] for r < ROWS, over the
// first ⌊len/4⌋·4 entries only (the caller adds the tail). Eight rows per call so that each row of
// the factor already computed is streamed once for eight new rows: at n = 2000 the triangle is
// 16 MB, and the factorisation is bound by reading it. Per row one f64x2 accumulator, fed the two
// pairs of each block of four in turn, then lane 0 + lane 1 (the JS `dotRowsJs`).
const DOT_ROWS: WasmFunction = (() => {
  const [a, stride, b, len, out, end, vb0, vb1] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rows = Array.from({ length: ROWS }, (_, r) => r);
  const row = rows.map((r) => 8 + r);
  const acc = rows.map((r) => 8 + ROWS + r);
  const rowPointer = (r: number): number[] => [
    ...op.localGet(a),
    ...op.localGet(stride),
    ...op.i32Const(r),
    ...op.i32Mul(),
    ...op.i32Add(),
    ...op.localSet(row[r]!),
  ];
  const accumulate = (r: number, half: number): number[] => [
    ...op.localGet(acc[r]!),
    ...op.localGet(row[r]!),
    ...op.v128Load(16 * half),
    ...op.localGet(half === 0 ? vb0 : vb1),
    ...op.f64x2Mul(),
    ...op.f64x2Add(),
    ...op.localSet(acc[r]!),
  ];
  const advance = (ptr: number): number[] => [
    ...op.localGet(ptr),
    ...op.i32Const(32),
    ...op.i32Add(),
    ...op.localSet(ptr),
  ];
  const reduce = (r: number): number[] => [
    ...op.localGet(out),
    ...[...op.localGet(acc[r]!), ...op.f64x2ExtractLane(0), ...op.localGet(acc[r]!), ...op.f64x2ExtractLane(1)],
    ...[...op.f64Add(), ...op.f64Store(8 * r)],
  ];
  return {
    name: "dotRows",
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, V128, V128, ...row.map(() => I32), ...acc.map(() => V128)],
    body: [
      ...[...op.localGet(b), ...op.localGet(len), ...op.i32Const(2), ...op.i32ShrU(), ...op.i32Const(5)],
      ...[...op.i32Shl(), ...op.i32Add(), ...op.localSet(end)],
      ...rows.flatMap(rowPointer),
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(b), ...op.localGet(end), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(b), ...op.v128Load(0), ...op.localSet(vb0)],
      ...[...op.localGet(b), ...op.v128Load(16), ...op.localSet(vb1)],
      ...rows.flatMap((r) => [...accumulate(r, 0), ...accumulate(r, 1)]),
      ...[b, ...row].flatMap(advance),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
      ...rows.flatMap(reduce),
    ],
  };
})();

const FN_DOT_ROWS = 0;
const FN_DOT_PLAIN = 1;
const FN_FINISH_ROW = 2;

// dotPlain(a, b, count, s) → s + Σ_{t<count} a[t]·b[t], added in order (the JS `dotPlain`).
const DOT_PLAIN: WasmFunction = (() => {
  const [a, b, count, s, end] = [0, 1, 2, 3, 4];
  return {
    name: "dotPlain",
    params: [I32, I32, I32, F64],
    results: [F64],
    locals: [I32],
    body: [
      ...[...op.localGet(a), ...op.localGet(count), ...op.i32Const(3), ...op.i32Shl(), ...op.i32Add()],
      ...op.localSet(end),
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(a), ...op.localGet(end), ...op.i32GeU(), ...op.brIf(1)],
      ...[...op.localGet(s), ...op.localGet(a), ...op.f64Load(), ...op.localGet(b), ...op.f64Load()],
      ...[...op.f64Mul(), ...op.f64Add(), ...op.localSet(s)],
      ...[...op.localGet(a), ...op.i32Const(8), ...op.i32Add(), ...op.localSet(a)],
      ...[...op.localGet(b), ...op.i32Const(8), ...op.i32Add(), ...op.localSet(b)],
      ...op.br(0),
      ...op.end(),
      ...op.end(),
      ...op.localGet(s),
    ],
  };
})();

/** base + index·stride, for i32 locals. */
const rowAt = (base: number, index: number, stride: number): number[] => [
  ...op.localGet(base),
  ...op.localGet(index),
  ...op.localGet(stride),
  ...op.i32Mul(),
  ...op.i32Add(),
];

/** ptr + 8·index, for i32 locals. */
const entryAt = (ptr: number, index: number): number[] => [
  ...op.localGet(ptr),
  ...op.localGet(index),
  ...op.i32Const(3),
  ...op.i32Shl(),
  ...op.i32Add(),
];

// finishRow(base, stride, i, from, rel) → 1, or 0 (the pivot left on the diagonal) at a pivot that
// is not above rel·a_ii or is infinite: the JS `finishRow`.
const FINISH_ROW: WasmFunction = (() => {
  const [base, stride, i, from, rel, ri, rj, j, d, aii] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const fail = [...entryAt(ri, i), ...op.localGet(d), ...op.f64Store(), ...op.i32Const(0), ...op.return()];
  return {
    name: "finishRow",
    params: [I32, I32, I32, I32, F64],
    results: [I32],
    locals: [I32, I32, I32, F64, F64],
    body: [
      ...[...rowAt(base, i, stride), ...op.localSet(ri), ...op.localGet(from), ...op.localSet(j)],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(j), ...op.localGet(i), ...op.i32GeU(), ...op.brIf(1)],
      ...[...rowAt(base, j, stride), ...op.localSet(rj)],
      ...[...entryAt(ri, j), ...entryAt(ri, j), ...op.f64Load()],
      ...[...op.localGet(ri), ...op.localGet(rj), ...op.localGet(j), ...op.f64Const(0), ...op.call(FN_DOT_PLAIN)],
      ...[...op.f64Sub(), ...entryAt(rj, j), ...op.f64Load(), ...op.f64Div(), ...op.f64Store()],
      ...[...op.localGet(j), ...op.i32Const(1), ...op.i32Add(), ...op.localSet(j), ...op.br(0)],
      ...op.end(),
      ...op.end(),
      ...[...entryAt(ri, i), ...op.f64Load(), ...op.localTee(aii)],
      ...[...op.localGet(ri), ...op.localGet(ri), ...op.localGet(i), ...op.f64Const(0), ...op.call(FN_DOT_PLAIN)],
      ...[...op.f64Sub(), ...op.localSet(d)],
      ...[...op.localGet(d), ...op.localGet(rel), ...op.localGet(aii), ...op.f64Mul(), ...op.f64Gt()],
      ...[...op.i32Eqz(), ...op.ifEmpty(), ...fail, ...op.end()],
      ...[...op.localGet(d), ...op.f64Const(Infinity), ...op.f64Eq(), ...op.ifEmpty(), ...fail, ...op.end()],
      ...[...entryAt(ri, i), ...op.localGet(d), ...op.f64Sqrt(), ...op.f64Store()],
      ...op.i32Const(1),
    ],
  };
})();

// cholesky(n, base, out, rel) → −1, or the row of the first pivot not above rel·a_ii: the JS
// `factorRows` line by line, the n×n matrix at `base`, ROWS doubles of scratch at `out`.
const CHOLESKY: WasmFunction = (() => {
  const [n, base, out, rel, stride, i0, j, rj, tail, p, ljj] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const updateRow = (r: number): number[] => [
    ...[...op.localGet(i0), ...op.i32Const(r), ...op.i32Add(), ...op.localGet(stride), ...op.i32Mul()],
    ...[...op.localGet(base), ...op.i32Add(), ...op.localSet(p)],
    ...[...entryAt(p, j), ...entryAt(p, j), ...op.f64Load()],
    ...[...entryAt(p, tail), ...entryAt(rj, tail), ...op.localGet(j), ...op.localGet(tail), ...op.i32Sub()],
    ...[...op.localGet(out), ...op.f64Load(8 * r), ...op.call(FN_DOT_PLAIN)],
    ...[...op.f64Sub(), ...op.localGet(ljj), ...op.f64Div(), ...op.f64Store()],
  ];
  const finish = (r: number, from: number[]): number[] => [
    ...[...op.localGet(base), ...op.localGet(stride), ...op.localGet(i0), ...op.i32Const(r), ...op.i32Add()],
    ...[...from, ...op.localGet(rel), ...op.call(FN_FINISH_ROW), ...op.i32Eqz(), ...op.ifEmpty()],
    ...[...op.localGet(i0), ...op.i32Const(r), ...op.i32Add(), ...op.return(), ...op.end()],
  ];
  return {
    name: "cholesky",
    params: [I32, I32, I32, F64],
    results: [I32],
    locals: [I32, I32, I32, I32, I32, I32, F64],
    body: [
      ...[...op.localGet(n), ...op.i32Const(3), ...op.i32Shl(), ...op.localSet(stride)],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(i0), ...op.i32Const(ROWS), ...op.i32Add(), ...op.localGet(n), ...op.i32GtU(), ...op.brIf(1)],
      ...[...op.i32Const(0), ...op.localSet(j)],
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(j), ...op.localGet(i0), ...op.i32GeU(), ...op.brIf(1)],
      ...[...rowAt(base, j, stride), ...op.localSet(rj)],
      ...[...rowAt(base, i0, stride), ...op.localGet(stride), ...op.localGet(rj), ...op.localGet(j)],
      ...[...op.localGet(out), ...op.call(FN_DOT_ROWS)],
      ...[...op.localGet(j), ...op.i32Const(-4), ...op.i32And(), ...op.localSet(tail)],
      ...[...entryAt(rj, j), ...op.f64Load(), ...op.localSet(ljj)],
      ...Array.from({ length: ROWS }, (_, r) => r).flatMap(updateRow),
      ...[...op.localGet(j), ...op.i32Const(1), ...op.i32Add(), ...op.localSet(j), ...op.br(0)],
      ...op.end(),
      ...op.end(),
      ...Array.from({ length: ROWS }, (_, r) => r).flatMap((r) => finish(r, op.localGet(i0))),
      ...[...op.localGet(i0), ...op.i32Const(ROWS), ...op.i32Add(), ...op.localSet(i0), ...op.br(0)],
      ...op.end(),
      ...op.end(),
      ...op.block(),
      ...op.loop(),
      ...[...op.localGet(i0), ...op.localGet(n), ...op.i32GeU(), ...op.brIf(1)],
      ...finish(0, op.i32Const(0)),
      ...[...op.localGet(i0), ...op.i32Const(1), ...op.i32Add(), ...op.localSet(i0), ...op.br(0)],
      ...op.end(),
      ...op.end(),
      ...op.i32Const(-1),
    ],
  };
})();

/** The module's bytes, built once at load. Order fixes the function indices. */
export const CHOLESKY_MODULE_BYTES: Uint8Array<ArrayBuffer> = encodeModule([DOT_ROWS, DOT_PLAIN, FINISH_ROW, CHOLESKY]);

interface CholeskyKernel {
  readonly memory: WebAssembly.Memory;
  cholesky(n: number, base: number, out: number, relativePivot: number): number;
}

let kernel: CholeskyKernel | null | undefined;

/** The instantiated kernel, or null where WebAssembly SIMD is unavailable (then the JS twin runs). */
function choleskyKernel(): CholeskyKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    if (typeof WebAssembly === "object" && WebAssembly.validate(CHOLESKY_MODULE_BYTES)) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const exports = new WebAssembly.Instance(new WebAssembly.Module(CHOLESKY_MODULE_BYTES), { env: { memory } })
        .exports as unknown as Omit<CholeskyKernel, "memory">;
      kernel = { cholesky: exports.cholesky, memory };
    }
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Above this many bytes (n ≈ 8,000) the factorisation stays in JS rather than copy Σ. */
const MAX_WASM_BYTES = 2 ** 29;

/**
 * Whether Σ + jitter·I has a Cholesky factor (every pivot positive and finite): the PSD test of
 * ensurePsd in ../covariance.ts. Σ (n×n row-major, symmetric; only its lower triangle is read)
 * is left unchanged. Runs in WebAssembly SIMD where available (`useWasm`), else in JS with the
 * same result.
 *
 * @example
 * ```ts
 * isCholeskyFactorisable(Float64Array.of(0.04, 0.006, 0.006, 0.09), 2, 1e-14); // true
 * isCholeskyFactorisable(Float64Array.of(1, 2, 2, 1), 2, 0); // false
 * ```
 */
export function isCholeskyFactorisable(sigma: Float64Array, n: number, jitter: number, useWasm = true): boolean {
  return factorInPlace(sigma, n, jitter, 0, useWasm).failedAt < 0;
}

/**
 * The Cholesky factor L of Σ + jitter·I (lower triangle of an n×n row-major copy; the strict
 * upper triangle holds Σ's entries), or null when a pivot is not positive. Same arithmetic as
 * {@link isCholeskyFactorisable}, bit for bit in both backends.
 *
 * @example
 * ```ts
 * const l = choleskyLower(Float64Array.of(4, 2, 2, 5), 2, 0); // [2, 2, 1, 2]: L = [[2, 0], [1, 2]]
 * ```
 */
export function choleskyLower(sigma: Float64Array, n: number, jitter: number, useWasm = true): Float64Array | null {
  const { h, failedAt } = factorInPlace(sigma, n, jitter, 0, useWasm);
  return failedAt >= 0 ? null : Float64Array.from(h.subarray(0, n * n));
}

/** Outcome of {@link choleskyPivots}. */
export interface CholeskyPivots {
  /** −1 when every pivot passed, else the row whose pivot failed. */
  readonly failedAt: number;
  /** The failing pivot a_kk − Σ_j L_kj² (before the square root), or NaN on success. */
  readonly pivot: number;
}

/**
 * Factorises Σ and stops at the first row k whose pivot a_kk − Σ_j L_kj² is not above
 * `relativePivot`·a_kk (or is infinite): the risk-budgeting test that tells a negative eigenvalue
 * from a redundant asset (riskParity/validate.ts). Σ is left unchanged.
 *
 * @example
 * ```ts
 * choleskyPivots(Float64Array.of(1, 1, 1, 1), 2, 1e-12); // { failedAt: 1, pivot: 0 }
 * ```
 */
export function choleskyPivots(sigma: Float64Array, n: number, relativePivot: number, useWasm = true): CholeskyPivots {
  const { h, failedAt } = factorInPlace(sigma, n, 0, relativePivot, useWasm);
  return { failedAt, pivot: failedAt < 0 ? Number.NaN : h[failedAt * n + failedAt]! };
}

/** Factorises a copy of Σ + jitter·I in the kernel's memory (or a JS array). */
function factorInPlace(
  sigma: Float64Array,
  n: number,
  jitter: number,
  rel: number,
  useWasm: boolean,
): { h: Float64Array; failedAt: number } {
  const k = useWasm ? choleskyKernel() : null;
  const bytes = 8 * (n * n + ROWS);
  if (k !== null && bytes <= MAX_WASM_BYTES && reserve(k, bytes)) {
    const h = new Float64Array(k.memory.buffer, 0, n * n + ROWS);
    load(h, sigma, n, jitter);
    return { h, failedAt: k.cholesky(n, 0, 8 * n * n, rel) };
  }
  const h = new Float64Array(n * n);
  load(h, sigma, n, jitter);
  const out = new Float64Array(ROWS);
  const failedAt = factorRows(h, n, rel, (a, b, len) => {
    dotRowsJs(h, a, n, b, len, out);
    return out;
  });
  return { h, failedAt };
}

/** Grows the kernel's memory to at least `bytes`; false when the engine refuses. */
function reserve(k: CholeskyKernel, bytes: number): boolean {
  const missing = bytes - k.memory.buffer.byteLength;
  if (missing <= 0) return true;
  try {
    k.memory.grow(Math.ceil(missing / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Copies Σ + jitter·I into `h`. */
function load(h: Float64Array, sigma: Float64Array, n: number, jitter: number): void {
  h.set(sigma.subarray(0, n * n));
  for (let i = 0; i < n; i++) h[i * n + i]! += jitter;
}
