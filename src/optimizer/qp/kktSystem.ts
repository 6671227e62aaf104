/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot kernels index typed arrays inside their checked dimensions */
// The reduced Newton matrix of the interior-point method,
//
//   K = H + diag(d) + Σ_{inequality rows r} e_r·a_r·a_r',
//
// factorised once per iteration. Two strategies:
//  - dense: assemble K and take one Cholesky (the cost of a dense Σ is unavoidable here);
//  - structured (Σ a factor model or absent): K = Blk + U·W·U' with Blk block-diagonal (1×1, or
//    2×2 where two variables share an asset, as in the turnover split) and U holding the factor
//    loadings, the dense rows and the border of rows that tie one asset variable to one auxiliary
//    variable (max-Sharpe's l·κ ≤ y ≤ u·κ). Solved by Sherman–Morrison–Woodbury in O(N·r²).
import { choleskyInPlace, choleskySolveInPlace, luInPlace, luSolveInPlace } from "./dense.ts";
import { hessianMatVec } from "./operators.ts";
import type { QpProblem } from "./types.ts";

/**
 * Buffers reused from one factorisation to the next within a solve: the Woodbury columns are
 * n-vectors, and allocating ~2r of them per iteration is most of the garbage an iteration makes.
 */
export class KktWorkspace {
  private readonly buffers: Float64Array[] = [];
  private next = 0;
  private factorColumns: { readonly p: QpProblem; readonly columns: readonly Float64Array[] } | undefined;
  /** The factor-loading columns of U for `p`: they do not change between iterations. */
  loadingColumns(p: QpProblem, build: () => Float64Array[]): readonly Float64Array[] {
    if (this.factorColumns?.p !== p) this.factorColumns = { p, columns: build() };
    return this.factorColumns.columns;
  }
  /** Starts a factorisation: every buffer handed out before may be reused. */
  reset(): void {
    this.next = 0;
  }
  /** A zeroed vector of length n. */
  take(n: number): Float64Array {
    let b = this.buffers[this.next];
    if (b === undefined || b.length !== n) {
      b = new Float64Array(n);
      this.buffers[this.next] = b;
    } else b.fill(0);
    this.next++;
    return b;
  }
}

/** A factorised K: solves K·v = b in place. */
export interface KktFactor {
  solve(b: Float64Array): void;
}

/** Whether the structured (Woodbury) strategy applies: no dense Σ, at most two variables per asset. */
export function structuredApplies(p: QpProblem): boolean {
  if (p.covariance?.kind === "dense" && p.covScale !== 0) return false;
  const count = new Int32Array(p.nAssets);
  for (let j = 0; j < p.nx; j++) {
    const a = p.assetOf[j]!;
    if (a >= 0 && ++count[a]! > 2) return false;
  }
  return true;
}

/** Builds and factorises K; returns null when K is not numerically positive definite. */
export function factorKkt(
  p: QpProblem,
  d: Float64Array,
  rowWeight: Float64Array,
  inequality: Uint8Array,
  structured: boolean,
  refine = true,
  workspace: KktWorkspace = new KktWorkspace(),
): KktFactor | null {
  workspace.reset();
  const f = structured
    ? structuredFactor(p, d, rowWeight, inequality, workspace)
    : denseFactor(p, d, rowWeight, inequality);
  if (f === null) return null;
  if (!refine) return f;
  // Iterative refinement: late in the iterations the barrier terms span ~20 orders of magnitude
  // and the Woodbury/Cholesky solve loses digits; two residual corrections restore them.
  const n = p.nx;
  const kx = new Float64Array(n);
  const apply = (x: Float64Array): void => {
    hessianMatVec(p, x, kx);
    for (let j = 0; j < n; j++) kx[j]! += d[j]! * x[j]!;
    p.rows.forEach((row, r) => {
      if (!inequality[r]) return;
      let v = 0;
      for (let k = 0; k < row.index.length; k++) v += row.value[k]! * x[row.index[k]!]!;
      v *= rowWeight[r]!;
      for (let k = 0; k < row.index.length; k++) kx[row.index[k]!]! += row.value[k]! * v;
    });
  };
  return {
    solve: (b) => {
      const rhs = Float64Array.from(b);
      f.solve(b);
      for (let step = 0; step < 2; step++) {
        apply(b);
        let err = 0;
        let scale = 0;
        for (let j = 0; j < n; j++) {
          kx[j] = rhs[j]! - kx[j]!;
          err = Math.max(err, Math.abs(kx[j]!));
          scale = Math.max(scale, Math.abs(rhs[j]!));
        }
        if (!(err > 1e-15 * scale)) break;
        f.solve(kx);
        for (let j = 0; j < n; j++) b[j]! += kx[j]!;
      }
    },
  };
}

function denseFactor(p: QpProblem, d: Float64Array, rowWeight: Float64Array, inequality: Uint8Array): KktFactor | null {
  const n = p.nx;
  const k = new Float64Array(n * n);
  const cov = p.covariance;
  const na = p.nAssets;
  // Asset-space H block, then scattered through E.
  for (let i = 0; i < n; i++) {
    const a = p.assetOf[i]!;
    if (a < 0) continue;
    const si = p.signOf[i]!;
    for (let j = 0; j <= i; j++) {
      const b = p.assetOf[j]!;
      if (b < 0) continue;
      let v = a === b ? p.ridge : 0;
      if (cov !== null && cov.kind === "dense") v += p.covScale * cov.data[a * na + b]!;
      v *= si * p.signOf[j]!;
      k[i * n + j] = v;
    }
  }
  for (let i = 0; i < n; i++) k[i * n + i]! += d[i]!;
  p.rows.forEach((row, r) => {
    if (!inequality[r]) return;
    const e = rowWeight[r]!;
    const idx = row.index;
    const val = row.value;
    for (let s = 0; s < idx.length; s++) {
      const i = idx[s]!;
      const vi = e * val[s]!;
      for (let t = 0; t < idx.length; t++) {
        const j = idx[t]!;
        if (j <= i) k[i * n + j]! += vi * val[t]!;
      }
    }
  });
  if (!choleskyInPlace(k, n)) return null;
  return { solve: (b) => choleskySolveInPlace(k, n, b) };
}

/** The distinct entries of a row's index list (a sparse support must not count an entry twice). */
function distinct(idx: Int32Array): Int32Array {
  const sorted = Int32Array.from(idx).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  return sorted.subarray(0, count);
}

function structuredFactor(
  p: QpProblem,
  d: Float64Array,
  rowWeight: Float64Array,
  inequality: Uint8Array,
  ws: KktWorkspace,
): KktFactor | null {
  const n = p.nx;
  const cov = p.covariance;
  const scale = cov === null ? 0 : p.covScale;
  const specific = cov !== null && cov.kind === "factor" ? cov.specificVariance : null;
  // Diagonal and 2×2 asset blocks.
  const diag = Float64Array.from(d);
  const partner = new Int32Array(n).fill(-1);
  const firstOf = new Int32Array(p.nAssets).fill(-1);
  // Without 2×2 blocks, Blk⁻¹ keeps a column's support: sparse columns are then handled sparsely.
  let hasPartners = false;
  for (let j = 0; j < n; j++) {
    const a = p.assetOf[j]!;
    if (a < 0) continue;
    const h = scale * (specific === null ? 0 : specific[a]!) + p.ridge;
    diag[j]! += h;
    const first = firstOf[a]!;
    if (first < 0) firstOf[a] = j;
    else {
      partner[j] = first;
      partner[first] = j;
      hasPartners = true;
    }
  }
  const offDiag = new Float64Array(n); // K[j, partner[j]]
  for (let j = 0; j < n; j++) {
    const q = partner[j]!;
    if (q < 0) continue;
    const a = p.assetOf[j]!;
    offDiag[j] = p.signOf[j]! * p.signOf[q]! * (scale * (specific === null ? 0 : specific[a]!) + p.ridge);
  }
  // Columns of U (length n each) and the r×r matrix W.
  const columns: Float64Array[] = [];
  // Support of each column when sparse (a sector row touches few assets), null when dense.
  const support: (Int32Array | null)[] = [];
  const wBlocks: { at: number; size: number; data: Float64Array }[] = [];
  if (cov !== null && cov.kind === "factor" && scale !== 0) {
    const at = columns.length;
    const loadingColumns = ws.loadingColumns(p, () =>
      Array.from({ length: cov.k }, (_, t) => {
        const col = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          const a = p.assetOf[j]!;
          if (a >= 0) col[j] = p.signOf[j]! * cov.loadings[a * cov.k + t]!;
        }
        return col;
      }),
    );
    for (const col of loadingColumns) {
      columns.push(col);
      support.push(null);
    }
    const f = new Float64Array(cov.k * cov.k);
    for (let i = 0; i < f.length; i++) f[i] = scale * cov.factorCovariance[i]!;
    wBlocks.push({ at, size: cov.k, data: f });
  }
  const border = new Map<number, Float64Array>();
  p.rows.forEach((row, r) => {
    if (!inequality[r]) return;
    const e = rowWeight[r]!;
    const idx = row.index;
    const val = row.value;
    if (idx.length === 1) {
      diag[idx[0]!]! += e * val[0]! * val[0]!;
      return;
    }
    if (idx.length === 2) {
      const [i0, i1] = [idx[0]!, idx[1]!];
      const aux0 = p.assetOf[i0]! < 0;
      const aux1 = p.assetOf[i1]! < 0;
      if (aux0 !== aux1) {
        const [asset, aux, va, vx] = aux1 ? [i0, i1, val[0]!, val[1]!] : [i1, i0, val[1]!, val[0]!];
        diag[asset]! += e * va * va;
        diag[aux]! += e * vx * vx;
        let c = border.get(aux);
        if (c === undefined) {
          c = ws.take(n);
          border.set(aux, c);
        }
        c[asset]! += e * va * vx;
        return;
      }
    }
    const col = ws.take(n);
    for (let s = 0; s < idx.length; s++) col[idx[s]!]! += val[s]!;
    wBlocks.push({ at: columns.length, size: 1, data: Float64Array.of(e) });
    columns.push(col);
    support.push(idx.length * 4 < n ? distinct(idx) : null);
  });
  for (const [aux, c] of border) {
    const unit = ws.take(n);
    unit[aux] = 1;
    wBlocks.push({ at: columns.length, size: 2, data: Float64Array.of(0, 1, 1, 0) });
    columns.push(c, unit);
    support.push(null, Int32Array.of(aux));
  }
  // Block-diagonal solve.
  for (let j = 0; j < n; j++) if (!(diag[j]! > 0)) return null;
  const blockSolve = (b: Float64Array): void => {
    for (let j = 0; j < n; j++) {
      const q = partner[j]!;
      if (q < 0) b[j] = b[j]! / diag[j]!;
      else if (j < q) {
        const a11 = diag[j]!;
        const a22 = diag[q]!;
        const a12 = offDiag[j]!;
        const det = a11 * a22 - a12 * a12;
        const b1 = b[j]!;
        const b2 = b[q]!;
        b[j] = (a22 * b1 - a12 * b2) / det;
        b[q] = (a11 * b2 - a12 * b1) / det;
      }
    }
  };
  for (let j = 0; j < n; j++) {
    const q = partner[j]!;
    if (q > j && !(diag[j]! * diag[q]! - offDiag[j]! * offDiag[j]! > 0)) return null;
  }
  const r = columns.length;
  if (r === 0) return { solve: blockSolve };
  const sparseV = (a: number): Int32Array | null => (hasPartners ? null : (support[a] ?? null));
  const v = columns.map((c, a) => {
    const t = ws.take(n);
    const sup = sparseV(a);
    if (sup === null) {
      t.set(c);
      blockSolve(t);
    } else for (let i = 0; i < sup.length; i++) t[sup[i]!] = c[sup[i]!]! / diag[sup[i]!]!;
    return t;
  });
  // G = I + W·(U'V).
  const utv = new Float64Array(r * r);
  // U'·Blk⁻¹·U is symmetric: compute one triangle.
  const dotColumn = (a: number, x: Float64Array): number => {
    const ua = columns[a]!;
    const sup = support[a];
    let s = 0;
    if (sup === null || sup === undefined) for (let j = 0; j < n; j++) s += ua[j]! * x[j]!;
    else for (let t = 0; t < sup.length; t++) s += ua[sup[t]!]! * x[sup[t]!]!;
    return s;
  };
  const denseB: number[] = [];
  for (let a = 0; a < r; a++) {
    denseB.length = 0;
    for (let b = 0; b <= a; b++) {
      // Use the sparser of the two columns' supports (U'Blk⁻¹U is symmetric).
      if (support[b] === null && support[a] === null) {
        denseB.push(b);
        continue;
      }
      const s = support[b] !== null ? dotColumn(b, v[a]!) : dotColumn(a, v[b]!);
      utv[a * r + b] = s;
      utv[b * r + a] = s;
    }
    // Dense pairs four at a time: one read of U_a for four dot products, each summed in order.
    const ua = columns[a]!;
    let t = 0;
    for (; t + 3 < denseB.length; t += 4) {
      const [b0, b1, b2, b3] = [denseB[t]!, denseB[t + 1]!, denseB[t + 2]!, denseB[t + 3]!];
      const [v0, v1, v2, v3] = [v[b0]!, v[b1]!, v[b2]!, v[b3]!];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < n; j++) {
        const u = ua[j]!;
        s0 += u * v0[j]!;
        s1 += u * v1[j]!;
        s2 += u * v2[j]!;
        s3 += u * v3[j]!;
      }
      utv[a * r + b0] = utv[b0 * r + a] = s0;
      utv[a * r + b1] = utv[b1 * r + a] = s1;
      utv[a * r + b2] = utv[b2 * r + a] = s2;
      utv[a * r + b3] = utv[b3 * r + a] = s3;
    }
    for (; t < denseB.length; t++) {
      const b = denseB[t]!;
      const s = dotColumn(a, v[b]!);
      utv[a * r + b] = s;
      utv[b * r + a] = s;
    }
  }
  const wMat = new Float64Array(r * r);
  for (const blk of wBlocks) {
    for (let a = 0; a < blk.size; a++) {
      for (let b = 0; b < blk.size; b++) wMat[(blk.at + a) * r + blk.at + b] = blk.data[a * blk.size + b]!;
    }
  }
  // G = I + W·(U'V), W block-diagonal: only the columns of a's block contribute.
  const g = new Float64Array(r * r);
  for (const blk of wBlocks) {
    for (let a = blk.at; a < blk.at + blk.size; a++) {
      for (let b = 0; b < r; b++) {
        let s = a === b ? 1 : 0;
        for (let c = blk.at; c < blk.at + blk.size; c++) s += wMat[a * r + c]! * utv[c * r + b]!;
        g[a * r + b] = s;
      }
    }
  }
  // G spans the dynamic range of the barrier terms late in the iterations: only a zero pivot is fatal.
  const piv = luInPlace(g, r, 0);
  if (piv === null) return null;
  const tmp = new Float64Array(r);
  const wt = new Float64Array(r);
  return {
    solve: (b) => {
      blockSolve(b);
      for (let a = 0; a < r; a++) tmp[a] = dotColumn(a, b);
      for (let a = 0; a < r; a++) {
        let s = 0;
        for (let c = 0; c < r; c++) s += wMat[a * r + c]! * tmp[c]!;
        wt[a] = s;
      }
      luSolveInPlace(g, r, piv, wt);
      for (let a = 0; a < r; a++) {
        const va = v[a]!;
        const ca = wt[a]!;
        if (ca === 0) continue;
        const sup = sparseV(a);
        if (sup === null) for (let j = 0; j < n; j++) b[j]! -= va[j]! * ca;
        else for (let i = 0; i < sup.length; i++) b[sup[i]!]! -= va[sup[i]!]! * ca;
      }
    },
  };
}
