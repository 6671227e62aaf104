// A minimal WebAssembly binary encoder: just enough of the format (WebAssembly Core Specification
// 2.0, §5 "Binary format", and the 128-bit SIMD proposal's opcodes) to build the numeric kernels of
// ./kernels.ts at load time, so that the runtime needs no assembler or build step and the bytes are
// reviewable as code.

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128 of a non-negative integer below 2³². */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Instructions used by the kernels; each returns its encoding. Memory offsets are in bytes. */
export const op = {
  localGet: (i: number): number[] => [0x20, ...uleb(i)],
  localSet: (i: number): number[] => [0x21, ...uleb(i)],
  localTee: (i: number): number[] => [0x22, ...uleb(i)],
  call: (f: number): number[] => [0x10, ...uleb(f)],
  i32Const: (v: number): number[] => [0x41, ...sleb(v)],
  f64Const: (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  /** block/loop/if with an empty result, or a single f64 result. */
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  ifF64: (): number[] => [0x04, F64],
  else: (): number[] => [0x05],
  end: (): number[] => [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  ifEmpty: (): number[] => [0x04, 0x40],
  return: (): number[] => [0x0f],
  i32Add: (): number[] => [0x6a],
  i32Sub: (): number[] => [0x6b],
  i32And: (): number[] => [0x71],
  i32Eqz: (): number[] => [0x45],
  i32GtU: (): number[] => [0x4b],
  i32Mul: (): number[] => [0x6c],
  i32Shl: (): number[] => [0x74],
  i32ShrU: (): number[] => [0x76],
  i32GeU: (): number[] => [0x4f],
  f64Load: (offset = 0): number[] => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0): number[] => [0x39, 3, ...uleb(offset)],
  f64Add: (): number[] => [0xa0],
  f64Sub: (): number[] => [0xa1],
  f64Mul: (): number[] => [0xa2],
  f64Div: (): number[] => [0xa3],
  f64Sqrt: (): number[] => [0x9f],
  f64Ge: (): number[] => [0x66],
  f64Gt: (): number[] => [0x64],
  f64Eq: (): number[] => [0x61],
  // SIMD (prefix 0xfd). Alignment hint 0 (1 byte): rows of a packed triangle are not 16-byte aligned.
  v128Load: (offset = 0): number[] => [0xfd, ...uleb(0), 0, ...uleb(offset)],
  v128Store: (offset = 0): number[] => [0xfd, ...uleb(11), 0, ...uleb(offset)],
  f64x2Splat: (): number[] => [0xfd, ...uleb(20)],
  f64x2ExtractLane: (lane: number): number[] => [0xfd, ...uleb(33), lane],
  f64x2Add: (): number[] => [0xfd, ...uleb(240)],
  f64x2Mul: (): number[] => [0xfd, ...uleb(242)],
} as const;

/** One function: its signature, its extra locals (in declaration order) and its body. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, payload: readonly number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function utf8(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * Encodes a module that imports its memory as `env.memory` and exports every function by name.
 * Function indices are positions in `functions`.
 */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const imports = vector([[...utf8("env"), ...utf8("memory"), 0x02, 0x00, ...uleb(1)]]);
  const declared = vector(functions.map((_, i) => uleb(i)));
  const exports = vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]));
  const bodies = functions.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0] = (last[0] as number) + 1;
      else groups.push([1, t]);
    }
    const code = [...vector(groups.map(([count, t]) => [...uleb(count as number), t as number])), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, imports),
    ...section(3, declared),
    ...section(7, exports),
    ...section(10, vector(bodies)),
  ]);
}
