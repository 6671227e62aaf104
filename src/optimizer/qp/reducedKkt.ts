/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// The reduced KKT system of polishing (polish.ts): the free variables' Hessian block H bordered by
// the few active rows,
//
//   K = [H  B]   (nf + nw square, row-major; polish.ts writes B = −Aᵀ, C = A and D = −δ·I for
//       [C  D]    the active rows A restricted to the free variables)
//
// A large free set (a quadratic-utility or Black-Litterman portfolio leaves hundreds of assets
// off their bounds) made the dense LU of K the whole cost of a solve: (2/3)·size³ in JavaScript.
// When H is safely positive definite, the Schur complement (Golub & Van Loan, §3.2.11) needs one
// Cholesky of H, n³/3 in WebAssembly SIMD (../simd/cholesky.ts), and an nw×nw LU:
//
//   S = D − C·H⁻¹·B,   y = S⁻¹(r₂ − C·H⁻¹r₁),   x = H⁻¹(r₁ − B·y).
//
// Otherwise (a singular or ill-conditioned H: variables without curvature, two variables on one
// asset) the LU of K with partial pivoting solves it as before.
import { choleskyLower } from "../simd/cholesky.ts";
import { choleskySolveInPlace, luInPlace, luSolveInPlace } from "./dense.ts";

/** Overwrites b with K⁻¹·b. */
export type KktSolve = (b: Float64Array) => void;

/** Below this many free variables the LU is cheap: small problems keep the LU path. */
const SCHUR_MIN_FREE = 64;

/**
 * Smallest accepted pivot² of H's Cholesky factor relative to H's largest diagonal entry: below it
 * H is too close to singular for the Schur complement to keep the digits the LU would.
 */
const PIVOT_RATIO = 1e-8;

/**
 * Factorises the reduced KKT matrix `kkt` (size×size, the first `nf` rows and columns the free
 * variables). `kkt` may be overwritten (by the LU); null when K is numerically singular.
 *
 * @example
 * ```ts
 * const solve = factorReducedKkt(kkt, size, free.length);
 * if (solve !== null) solve(rhs); // rhs becomes [x; y]
 * ```
 */
export function factorReducedKkt(kkt: Float64Array, size: number, nf: number): KktSolve | null {
  const schur = nf >= SCHUR_MIN_FREE ? schurFactor(kkt, size, nf) : null;
  if (schur !== null) return schur;
  const piv = luInPlace(kkt, size, 1e-16);
  if (piv === null) return null;
  return (b) => luSolveInPlace(kkt, size, piv, b);
}

/** The Schur-complement solve when H has a well-conditioned Cholesky factor; `kkt` is only read. */
function schurFactor(kkt: Float64Array, size: number, nf: number): KktSolve | null {
  const nw = size - nf;
  const h = new Float64Array(nf * nf);
  let maxDiag = 0;
  for (let i = 0; i < nf; i++) {
    h.set(kkt.subarray(i * size, i * size + nf), i * nf);
    maxDiag = Math.max(maxDiag, h[i * nf + i]!);
  }
  const l = choleskyLower(h, nf, 0);
  if (l === null) return null;
  for (let i = 0; i < nf; i++) if (!(l[i * nf + i]! ** 2 >= PIVOT_RATIO * maxDiag)) return null;
  // Z = H⁻¹·B, one column per active row.
  const z: Float64Array[] = [];
  for (let w = 0; w < nw; w++) {
    const col = new Float64Array(nf);
    for (let i = 0; i < nf; i++) col[i] = kkt[i * size + nf + w]!;
    choleskySolveInPlace(l, nf, col);
    z.push(col);
  }
  const s = new Float64Array(nw * nw);
  for (let w = 0; w < nw; w++) {
    const cw = (nf + w) * size;
    for (let v = 0; v < nw; v++) {
      const zv = z[v]!;
      let t = kkt[cw + nf + v]!;
      for (let i = 0; i < nf; i++) t -= kkt[cw + i]! * zv[i]!;
      s[w * nw + v] = t;
    }
  }
  const piv = luInPlace(s, nw, 1e-16);
  if (piv === null) return null;
  return (b) => {
    const u = b.subarray(0, nf);
    choleskySolveInPlace(l, nf, u);
    const y = new Float64Array(nw);
    for (let w = 0; w < nw; w++) {
      const cw = (nf + w) * size;
      let t = b[nf + w]!;
      for (let i = 0; i < nf; i++) t -= kkt[cw + i]! * u[i]!;
      y[w] = t;
    }
    luSolveInPlace(s, nw, piv, y);
    for (let w = 0; w < nw; w++) {
      const zw = z[w]!;
      const yw = y[w]!;
      for (let i = 0; i < nf; i++) u[i]! -= zw[i]! * yw;
      b[nf + w] = yw;
    }
  };
}
