/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { InputError } from "../../errors.ts";
import { denseCovariance } from "../covariance.ts";
import { choleskyInPlace } from "../qp/dense.ts";
import type { QpCovariance, QpSolver } from "../qp/types.ts";
import { symmetricEigen } from "../symmetricEigen.ts";
import type { PortfolioConstraints } from "./constraints.ts";
import type { Infeasibility } from "./feasibility.ts";
import { solveMarkowitz, type MarkowitzSpec, type WarmStartCache } from "./solveMarkowitz.ts";

/** Options of Michaud resampling. */
export interface ResamplingOptions {
  /** Number of simulated histories. Default 100. */
  readonly draws: number;
  /** Periods per simulated history. Default 252 (one year of daily data). */
  readonly observations: number;
  /** PRNG seed: identical seeds give identical weights. Default 1. */
  readonly seed: number;
  /** Periods per year of the simulated returns. */
  readonly frequency: number;
  /** Called after each draw. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Mulberry32 (Tommy Ettinger): a small, fast, well-mixed 32-bit PRNG; deterministic per seed. */
/** Mulberry32: a small seeded PRNG of uniform [0, 1) numbers (same seed → same sequence). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by the Marsaglia polar method. */
function normalSource(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * f;
        return u * f;
      }
    }
  };
}

/** A square root L (L·L' = Σ) of a PSD matrix: Cholesky, or V·√Λ when Σ is singular. */
function squareRoot(sigma: Float64Array, n: number): Float64Array {
  const l = Float64Array.from(sigma);
  if (choleskyInPlace(l, n)) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) l[i * n + j] = 0;
    return l;
  }
  const { values, vectors } = symmetricEigen(sigma, n);
  const out = new Float64Array(n * n);
  values.forEach((lambda, k) => {
    const s = Math.sqrt(Math.max(lambda, 0));
    for (let i = 0; i < n; i++) out[i * n + k] = vectors[k * n + i]! * s;
  });
  return out;
}

/**
 * Michaud resampled efficiency (Michaud & Michaud, *Efficient Asset Management*, 2nd ed., 2008):
 * simulate `draws` histories of `observations` periods from N(μ/f, Σ/f), re-estimate μ̂ and Σ̂
 * (annualised sample mean and covariance) from each, solve the same problem with them, and
 * average the optimal weights. Linear constraints hold for the average because the feasible set
 * is convex; quadratic ones hold per draw under that draw's Σ̂.
 */
export function resampledWeights(
  pc: PortfolioConstraints,
  mu: Float64Array,
  cov: QpCovariance,
  spec: MarkowitzSpec,
  solver: QpSolver,
  options: ResamplingOptions,
):
  | { weights: Float64Array; iterations: number; qpSolves: number; warnings: string[] }
  | { infeasibility: Infeasibility } {
  const n = pc.n;
  const { draws, observations: t, frequency: f } = options;
  if (t < 2) throw new InputError("FIELD_INVALID", "must be at least 2", "resampling.observations");
  const root = squareRoot(denseCovariance(cov), n);
  const normal = normalSource(mulberry32(options.seed));
  const sum = new Float64Array(n);
  let used = 0;
  let iterations = 0;
  let qpSolves = 0;
  let firstInfeasible: Infeasibility | null = null;
  const sample = new Float64Array(t * n);
  const z = new Float64Array(n);
  const scale = 1 / Math.sqrt(f);
  const warm: WarmStartCache = {};
  for (let d = 0; d < draws; d++) {
    for (let s = 0; s < t; s++) {
      for (let i = 0; i < n; i++) z[i] = normal();
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let k = 0; k <= i && k < n; k++) v += root[i * n + k]! * z[k]!;
        // A non-triangular root (eigen-decomposition) needs the full row.
        for (let k = i + 1; k < n; k++) v += root[i * n + k]! * z[k]!;
        sample[s * n + i] = mu[i]! / f + v * scale;
      }
    }
    const mean = new Float64Array(n);
    for (let s = 0; s < t; s++) for (let i = 0; i < n; i++) mean[i]! += sample[s * n + i]! / t;
    const sigma = new Float64Array(n * n);
    for (let s = 0; s < t; s++) {
      for (let i = 0; i < n; i++) {
        const di = sample[s * n + i]! - mean[i]!;
        for (let j = 0; j <= i; j++) sigma[i * n + j]! += di * (sample[s * n + j]! - mean[j]!);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = (sigma[i * n + j]! * f) / (t - 1);
        sigma[i * n + j] = v;
        sigma[j * n + i] = v;
      }
    }
    const muHat = mean.map((v) => v * f);
    const outcome = solveMarkowitz(pc, muHat, { kind: "dense", n, data: sigma }, spec, solver, warm);
    if (outcome.kind === "infeasible") firstInfeasible ??= outcome.infeasibility;
    else if (outcome.solution.status === "optimal") {
      used++;
      iterations += outcome.solution.iterations;
      qpSolves += outcome.solution.qpSolves;
      for (let i = 0; i < n; i++) sum[i]! += outcome.solution.weights[i]!;
    }
    options.onProgress?.(d + 1, draws);
  }
  if (used === 0) {
    return {
      infeasibility: firstInfeasible ?? { conflicts: [], message: "no resampled problem could be solved" },
    };
  }
  const warnings =
    used < draws ? [`resampling: ${draws - used} of ${draws} draws had no solution and were skipped`] : [];
  return { weights: sum.map((v) => v / used), iterations, qpSolves, warnings };
}
