/* eslint-disable @typescript-eslint/no-non-null-assertion -- kernels index typed arrays inside their checked dimensions */
import { covarianceMatVec } from "../covariance.ts";
import type { QpCovariance, QpProblem, QpRow } from "../qp/types.ts";
import type { PortfolioConstraints, WeightRow } from "./constraints.ts";

/**
 * A convex objective in weight space,
 *
 *   minimise a·w'Σw − g'w + γ‖w‖² + rate·Σ|w − w0|,
 *
 * (γ and rate come from the constraints' penalties). Every Markowitz objective and every
 * Lagrangian of a quadratic constraint is of this form.
 */
export interface WeightObjective {
  readonly a: number;
  readonly g: Float64Array;
}

/** A QP plus the map from its solution back to weights. */
export interface Formulation {
  readonly qp: QpProblem;
  toWeights(x: Float64Array): Float64Array;
}

const ALL_ROWS = (pc: PortfolioConstraints): readonly WeightRow[] => pc.rows;

/**
 * Builds the QP of `objective` under `pc`. Without a reference portfolio the variables are the
 * weights. With one (turnover, transaction costs) they are the split w = c + p − m, c = w0 clipped
 * into the bounds, p ∈ [0, u − c], m ∈ [0, c − l]; then Σ|w − w0| = Σ|c − w0| + Σ(p + m) at every
 * optimum, so the turnover limit is the single row Σ(p + m) ≤ max − Σ|c − w0| and the cost is
 * linear (Lobo, Fazel & Boyd, "Portfolio optimization with linear and fixed transaction costs",
 * 2007). The bounds of w follow from those of p and m.
 */
export function formulate(
  pc: PortfolioConstraints,
  covariance: QpCovariance | null,
  objective: WeightObjective,
  { rows = ALL_ROWS(pc), withTurnover = true }: { rows?: readonly WeightRow[]; withTurnover?: boolean } = {},
): Formulation {
  const n = pc.n;
  const split = pc.reference !== null;
  const nx = split ? 2 * n : n;
  const assetOf = new Int32Array(nx);
  const signOf = new Float64Array(nx);
  const lower = new Float64Array(nx);
  const upper = new Float64Array(nx);
  const c = new Float64Array(n);
  if (split) {
    for (let i = 0; i < n; i++) {
      const w0 = pc.reference![i]!;
      const ci = Math.min(Math.max(w0, pc.lower[i]!), pc.upper[i]!);
      c[i] = ci;
      assetOf[i] = i;
      signOf[i] = 1;
      assetOf[n + i] = i;
      signOf[n + i] = -1;
      upper[i] = pc.upper[i]! - ci;
      upper[n + i] = ci - pc.lower[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      assetOf[i] = i;
      signOf[i] = 1;
      lower[i] = pc.lower[i]!;
      upper[i] = pc.upper[i]!;
    }
  }
  // Linear term: E'(−g + 2aΣc + 2γc) (+ rate on p and m).
  const gw = new Float64Array(n);
  for (let i = 0; i < n; i++) gw[i] = -objective.g[i]! + 2 * pc.l2Gamma * c[i]!;
  if (split && objective.a !== 0 && covariance !== null) {
    const sc = new Float64Array(n);
    covarianceMatVec(covariance, c, sc);
    for (let i = 0; i < n; i++) gw[i]! += 2 * objective.a * sc[i]!;
  }
  const q = new Float64Array(nx);
  for (let j = 0; j < nx; j++) q[j] = signOf[j]! * gw[assetOf[j]!]!;
  if (split) for (let j = 0; j < nx; j++) q[j]! += pc.transactionRate;

  const qpRows: QpRow[] = rows.map((row) => {
    let offset = 0;
    for (let i = 0; i < n; i++) offset += row.coef[i]! * c[i]!;
    const index: number[] = [];
    const value: number[] = [];
    for (let j = 0; j < nx; j++) {
      const v = signOf[j]! * row.coef[assetOf[j]!]!;
      if (v !== 0) {
        index.push(j);
        value.push(v);
      }
    }
    return {
      name: row.name,
      index: Int32Array.from(index),
      value: Float64Array.from(value),
      lower: row.lower - offset,
      upper: row.upper - offset,
    };
  });
  if (split && withTurnover && pc.turnoverMax !== null) {
    let base = 0;
    for (let i = 0; i < n; i++) base += Math.abs(c[i]! - pc.reference![i]!);
    qpRows.push({
      name: "turnover",
      index: Int32Array.from({ length: nx }, (_, j) => j),
      value: new Float64Array(nx).fill(1),
      lower: -Infinity,
      upper: pc.turnoverMax - base,
    });
  }
  const qp: QpProblem = {
    nx,
    nAssets: n,
    assetOf,
    signOf,
    covariance,
    covScale: 2 * objective.a,
    ridge: 2 * pc.l2Gamma,
    q,
    lower,
    upper,
    rows: qpRows,
  };
  return {
    qp,
    toWeights: (x) => {
      const w = Float64Array.from(c);
      for (let j = 0; j < nx; j++) w[assetOf[j]!]! += signOf[j]! * x[j]!;
      return w;
    },
  };
}

/**
 * Max-Sharpe by the homogenisation of Cornuéjols & Tütüncü (*Optimization Methods in Finance*,
 * 2007, §8.2): with y = κ·w, κ > 0,
 *
 *   minimise y'Σy  s.t.  (μ − r_f)'y = 1,  l_r·κ ≤ a_r'y ≤ u_r·κ (every row),  l_i·κ ≤ y_i ≤ u_i·κ,
 *
 * a convex QP whose solution gives the tangency portfolio w = y/κ. Bounds at 0 stay simple
 * bounds; other finite bounds become two-variable rows the structured KKT solver eliminates.
 */
export function formulateMaxSharpe(
  pc: PortfolioConstraints,
  covariance: QpCovariance,
  excess: Float64Array,
): Formulation {
  const n = pc.n;
  const nx = n + 1;
  const kappa = n;
  const assetOf = new Int32Array(nx);
  const signOf = new Float64Array(nx);
  const lower = new Float64Array(nx).fill(-Infinity);
  const upper = new Float64Array(nx).fill(Infinity);
  for (let i = 0; i < n; i++) {
    assetOf[i] = i;
    signOf[i] = 1;
  }
  assetOf[kappa] = -1;
  lower[kappa] = 0;
  const rows: QpRow[] = [
    {
      name: "sharpeNormalisation",
      index: Int32Array.from({ length: n }, (_, i) => i),
      value: Float64Array.from(excess),
      lower: 1,
      upper: 1,
    },
  ];
  for (let i = 0; i < n; i++) {
    const l = pc.lower[i]!;
    const u = pc.upper[i]!;
    if (l === 0) lower[i] = 0;
    else if (l > -Infinity)
      rows.push({
        name: `bounds.lower[${i}]`,
        index: Int32Array.of(i, kappa),
        value: Float64Array.of(1, -l),
        lower: 0,
        upper: Infinity,
      });
    if (u === 0) upper[i] = 0;
    else if (u < Infinity)
      rows.push({
        name: `bounds.upper[${i}]`,
        index: Int32Array.of(i, kappa),
        value: Float64Array.of(1, -u),
        lower: -Infinity,
        upper: 0,
      });
  }
  for (const row of pc.rows) {
    const index = Int32Array.from({ length: nx }, (_, j) => j);
    const make = (limit: number): Float64Array => {
      const v = new Float64Array(nx);
      v.set(row.coef);
      v[kappa] = -limit;
      return v;
    };
    if (row.lower === row.upper) rows.push({ name: row.name, index, value: make(row.lower), lower: 0, upper: 0 });
    else {
      if (row.lower > -Infinity)
        rows.push({ name: `${row.name}.lower`, index, value: make(row.lower), lower: 0, upper: Infinity });
      if (row.upper < Infinity)
        rows.push({ name: `${row.name}.upper`, index, value: make(row.upper), lower: -Infinity, upper: 0 });
    }
  }
  const qp: QpProblem = {
    nx,
    nAssets: n,
    assetOf,
    signOf,
    covariance,
    covScale: 2,
    ridge: 0,
    q: new Float64Array(nx),
    lower,
    upper,
    rows,
  };
  return {
    qp,
    toWeights: (x) => {
      const k = x[kappa]!;
      return Float64Array.from({ length: n }, (_, i) => x[i]! / k);
    },
  };
}
