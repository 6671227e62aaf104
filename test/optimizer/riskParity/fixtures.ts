// Shared data and checks of the risk-parity tests (loaded by mocha like any test file; no tests here).
import { expect } from "chai";
import { PortfolioError } from "../../../src/errors.ts";
import { symmetricFromRows, type SymmetricMatrix } from "../../../src/optimizer/matrix.ts";

/** Σ = diag(σ) R diag(σ). */
export function covariance(vols: readonly number[], corr: readonly (readonly number[])[]): SymmetricMatrix {
  return symmetricFromRows(
    corr.map((row, i) => row.map((c, j) => c * (vols[i] as number) * (vols[j] as number))),
    "covariance",
  );
}

/** Constant-correlation matrix of size n. */
export function constantCorrelation(n: number, rho: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : rho)));
}

/**
 * The eight-asset universe of Richard & Roncalli (2019), Table 9 (also the example of pyrb's
 * ConstrainedRiskBudgeting notebook and of riskParityPortfolio's tests).
 */
export const RR_VOLS = [0.05, 0.05, 0.07, 0.1, 0.15, 0.15, 0.15, 0.18];
export const RR_CORR = [
  [100, 80, 60, -20, -10, -20, -20, -20],
  [80, 100, 40, -20, -20, -10, -20, -20],
  [60, 40, 100, 50, 30, 20, 20, 30],
  [-20, -20, 50, 100, 60, 60, 50, 60],
  [-10, -20, 30, 60, 100, 90, 70, 70],
  [-20, -10, 20, 60, 90, 100, 60, 70],
  [-20, -20, 20, 50, 70, 60, 100, 70],
  [-20, -20, 30, 60, 70, 70, 70, 100],
].map((row) => row.map((c) => c / 100));

/**
 * A market + sector factor model: Σ_ij = β_i β_j σ_m² + [same sector] s_i s_j σ_s² + δ_ij ε_i²,
 * deterministic from the seed (the same structure the bench uses).
 */
export function marketCovariance(n: number, seed: number, sectors = 5): SymmetricMatrix {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const beta = Array.from({ length: n }, () => 0.5 + random());
  const sector = Array.from({ length: n }, () => Math.floor(random() * sectors));
  const loading = Array.from({ length: n }, () => 0.5 * random());
  const idio = Array.from({ length: n }, () => (0.15 + 0.3 * random()) ** 2);
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) =>
        (beta[i] as number) * (beta[j] as number) * 0.0256 +
        (sector[i] === sector[j] ? (loading[i] as number) * (loading[j] as number) * 0.0064 : 0) +
        (i === j ? (idio[i] as number) : 0),
    ),
  );
  return symmetricFromRows(rows, "covariance");
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  const diff = maxAbsDiff(actual, expected);
  expect(diff, `${Array.from(actual).join(", ")} vs ${Array.from(expected).join(", ")}`).to.be.at.most(tolerance);
}

export function errorOf(fn: () => unknown): PortfolioError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PortfolioError) return error;
    throw error;
  }
  throw new Error("expected a PortfolioError");
}

/** Σw as a plain array. */
export function sigmaTimes({ n, data }: SymmetricMatrix, w: ArrayLike<number>): number[] {
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (data[i * n + j] as number) * (w[j] as number);
    return sum;
  });
}

/**
 * KKT check of Richard & Roncalli's program min ½x'Σx − λ Σ b_i ln x_i s.t. a_k·x ≤ d_k (k active)
 * at x = w: finds λ and μ ≥ 0 minimising ‖Σx − λ b/x + Σ_k μ_k a_k‖ by least squares and returns
 * them with the relative stationarity residual.
 */
export function kktResidual(
  sigma: SymmetricMatrix,
  w: ArrayLike<number>,
  budgets: readonly number[],
  active: readonly (readonly number[])[],
): { lambda: number; multipliers: number[]; residual: number } {
  const n = sigma.n;
  const s = sigmaTimes(sigma, w);
  // Columns: −b/x (for λ) and a_k (for μ_k); solve the normal equations G θ = −A's.
  const columns = [budgets.map((b, i) => -b / (w[i] as number)), ...active.map((a) => [...a])];
  const m = columns.length;
  const gram = columns.map((ci) => columns.map((cj) => ci.reduce((acc, v, k) => acc + v * (cj[k] as number), 0)));
  const rhs = columns.map((ci) => -ci.reduce((acc, v, k) => acc + v * (s[k] as number), 0));
  // Gaussian elimination (m is tiny).
  for (let k = 0; k < m; k++) {
    for (let i = k + 1; i < m; i++) {
      const f = (gram[i]![k] as number) / (gram[k]![k] as number);
      for (let j = k; j < m; j++) gram[i]![j] = (gram[i]![j] as number) - f * (gram[k]![j] as number);
      rhs[i] = (rhs[i] as number) - f * (rhs[k] as number);
    }
  }
  const theta = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let sum = rhs[i] as number;
    for (let j = i + 1; j < m; j++) sum -= (gram[i]![j] as number) * (theta[j] as number);
    theta[i] = sum / (gram[i]![i] as number);
  }
  let norm = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    let r = s[i] as number;
    for (let k = 0; k < m; k++) r += (theta[k] as number) * (columns[k]![i] as number);
    norm = Math.max(norm, Math.abs(r));
    scale = Math.max(scale, Math.abs(s[i] as number));
  }
  return { lambda: theta[0] as number, multipliers: theta.slice(1), residual: norm / scale };
}

/**
 * |actual − expected| ≤ tolerance. (chai's closeTo is replaced by the hardhat chai matchers with a
 * bigint-only version once the contract tests load them, so number checks go through here.)
 */
export function expectNear(actual: number | undefined, expected: number, tolerance: number, message?: string): void {
  expect(actual, message).to.be.a("number");
  expect(Math.abs((actual as number) - expected), `${message ?? ""} ${actual} vs ${expected}`).to.be.at.most(tolerance);
}
