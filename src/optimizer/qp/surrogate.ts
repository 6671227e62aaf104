/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { choleskyInPlace } from "./dense.ts";
import { denseMatVecJs, type DenseProduct } from "../simd/denseProduct.ts";
import type { QpCovariance } from "./types.ts";

/** Columns of the Nyström sketch: enough to capture the factor structure of real covariances. */
export const SKETCH_SIZE = 16;

/**
 * A factor-model surrogate Σ̃ = L·L' + diag(s) of a dense PSD Σ from one Nyström sketch
 * (Gittens & Mahoney, "Revisiting the Nyström method", JMLR 2016): Y = Σ·Ω with Gaussian Ω
 * (n×l), Σ̃_lr = Y (Ω'Y)⁻¹ Y' = L L' with L = Y·R⁻¹, Ω'Y = R'R; then s = diag(Σ) − diag(L L') ≥ 0
 * because the Nyström approximation never exceeds Σ. l products Σω (n²·l flops; `product` is the
 * solve's prepared Σx, in WebAssembly SIMD where available) instead of an n³ factorisation. Used only to guess the active set; the answer is verified against Σ itself.
 * Returns null when the sketch is rank-deficient.
 */
export function nystromSurrogate(
  cov: QpCovariance & { kind: "dense" },
  seed = 0x5eed,
  product?: DenseProduct,
): QpCovariance | null {
  // Bisections, frontiers and resampling re-solve with the same Σ object: sketch it once.
  const cached = sketchCache.get(cov);
  if (cached !== undefined) return cached;
  const out = sketch(cov, seed, product);
  sketchCache.set(cov, out);
  return out;
}

const sketchCache = new WeakMap<QpCovariance, QpCovariance | null>();

/** The last test matrix: a keeper re-sketches a new Σ of the same size every cycle. */
let lastTestMatrix: { n: number; l: number; seed: number; omega: Float64Array; omegaT: Float64Array } | undefined;

/** Gaussian Ω (n×l) by Box–Muller from a seeded generator, row-major and column-major (for Σω_c). */
function testMatrix(n: number, l: number, seed: number): { omega: Float64Array; omegaT: Float64Array } {
  const last = lastTestMatrix;
  if (last !== undefined && last.n === n && last.l === l && last.seed === seed) return last;
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const omega = new Float64Array(n * l);
  const omegaT = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < l; c++) {
      const v = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      omega[i * l + c] = v;
      omegaT[c * n + i] = v;
    }
  }
  lastTestMatrix = { n, l, seed, omega, omegaT };
  return lastTestMatrix;
}

function sketch(cov: QpCovariance & { kind: "dense" }, seed: number, product?: DenseProduct): QpCovariance | null {
  const n = cov.n;
  const l = Math.min(SKETCH_SIZE, n);
  const { omega, omegaT } = testMatrix(n, l, seed);
  const data = cov.data;
  // Y = ΣΩ column by column with the solve's prepared product (WebAssembly SIMD where available;
  // the JS twin adds in the same order, so the sketch does not depend on the backend).
  const multiply = product ?? ((x: Float64Array, out: Float64Array): void => denseMatVecJs(data, n, x, out));
  const y = new Float64Array(n * l);
  const column = new Float64Array(n);
  for (let c = 0; c < l; c++) {
    multiply(omegaT.subarray(c * n, (c + 1) * n), column);
    for (let i = 0; i < n; i++) y[i * l + c] = column[i]!;
  }
  // Core C = Ω'Y (l×l, symmetric PSD), with a small shift for stability.
  const core = new Float64Array(l * l);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const oa = omega[i * l + a]!;
      for (let b = 0; b < l; b++) core[a * l + b]! += oa * y[i * l + b]!;
    }
  }
  for (let a = 0; a < l; a++) trace += core[a * l + a]!;
  for (let a = 0; a < l; a++) {
    for (let b = 0; b < a; b++) {
      const m = (core[a * l + b]! + core[b * l + a]!) / 2;
      core[a * l + b] = m;
      core[b * l + a] = m;
    }
    core[a * l + a]! += 1e-12 * trace;
  }
  if (!choleskyInPlace(core, l)) return null;
  // L = Y·R⁻¹ with C = R'R, R = (lower factor)': solve row by row L_i R = Y_i.
  const loadings = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < l; c++) {
      let s = y[i * l + c]!;
      for (let k = 0; k < c; k++) s -= loadings[i * l + k]! * core[c * l + k]!;
      loadings[i * l + c] = s / core[c * l + c]!;
    }
  }
  const specificVariance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < l; c++) s += loadings[i * l + c]! ** 2;
    specificVariance[i] = Math.max(data[i * n + i]! - s, 1e-12 * data[i * n + i]!);
  }
  const identity = new Float64Array(l * l);
  for (let c = 0; c < l; c++) identity[c * l + c] = 1;
  return { kind: "factor", n, k: l, loadings, factorCovariance: identity, specificVariance };
}
