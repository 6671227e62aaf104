import { InputError } from "../../errors.ts";
import type { SymmetricMatrix } from "../matrix.ts";
import type { DenseMatrix } from "./types.ts";

export function assertFiniteVector(v: Float64Array, n: number, path: string): void {
  if (v.length !== n) throw new InputError("VECTOR_LENGTH", `has ${v.length} entries, expected ${n}`, path);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(v[i]))
      throw new InputError("INPUT_NOT_FINITE", `must be finite, got ${v[i]}`, `${path}[${i}]`);
  }
}

export function assertSigma(sigma: SymmetricMatrix, path: string): void {
  if (sigma.data.length !== sigma.n * sigma.n || sigma.n === 0) {
    throw new InputError("MATRIX_SHAPE", `data has ${sigma.data.length} entries for n = ${sigma.n}`, path);
  }
  const n = sigma.n;
  for (let i = 0; i < sigma.data.length; i++) {
    if (!Number.isFinite(sigma.data[i])) {
      throw new InputError("INPUT_NOT_FINITE", `must be finite`, `${path}[${Math.floor(i / n)}][${i % n}]`);
    }
  }
  // Positive semi-definiteness is the covariance estimator's job (it repairs Σ); symmetry and the
  // sign of the diagonal are cheap to check here and catch a transposed or corrupted buffer.
  for (let i = 0; i < n; i++) {
    const d = sigma.data[i * n + i] ?? 0;
    if (d < 0)
      throw new InputError("MATRIX_NEGATIVE_VARIANCE", `diagonal entry is negative (${d})`, `${path}[${i}][${i}]`);
    for (let j = i + 1; j < n; j++) {
      const a = sigma.data[i * n + j] ?? 0;
      const b = sigma.data[j * n + i] ?? 0;
      if (Math.abs(a - b) > 1e-8 * Math.max(Math.abs(a), Math.abs(b), 1e-300)) {
        throw new InputError("MATRIX_NOT_SYMMETRIC", `is ${a} but [${j}][${i}] is ${b}`, `${path}[${i}][${j}]`);
      }
    }
  }
}

export function assertPicking(P: DenseMatrix, n: number, path: string): void {
  if (P.cols !== n || P.data.length !== P.rows * P.cols) {
    throw new InputError("MATRIX_SHAPE", `is ${P.rows}×${P.cols}, expected k×${n}`, path);
  }
  for (let i = 0; i < P.data.length; i++) {
    if (!Number.isFinite(P.data[i])) {
      throw new InputError("INPUT_NOT_FINITE", "must be finite", `${path}[${Math.floor(i / n)}][${i % n}]`);
    }
  }
}

export function assertTau(tau: number, path: string): void {
  if (!Number.isFinite(tau) || tau <= 0) throw new InputError("BL_TAU_INVALID", `must be > 0, got ${tau}`, path);
}

/** p'Σp for row `row` of P. */
export function quadraticForm(P: DenseMatrix, row: number, sigma: SymmetricMatrix): number {
  const n = sigma.n;
  const p = P.data.subarray(row * n, (row + 1) * n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i] ?? 0;
    if (pi === 0) continue;
    let s = 0;
    for (let j = 0; j < n; j++) s += (sigma.data[i * n + j] ?? 0) * (p[j] ?? 0);
    total += pi * s;
  }
  return total;
}
