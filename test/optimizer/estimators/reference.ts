// Test-only reference implementations, written independently of src/optimizer/estimators: plain
// nested arrays, pandas' online (Welford) covariance, closed-form EWM weights, and line-by-line
// ml-matrix transcriptions of the numpy code in PyPortfolioOpt and scikit-learn (full n × n
// products where the library collapses sums).
import { readFileSync } from "node:fs";
import { Matrix } from "ml-matrix";

/** Reads a CSV of PyPortfolioOpt's test data (fixtures/README.md). */
export function readData(name: "stock_prices.csv" | "spy_prices.csv"): string {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
}

/** Returns (T × n, NaN = missing) from prices with null cells: pct_change(fill_method=None).dropna(how="all"). */
export function refReturns(prices: readonly (readonly (number | null)[])[]): number[][] {
  const out: number[][] = [];
  for (let t = 1; t < prices.length; t++) {
    const row = prices[t]!.map((p, j) => {
      const q = prices[t - 1]![j];
      return p === null || q === null || q === undefined ? Number.NaN : p / q - 1;
    });
    if (row.some((v) => !Number.isNaN(v))) out.push(row);
  }
  return out;
}

/** pandas `nancorr(cov=True)`: online mean/co-moment updates over rows where both are present. */
export function refPairwiseCov(x: number[][]): number[][] {
  const n = x[0]!.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let nobs = 0;
      let meanx = 0;
      let meany = 0;
      let covxy = 0;
      for (const row of x) {
        const vx = row[i]!;
        const vy = row[j]!;
        if (Number.isNaN(vx) || Number.isNaN(vy)) continue;
        nobs++;
        const dx = vx - meanx;
        const dy = vy - meany;
        meanx += dx / nobs;
        meany += dy / nobs;
        covxy += (vx - meanx) * dy;
      }
      out[i]![j] = out[j]![i] = nobs < 2 ? Number.NaN : covxy / (nobs - 1);
    }
  }
  return out;
}

/** Last EWM mean by its closed form: Σ w_s x_s / Σ w_s over present x_s, w_s = (1 − α)^(T−1−s). */
export function refEwmLast(series: number[], span: number): number {
  const alpha = 2 / (span + 1);
  let num = 0;
  let den = 0;
  const last = series.length - 1;
  series.forEach((v, s) => {
    if (Number.isNaN(v)) return;
    const w = (1 - alpha) ** (last - s);
    num += w * v;
    den += w;
  });
  return num / den;
}

export function column(x: number[][], j: number): number[] {
  return x.map((row) => row[j]!);
}

function nanmean(v: number[]): number {
  const ok = v.filter((a) => !Number.isNaN(a));
  return ok.reduce((a, b) => a + b, 0) / ok.length;
}

export function refExpCov(x: number[][], span: number): number[][] {
  const n = x[0]!.length;
  const means = Array.from({ length: n }, (_, j) => nanmean(column(x, j)));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      refEwmLast(
        x.map((row) => (row[i]! - means[i]!) * (row[j]! - means[j]!)),
        span,
      ),
    ),
  );
}

export function refSemicov(x: number[][], benchmark: number): number[][] {
  const n = x[0]!.length;
  const d = x.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : Math.min(v - benchmark, 0))));
  const D = new Matrix(d);
  return D.transpose().mmul(D).div(x.length).to2DArray().slice(0, n);
}

/** numpy `nan_to_num(X)` then `X - X.mean(axis=0)`. */
export function zeroFilledCentred(x: number[][]): Matrix {
  const X = new Matrix(x.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v))));
  const means = X.mean("column");
  return X.clone().subRowVector(means);
}

/** scikit-learn `ledoit_wolf` on centred X, transcribed (X2ᵀX2 as a full product). */
export function refSklearnLedoitWolf(Xc: Matrix): { cov: Matrix; shrinkage: number } {
  const [t, n] = [Xc.rows, Xc.columns];
  const X2 = Xc.clone().pow(2);
  const empCovTrace = X2.sum("column").map((v) => v / t);
  const mu = empCovTrace.reduce((a, b) => a + b, 0) / n;
  const XtX = Xc.transpose().mmul(Xc);
  const deltaRaw = XtX.clone().pow(2).sum() / t ** 2;
  const betaRaw = X2.transpose().mmul(X2).sum();
  let beta = (1 / (n * t)) * (betaRaw / t - deltaRaw);
  const delta = (deltaRaw - 2 * mu * empCovTrace.reduce((a, b) => a + b, 0) + n * mu ** 2) / n;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const emp = XtX.div(t);
  const cov = emp.mul(1 - shrinkage).add(Matrix.eye(n).mul(shrinkage * mu));
  return { cov, shrinkage };
}

/** scikit-learn `oas` on centred X, transcribed. */
export function refSklearnOas(Xc: Matrix): { cov: Matrix; shrinkage: number } {
  const [t, n] = [Xc.rows, Xc.columns];
  const emp = Xc.transpose().mmul(Xc).div(t);
  const mu = emp.trace() / n;
  const alpha = emp.clone().pow(2).mean();
  const num = alpha + mu ** 2;
  const den = (t + 1) * (alpha - mu ** 2 / n);
  const shrinkage = den === 0 ? 1 : Math.min(num / den, 1);
  return { cov: emp.mul(1 - shrinkage).add(Matrix.eye(n).mul(shrinkage * mu)), shrinkage };
}

function tileColumn(v: Matrix, n: number): Matrix {
  // np.tile(v, (n,)) of an (m × 1) column: m × n, every column a copy of v.
  const out = new Matrix(v.rows, n);
  for (let i = 0; i < v.rows; i++) for (let j = 0; j < n; j++) out.set(i, j, v.get(i, 0));
  return out;
}

/** PyPortfolioOpt `_ledoit_wolf_single_factor`, transcribed from numpy onto ml-matrix. */
export function refSingleFactor(x: number[][]): { cov: Matrix; shrinkage: number } {
  const X = new Matrix(x.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v))));
  const [t, n] = [X.rows, X.columns];
  const Xm = X.clone().subRowVector(X.mean("column"));
  const xmkt = Matrix.columnVector(Xm.mean("row"));
  const joined = new Matrix(t, n + 1);
  joined.setSubMatrix(Xm, 0, 0);
  joined.setSubMatrix(xmkt, 0, n);
  const jc = joined.clone().subRowVector(joined.mean("column"));
  const sampleAll = jc.transpose().mmul(jc).div(t);
  const betas = sampleAll.subMatrix(0, n - 1, n, n);
  const varmkt = sampleAll.get(n, n);
  const sample = sampleAll.subMatrix(0, n - 1, 0, n - 1);
  const F = betas.mmul(betas.transpose()).div(varmkt);
  for (let i = 0; i < n; i++) F.set(i, i, sample.get(i, i));
  const c = Matrix.sub(sample, F).pow(2).sum();
  const y = Xm.clone().pow(2);
  const p = (1 / t) * y.transpose().mmul(y).sum() - sample.clone().pow(2).sum();
  const sampleDiag = sample.diag();
  const rdiag = (1 / t) * y.clone().pow(2).sum() - sampleDiag.reduce((a, b) => a + b * b, 0);
  const z = Matrix.mul(Xm, tileColumn(xmkt, n));
  const tb = tileColumn(betas, n);
  const v1 = y.transpose().mmul(z).div(t).sub(Matrix.mul(tb, sample));
  const v1diag = v1.diag();
  const roff1 =
    Matrix.mul(v1, tb.transpose()).sum() / varmkt - v1diag.reduce((a, v, i) => a + v * betas.get(i, 0), 0) / varmkt;
  const v3 = z.transpose().mmul(z).div(t).sub(sample.clone().mul(varmkt));
  const bb = betas.mmul(betas.transpose());
  const v3diag = v3.diag();
  const roff3 =
    Matrix.mul(v3, bb).sum() / varmkt ** 2 - v3diag.reduce((a, v, i) => a + v * betas.get(i, 0) ** 2, 0) / varmkt ** 2;
  const r = rdiag + 2 * roff1 - roff3;
  const k = (p - r) / c;
  const shrinkage = Math.max(0, Math.min(1, k / t));
  return { cov: F.mul(shrinkage).add(sample.mul(1 - shrinkage)), shrinkage };
}

/** PyPortfolioOpt `_ledoit_wolf_constant_correlation`, transcribed; S is the pairwise pandas cov. */
export function refConstantCorrelation(x: number[][]): { cov: Matrix; shrinkage: number } {
  const X = new Matrix(x.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v))));
  const [t, n] = [X.rows, X.columns];
  const S = new Matrix(refPairwiseCov(x));
  const variance = Matrix.columnVector(S.diag());
  const std = variance.clone().sqrt();
  const _var = tileColumn(variance, n);
  const _std = tileColumn(std, n);
  const stdOuter = Matrix.mul(_std, _std.transpose());
  const rBar = (Matrix.div(S, stdOuter).sum() - n) / (n * (n - 1));
  const F = stdOuter.clone().mul(rBar);
  for (let i = 0; i < n; i++) F.set(i, i, variance.get(i, 0));
  const Xm = X.clone().subRowVector(X.mean("column"));
  const y = Xm.clone().pow(2);
  const piMat = y
    .transpose()
    .mmul(y)
    .div(t)
    .sub(Matrix.mul(Xm.transpose().mmul(Xm), S).mul(2 / t))
    .add(S.clone().pow(2));
  const piHat = piMat.sum();
  const term1 = Xm.clone().pow(3).transpose().mmul(Xm).div(t);
  const help = Xm.transpose().mmul(Xm).div(t);
  const helpDiag = Matrix.columnVector(help.diag());
  const term2 = Matrix.mul(tileColumn(helpDiag, n), S);
  const term3 = Matrix.mul(help, _var);
  const term4 = Matrix.mul(_var, S);
  const theta = term1.sub(term2).sub(term3).add(term4);
  for (let i = 0; i < n; i++) theta.set(i, i, 0);
  const ratio = Matrix.columnVector(std.to1DArray().map((s) => 1 / s)).mmul(std.transpose());
  const rhoHat = piMat.diag().reduce((a, b) => a + b, 0) + rBar * Matrix.mul(ratio, theta).sum();
  const gammaHat = Matrix.sub(S, F).pow(2).sum();
  const kappa = (piHat - rhoHat) / gammaHat;
  const shrinkage = Math.max(0, Math.min(1, kappa / t));
  return { cov: F.mul(shrinkage).add(S.mul(1 - shrinkage)), shrinkage };
}

/** Largest |a − b| relative to max(|b|, floor). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let worst = 0;
  for (let k = 0; k < b.length; k++) {
    worst = Math.max(worst, Math.abs((a[k] as number) - (b[k] as number)) / Math.max(Math.abs(b[k] as number), floor));
  }
  return worst;
}

export function flat(rows: number[][] | Matrix): number[] {
  return (rows instanceof Matrix ? rows.to2DArray() : rows).flat();
}
