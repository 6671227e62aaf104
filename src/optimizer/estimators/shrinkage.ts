// Shrinkage covariance estimators, each exactly as PyPortfolioOpt's CovarianceShrinkage computes
// it (per-period, not annualised). Like PyPortfolioOpt, missing returns are set to 0
// (`np.nan_to_num`) before the shrinkage formulas; rows are not dropped.
import { InputError } from "../../errors.ts";
import { centre, gram } from "./kernels.ts";

/** A per-period covariance matrix (row-major n × n) and the shrinkage intensity δ ∈ [0, 1]. */
export interface Shrunk {
  readonly data: Float64Array;
  readonly shrinkage: number;
}

/**
 * Ledoit & Wolf (2004) towards μI, μ = tr(S)/n, as scikit-learn's `ledoit_wolf` (PyPortfolioOpt's
 * default `constant_variance` target). X is the T × n centred data, S = XᵀX / T (biased):
 *   b̄² = (1/(nT)) (Σ_t (Σ_i x_ti²)² / T − ‖S‖_F²),  d² = ‖S − μI‖_F² / n,
 *   δ = min(b̄², d²) / d²  (0 when b̄² = 0),  Σ̂ = (1 − δ) S + δ μ I.
 * Σ_{i,j}(X²ᵀX²)_ij equals Σ_t (Σ_i x_ti²)², which avoids a second n × n product.
 */
export function ledoitWolfConstantVariance(xs: readonly Float64Array[], t: number): Shrunk {
  const n = xs.length;
  const { s, trace, mu } = sampleScatter(xs, t);
  if (n === 1) return { data: s, shrinkage: 0 };
  let beta = 0;
  for (let r = 0; r < t; r++) {
    let rowSq = 0;
    for (let i = 0; i < n; i++) rowSq += ((xs[i] as Float64Array)[r] as number) ** 2;
    beta += rowSq * rowSq;
  }
  let frob = 0;
  for (let k = 0; k < s.length; k++) frob += (s[k] as number) ** 2;
  // scikit-learn's arithmetic, in its order, so rounding agrees.
  const deltaRaw = frob;
  let b = (1 / (n * t)) * (beta / t - deltaRaw);
  const d = (deltaRaw - 2 * mu * trace + n * mu * mu) / n;
  b = Math.min(b, d);
  const shrinkage = b === 0 ? 0 : b / d;
  return { data: shrinkTowardsIdentity(s, n, mu, shrinkage), shrinkage };
}

/**
 * Oracle Approximating Shrinkage (Chen et al. 2010) as scikit-learn's `oas` implements it:
 *   α = mean(S²), μ = tr(S)/n, δ = min((α + μ²) / ((T + 1)(α − μ²/n)), 1)  (1 if the denominator is 0),
 *   Σ̂ = (1 − δ) S + δ μ I, S = XᵀX / T of the centred data.
 */
export function oracleApproximating(xs: readonly Float64Array[], t: number): Shrunk {
  const n = xs.length;
  const { s, mu } = sampleScatter(xs, t);
  if (n === 1) return { data: s, shrinkage: 0 };
  let sumSq = 0;
  for (let k = 0; k < s.length; k++) sumSq += (s[k] as number) ** 2;
  const alpha = sumSq / (n * n);
  const num = alpha + mu * mu;
  const den = (t + 1) * (alpha - (mu * mu) / n);
  const shrinkage = den === 0 ? 1 : Math.min(num / den, 1);
  return { data: shrinkTowardsIdentity(s, n, mu, shrinkage), shrinkage };
}

function shrinkTowardsIdentity(s: Float64Array, n: number, mu: number, shrinkage: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let k = 0; k < s.length; k++) out[k] = (1 - shrinkage) * (s[k] as number);
  for (let i = 0; i < n; i++) out[i * n + i] = (out[i * n + i] as number) + shrinkage * mu;
  return out;
}

/**
 * Ledoit & Wolf (2003) "Improved estimation of the covariance matrix of stock returns with an
 * application to portfolio selection", target F = Sharpe's single-index model with the
 * equal-weighted market x_m,t = mean_i x_ti (of the centred returns), as PyPortfolioOpt's
 * `_ledoit_wolf_single_factor`. With S the biased covariance, βᵢ = cov(xᵢ, x_m), σ²_m = var(x_m),
 * F_ij = βᵢβⱼ/σ²_m off the diagonal and S_ii on it, y = x², z_ti = x_ti x_m,t:
 *   π = (1/T) Σ_ij (yᵀy)_ij − ‖S‖²,  γ = ‖S − F‖²,
 *   ρ = (1/T) Σ y² − Σ S_ii² + 2 r₁ − r₃, with
 *   v1 = (1/T) yᵀz − β ⊙ S (row-wise), r₁ = (Σ_ij v1_ij βⱼ − Σ_i v1_ii βᵢ) / σ²_m,
 *   v3 = (1/T) zᵀz − σ²_m S,            r₃ = (Σ_ij v3_ij βᵢβⱼ − Σ_i v3_ii βᵢ²) / σ⁴_m,
 *   δ = max(0, min(1, (π − ρ) / (γ T))),  Σ̂ = δF + (1 − δ)S.
 * Every double sum over (i, j) collapses to a sum over t of row sums, so only S costs O(n²T).
 */
export function ledoitWolfSingleFactor(xs: readonly Float64Array[], t: number, path: string): Shrunk {
  const n = xs.length;
  const market = new Float64Array(t);
  for (let r = 0; r < t; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (xs[i] as Float64Array)[r] as number;
    market[r] = sum / n;
  }
  // np.cov re-centres every column; the inputs are centred already, so this is rounding only.
  const cols = xs.map((c) => centre(c));
  const m = centre(market);
  const s = gram(cols, t);
  for (let k = 0; k < s.length; k++) s[k] = (s[k] as number) / t;
  const betas = Float64Array.from(cols, (c) => dot(c, m, t) / t);
  const varMarket = dot(m, m, t) / t;
  if (!(varMarket > 0)) {
    throw new InputError(
      "MARKET_ZERO_VARIANCE",
      "the equal-weighted market of the single-factor target has zero variance (all prices constant)",
      path,
    );
  }
  const f = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      f[i * n + j] = i === j ? (s[i * n + i] as number) : ((betas[i] as number) * (betas[j] as number)) / varMarket;
    }
  }
  let c = 0;
  let sumS2 = 0;
  let sumDiagS2 = 0;
  let betaSBeta = 0;
  for (let i = 0; i < n; i++) {
    sumDiagS2 += (s[i * n + i] as number) ** 2;
    for (let j = 0; j < n; j++) {
      const sij = s[i * n + j] as number;
      c += (sij - (f[i * n + j] as number)) ** 2;
      sumS2 += sij * sij;
      betaSBeta += (betas[i] as number) * sij * (betas[j] as number);
    }
  }
  let sumYtY = 0; // Σ_ij Σ_t y_ti y_tj = Σ_t (Σ_i y_ti)²
  let sumY2 = 0; // Σ_t Σ_i y_ti²
  let yzBeta = 0; // Σ_ij Σ_t y_ti z_tj βⱼ = Σ_t (Σ_i y_ti) m_t (Σ_j x_tj βⱼ)
  let diagYzBeta = 0; // Σ_i Σ_t y_ti z_ti βᵢ
  let zzBeta = 0; // Σ_ij Σ_t z_ti z_tj βᵢβⱼ = Σ_t m_t² (Σ_i x_ti βᵢ)²
  let diagZzBeta2 = 0; // Σ_i Σ_t z_ti² βᵢ²
  // As PyPortfolioOpt: y and z use the data and market as given, the moments use np.cov's.
  for (let r = 0; r < t; r++) {
    const mt = market[r] as number;
    let rowY = 0;
    let rowXBeta = 0;
    for (let i = 0; i < n; i++) {
      const x = (xs[i] as Float64Array)[r] as number;
      const y = x * x;
      const bi = betas[i] as number;
      rowY += y;
      sumY2 += y * y;
      rowXBeta += x * bi;
      diagYzBeta += y * x * mt * bi;
      diagZzBeta2 += y * mt * mt * bi * bi;
    }
    sumYtY += rowY * rowY;
    yzBeta += rowY * mt * rowXBeta;
    zzBeta += mt * mt * rowXBeta * rowXBeta;
  }
  const p = sumYtY / t - sumS2;
  const rdiag = sumY2 / t - sumDiagS2;
  // Σ_ij (β ⊙ S)_ij βⱼ = βᵀSβ and Σ_i βᵢ S_ii βᵢ for the subtracted parts of v1 and v3.
  let diagBetaSBeta = 0;
  for (let i = 0; i < n; i++) diagBetaSBeta += (betas[i] as number) ** 2 * (s[i * n + i] as number);
  const roff1 = (yzBeta / t - betaSBeta - (diagYzBeta / t - diagBetaSBeta)) / varMarket;
  const roff3 =
    (zzBeta / t - varMarket * betaSBeta - (diagZzBeta2 / t - varMarket * diagBetaSBeta)) / (varMarket * varMarket);
  const rho = rdiag + 2 * roff1 - roff3;
  // c = 0: the sample already equals the target (one asset), so shrinking changes nothing.
  const shrinkage = c === 0 ? 0 : Math.max(0, Math.min(1, (p - rho) / c / t));
  const out = new Float64Array(n * n);
  for (let k = 0; k < out.length; k++) out[k] = shrinkage * (f[k] as number) + (1 - shrinkage) * (s[k] as number);
  return { data: out, shrinkage };
}

/**
 * Ledoit & Wolf (2004) "Honey, I shrunk the sample covariance matrix", target F = constant
 * correlation r̄ = mean off-diagonal correlation of S, as PyPortfolioOpt's
 * `_ledoit_wolf_constant_correlation`. As there, S is the pairwise-complete sample covariance
 * (ddof 1, `sPairwise`) while the π and ρ sums use the zero-filled centred data x (T rows):
 *   F_ij = r̄ √(S_ii S_jj), F_ii = S_ii,
 *   π_ij = (1/T) Σ_t x_ti² x_tj² − 2 (1/T)(xᵀx)_ij S_ij + S_ij²,  π = Σ π_ij,
 *   θ_ij = (1/T) Σ_t x_ti³ x_tj − h_ii S_ij − h_ij S_ii + S_ii S_ij (h = xᵀx / T), θ_ii = 0,
 *   ρ = Σ π_ii + r̄ Σ_ij (√S_jj / √S_ii) θ_ij,  γ = ‖S − F‖²,
 *   δ = max(0, min(1, (π − ρ) / (γ T))),  Σ̂ = δF + (1 − δ)S.
 */
export function ledoitWolfConstantCorrelation(
  xs: readonly Float64Array[],
  t: number,
  sPairwise: Float64Array,
  columns: readonly string[],
  path: string,
): Shrunk {
  const n = xs.length;
  const s = sPairwise;
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sd = Math.sqrt(s[i * n + i] as number);
    std[i] = sd;
    if (!(sd > 0)) {
      throw new InputError(
        "ZERO_VARIANCE",
        `asset ${columns[i] ?? i} has zero variance, so its correlations (constant-correlation target) are undefined`,
        path,
      );
    }
  }
  let corrSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) corrSum += (s[i * n + j] as number) / ((std[i] as number) * (std[j] as number));
  }
  const rBar = n === 1 ? 0 : (corrSum - n) / (n * (n - 1));
  const f = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      f[i * n + j] = i === j ? (s[i * n + i] as number) : rBar * (std[i] as number) * (std[j] as number);
    }
  }
  const h = gram(xs, t);
  for (let k = 0; k < h.length; k++) h[k] = (h[k] as number) / t;
  // The data-dependent double sums collapse to sums over dates (i = j terms taken back out):
  //   Σ_ij (yᵀy)_ij = Σ_t (Σ_i x_ti²)²,  (yᵀy)_ii = Σ_t x_ti⁴,
  //   Σ_{i≠j} (σⱼ/σᵢ) Σ_t x_ti³ x_tj = Σ_t (Σ_i x_ti³/σᵢ)(Σ_j x_tj σⱼ) − Σ_t Σ_i x_ti⁴.
  let sumYtY = 0;
  let sumFourth = 0;
  let crossCubes = 0;
  const fourthByAsset = new Float64Array(n);
  for (let r = 0; r < t; r++) {
    let rowY = 0;
    let rowCube = 0;
    let rowStd = 0;
    for (let i = 0; i < n; i++) {
      const x = (xs[i] as Float64Array)[r] as number;
      const y = x * x;
      const sd = std[i] as number;
      rowY += y;
      rowCube += (y * x) / sd;
      rowStd += x * sd;
      fourthByAsset[i] = (fourthByAsset[i] as number) + y * y;
    }
    sumYtY += rowY * rowY;
    crossCubes += rowCube * rowStd;
  }
  for (let i = 0; i < n; i++) sumFourth += fourthByAsset[i] as number;
  let piHat = sumYtY / t;
  let piDiag = 0;
  let thetaSum = (crossCubes - sumFourth) / t;
  for (let i = 0; i < n; i++) {
    const sii = s[i * n + i] as number;
    const hii = h[i * n + i] as number;
    for (let j = 0; j < n; j++) {
      const sij = s[i * n + j] as number;
      const hij = h[i * n + j] as number;
      piHat += -2 * hij * sij + sij * sij;
      if (i === j) {
        piDiag += (fourthByAsset[i] as number) / t - 2 * hij * sij + sij * sij;
        continue;
      }
      thetaSum += ((std[j] as number) / (std[i] as number)) * (-hii * sij - hij * sii + sii * sij);
    }
  }
  const rho = piDiag + rBar * thetaSum;
  let gamma = 0;
  for (let k = 0; k < s.length; k++) gamma += ((s[k] as number) - (f[k] as number)) ** 2;
  const shrinkage = gamma === 0 ? 0 : Math.max(0, Math.min(1, (piHat - rho) / gamma / t));
  const out = new Float64Array(n * n);
  for (let k = 0; k < out.length; k++) out[k] = shrinkage * (f[k] as number) + (1 - shrinkage) * (s[k] as number);
  return { data: out, shrinkage };
}

function dot(a: Float64Array, b: Float64Array, t: number): number {
  let s = 0;
  for (let k = 0; k < t; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

/** S = XᵀX / T of the centred data (biased, as scikit-learn), its trace and μ = tr(S)/n. */
function sampleScatter(xs: readonly Float64Array[], t: number): { s: Float64Array; trace: number; mu: number } {
  const n = xs.length;
  const s = gram(xs, t);
  for (let k = 0; k < s.length; k++) s[k] = (s[k] as number) / t;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += s[i * n + i] as number;
  return { s, trace, mu: trace / n };
}
