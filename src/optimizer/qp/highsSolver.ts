/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import type * as HighsModule from "highs";
import type { Highs, ModelData } from "highs";
import { activeSetOf, boundMultipliers, kktResiduals, objectiveValue } from "./operators.ts";
import type { QpProblem, QpSolution, QpSolver } from "./types.ts";

let loaded: Promise<Highs> | undefined;

type Loader = typeof HighsModule.default.default;

/**
 * The package's types describe a CommonJS module whose `default` property is the loader, while
 * Node resolves its ESM build, whose default export is the loader itself; accept both. Imported
 * on first use: most problems never need HiGHS, and its loader is a large script to compile at
 * every start of `optimize` (the CLI, a library user's first call).
 */
async function highsLoader(): Promise<Loader> {
  const highsModule: typeof HighsModule = await import("highs");
  const candidate: unknown = highsModule.default;
  return (typeof candidate === "function" ? candidate : highsModule.default.default) as Loader;
}

/**
 * The HiGHS backend (HiGHS' active-set QP solver compiled to WebAssembly), built through its
 * structured model API: CSR rows and a lower-triangular CSC Hessian, never LP text. A factor-model
 * Σ enters as k auxiliary variables f = B'w with Hessian blocks F and diag(s), which keeps the
 * Hessian sparse. Independent of the TypeScript engine; the tests use it as a cross-check.
 *
 * @example
 * ```ts
 * const highs = await createHighsSolver();
 * const solution = highs.solve(problem);
 * ```
 */
export async function createHighsSolver(): Promise<QpSolver> {
  loaded ??= highsLoader().then((load) => load());
  const highs = await loaded;
  return { name: "highs", solve: (p) => solveWithHighs(highs, p) };
}

function solveWithHighs(highs: Highs, p: QpProblem): QpSolution {
  const cov = p.covariance;
  const c = cov === null ? 0 : p.covScale;
  const kAux = cov !== null && cov.kind === "factor" && c !== 0 ? cov.k : 0;
  const nCols = p.nx + kAux;
  const inf = highs.infinity;
  const colCost = new Float64Array(nCols);
  colCost.set(p.q);
  const colLower = new Float64Array(nCols).fill(-inf);
  const colUpper = new Float64Array(nCols).fill(inf);
  for (let j = 0; j < p.nx; j++) {
    colLower[j] = Math.max(p.lower[j]!, -inf);
    colUpper[j] = Math.min(p.upper[j]!, inf);
  }
  // Rows: the problem's rows, then f_t − Σ_j s_j B_{a_j t} x_j = 0 for a factor model.
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (const row of p.rows) {
    const merged = new Map<number, number>();
    row.index.forEach((j, k) => merged.set(j, (merged.get(j) ?? 0) + row.value[k]!));
    for (const [j, v] of [...merged].sort((a, b) => a[0] - b[0])) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(Math.max(row.lower, -inf));
    rowUpper.push(Math.min(row.upper, inf));
  }
  if (kAux > 0 && cov !== null && cov.kind === "factor") {
    for (let t = 0; t < kAux; t++) {
      for (let j = 0; j < p.nx; j++) {
        const a = p.assetOf[j]!;
        if (a < 0) continue;
        const v = -p.signOf[j]! * cov.loadings[a * cov.k + t]!;
        if (v !== 0) {
          indices.push(j);
          values.push(v);
        }
      }
      indices.push(p.nx + t);
      values.push(1);
      starts.push(indices.length);
      rowLower.push(0);
      rowUpper.push(0);
    }
  }
  // Lower-triangular CSC Hessian.
  const hStarts: number[] = [0];
  const hIndex: number[] = [];
  const hValue: number[] = [];
  for (let j = 0; j < nCols; j++) {
    if (j < p.nx) {
      const a = p.assetOf[j]!;
      if (a >= 0) {
        for (let i = j; i < p.nx; i++) {
          const b = p.assetOf[i]!;
          if (b < 0) continue;
          let v = a === b ? p.ridge : 0;
          if (cov !== null && c !== 0) {
            if (cov.kind === "dense") v += c * cov.data[b * cov.n + a]!;
            else if (a === b) v += c * cov.specificVariance[a]!;
          }
          v *= p.signOf[i]! * p.signOf[j]!;
          if (v !== 0) {
            hIndex.push(i);
            hValue.push(v);
          }
        }
      }
    } else if (cov !== null && cov.kind === "factor") {
      const t = j - p.nx;
      for (let u = t; u < kAux; u++) {
        const v = c * cov.factorCovariance[u * cov.k + t]!;
        if (v !== 0) {
          hIndex.push(p.nx + u);
          hValue.push(v);
        }
      }
    }
    hStarts.push(hIndex.length);
  }
  const model: ModelData = {
    numCols: nCols,
    numRows: rowLower.length,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: "csr", numRows: rowLower.length, numCols: nCols, starts, indices, values },
    ...(hIndex.length > 0
      ? {
          hessian: { format: "triangular", dimension: nCols, starts: hStarts, indices: hIndex, values: hValue },
        }
      : {}),
  };
  return highs.withModel(model, (m) => {
    m.options.set({ output_flag: false });
    const run = m.run();
    const codes = highs.constants.modelStatus;
    const sol = m.getSolution();
    const x = Float64Array.from(sol.colValue.subarray(0, p.nx));
    const y = Float64Array.from(sol.rowDual.subarray(0, p.rows.length));
    const z = boundMultipliers(p, x, y);
    const status: QpSolution["status"] =
      run.modelStatus === codes.optimal
        ? "optimal"
        : run.modelStatus === codes.infeasible
          ? "infeasible"
          : run.modelStatus === codes.unbounded
            ? "unbounded"
            : "error";
    let iterations = 0;
    try {
      const info = m.info.get("qp_iteration_count");
      if (typeof info === "number") iterations = info;
    } catch {
      // Older builds do not expose the QP iteration count; the field then stays 0.
    }
    return {
      status,
      x,
      rowDual: y,
      boundDual: z,
      objective: objectiveValue(p, x),
      iterations,
      residuals: kktResiduals(p, x, y, z),
      activeSet: activeSetOf(p, x, y, z),
      solver: "highs",
      ...(status === "optimal" ? {} : { message: `HiGHS model status ${run.modelStatus}` }),
    };
  });
}
