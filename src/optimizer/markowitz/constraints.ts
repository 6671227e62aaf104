import { InputError, InfeasibleError } from "../../errors.ts";
import { vectorFromArray } from "../matrix.ts";
import type { Constraints } from "../problem.ts";

/** A named linear row on the weights: lower ≤ coef·w ≤ upper (±Infinity when absent). */
export interface WeightRow {
  readonly name: string;
  readonly coef: Float64Array;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The constraints of a problem in weight space, validated. Bounds already include the liquidity
 * band |w_i − w0_i|·nav ≤ f·adv_i; `lowerFrom`/`upperFrom` remember which constraint set each.
 */
export interface PortfolioConstraints {
  readonly n: number;
  readonly budget: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly lowerFrom: readonly ("bounds" | "liquidity")[];
  readonly upperFrom: readonly ("bounds" | "liquidity")[];
  /** budget, groups, linear and esg rows (plus targetReturn for efficient-return). */
  readonly rows: readonly WeightRow[];
  /** Reference weights of the |w − w0| terms (turnover and transaction costs). */
  readonly reference: Float64Array | null;
  readonly turnoverMax: number | null;
  readonly transactionRate: number;
  readonly l2Gamma: number;
  readonly trackingError: { readonly benchmark: Float64Array; readonly max: number } | null;
  /** λ·(w − b)'Σ(w − b) added to the minimised objective (`penalties.trackingError`). */
  readonly trackingErrorPenalty: { readonly benchmark: Float64Array; readonly lambda: number } | null;
  /**
   * Σ κ_i·|w_i − w0_i|^{3/2} added to the minimised objective (`penalties.marketImpact`):
   * cvxportfolio's impact cost c·|Δ_i|·NAV·(|Δ_i|·NAV/ADV_i)^{1/2} as a fraction of NAV, so
   * κ_i = c·(NAV/ADV_i)^{1/2}.
   */
  readonly marketImpact: { readonly reference: Float64Array; readonly kappa: Float64Array } | null;
  /** True when only the budget row and no finite bound is present (closed forms apply). */
  readonly budgetOnly: boolean;
}

function boundVector(value: unknown, n: number, side: "lower" | "upper", path: string): Float64Array {
  const out = new Float64Array(n);
  const none = side === "lower" ? -Infinity : Infinity;
  if (value === undefined) return out.fill(side === "lower" ? 0 : 1);
  if (value === null) return out.fill(none);
  if (typeof value === "number") return out.fill(value);
  if (!Array.isArray(value)) throw new InputError("FIELD_INVALID", "must be a number, null or an array", path);
  if (value.length !== n) throw new InputError("VECTOR_LENGTH", `has ${value.length} entries, expected ${n}`, path);
  value.forEach((v: unknown, i) => {
    out[i] = v === null ? none : (v as number);
  });
  return out;
}

const sameVector = (a: Float64Array, b: Float64Array): boolean =>
  a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) <= 1e-12);

/**
 * Validates `constraints` against the asset list and returns them in weight space.
 *
 * @example
 * ```ts
 * const pc = buildConstraints({ bounds: { upper: 0.3 } }, ["A", "B", "C", "D"]);
 * ```
 */
export function buildConstraints(c: Constraints | undefined, assets: readonly string[]): PortfolioConstraints {
  const n = assets.length;
  const cons = c ?? {};
  const budget = cons.budget ?? 1;
  const lower = boundVector(cons.bounds?.lower, n, "lower", "constraints.bounds.lower");
  const upper = boundVector(cons.bounds?.upper, n, "upper", "constraints.bounds.upper");
  // An explicit `lower: null` means no lower bound; the default lower bound is 0.
  const lowerFrom: ("bounds" | "liquidity")[] = Array.from({ length: n }, () => "bounds");
  const upperFrom: ("bounds" | "liquidity")[] = Array.from({ length: n }, () => "bounds");
  for (let i = 0; i < n; i++) {
    if ((lower[i] ?? 0) > (upper[i] ?? 0)) {
      throw new InfeasibleError(
        "BOUNDS_CROSSED",
        `bounds.lower ${lower[i]} conflicts with bounds.upper ${upper[i]} for ${assets[i]}`,
        `constraints.bounds`,
      );
    }
  }
  if (cons.liquidity !== undefined) {
    const liq = cons.liquidity;
    const w0 = vectorFromArray(liq.currentWeights, n, "constraints.liquidity.currentWeights");
    const adv = vectorFromArray(liq.adv, n, "constraints.liquidity.adv");
    const f = liq.maxAdvFraction ?? 0.1;
    for (let i = 0; i < n; i++) {
      const band = (f * (adv[i] ?? 0)) / liq.nav;
      const lo = (w0[i] ?? 0) - band;
      const hi = (w0[i] ?? 0) + band;
      if (lo > (lower[i] ?? 0)) {
        lower[i] = lo;
        lowerFrom[i] = "liquidity";
      }
      if (hi < (upper[i] ?? 0)) {
        upper[i] = hi;
        upperFrom[i] = "liquidity";
      }
      if ((lower[i] ?? 0) > (upper[i] ?? 0) + 1e-15) {
        throw new InfeasibleError(
          "LIQUIDITY_CONFLICT",
          `liquidity[${assets[i]}] band [${lo}, ${hi}] conflicts with bounds [${cons.bounds?.lower ?? 0}, ${cons.bounds?.upper ?? 1}]`,
          "constraints.liquidity",
        );
      }
    }
  }
  const rows: WeightRow[] = [{ name: "budget", coef: new Float64Array(n).fill(1), lower: budget, upper: budget }];
  (cons.groups ?? []).forEach((g, gi) => {
    const path = `constraints.groups[${gi}]`;
    const coef = new Float64Array(n);
    g.assets.forEach((a, k) => {
      const i = assets.indexOf(a);
      if (i < 0) throw new InputError("ASSET_UNKNOWN", `unknown asset "${a}"`, `${path}.assets[${k}]`);
      coef[i] = 1;
    });
    rows.push(rowFrom(`groups.${g.name}`, coef, g.lower, g.upper, path));
  });
  (cons.linear ?? []).forEach((l, li) => {
    const path = `constraints.linear[${li}]`;
    const coef = vectorFromArray(l.coefficients, n, `${path}.coefficients`);
    rows.push(rowFrom(`linear.${l.name}`, coef, l.lower, l.upper, path));
  });
  if (cons.esg !== undefined) {
    const coef = vectorFromArray(cons.esg.scores, n, "constraints.esg.scores");
    rows.push({ name: "esg", coef, lower: cons.esg.min, upper: Infinity });
  }
  const names = new Set<string>();
  for (const r of rows) {
    if (names.has(r.name))
      throw new InputError("CONSTRAINT_DUPLICATE", `two constraints are named "${r.name}"`, "constraints");
    names.add(r.name);
  }
  let reference: Float64Array | null = null;
  let turnoverMax: number | null = null;
  if (cons.turnover !== undefined) {
    reference = vectorFromArray(cons.turnover.currentWeights, n, "constraints.turnover.currentWeights");
    turnoverMax = cons.turnover.max;
  }
  let transactionRate = 0;
  const tc = cons.penalties?.transactionCost;
  if (tc !== undefined) {
    const w0 = vectorFromArray(tc.currentWeights, n, "constraints.penalties.transactionCost.currentWeights");
    if (reference !== null && !sameVector(reference, w0)) {
      throw new InputError(
        "REFERENCE_MISMATCH",
        "must equal constraints.turnover.currentWeights (one current portfolio)",
        "constraints.penalties.transactionCost.currentWeights",
      );
    }
    reference = w0;
    transactionRate = tc.rate;
  }
  let trackingError: PortfolioConstraints["trackingError"] = null;
  if (cons.trackingError !== undefined) {
    trackingError = {
      benchmark: vectorFromArray(cons.trackingError.benchmarkWeights, n, "constraints.trackingError.benchmarkWeights"),
      max: cons.trackingError.max,
    };
  }
  const l2Gamma = cons.penalties?.l2Gamma ?? 0;
  const tePenalty = cons.penalties?.trackingError;
  const trackingErrorPenalty =
    tePenalty === undefined || tePenalty.lambda === 0
      ? null
      : {
          benchmark: vectorFromArray(
            tePenalty.benchmarkWeights,
            n,
            "constraints.penalties.trackingError.benchmarkWeights",
          ),
          lambda: tePenalty.lambda,
        };
  const mi = cons.penalties?.marketImpact;
  let marketImpact: PortfolioConstraints["marketImpact"] = null;
  if (mi !== undefined && mi.coefficient > 0) {
    const w0 = vectorFromArray(mi.currentWeights, n, "constraints.penalties.marketImpact.currentWeights");
    if (reference !== null && !sameVector(reference, w0)) {
      throw new InputError(
        "REFERENCE_MISMATCH",
        "must equal the turnover / transaction-cost currentWeights (one current portfolio)",
        "constraints.penalties.marketImpact.currentWeights",
      );
    }
    const adv = vectorFromArray(mi.adv, n, "constraints.penalties.marketImpact.adv");
    marketImpact = { reference: w0, kappa: adv.map((a) => mi.coefficient * Math.sqrt(mi.nav / a)) };
  }
  const budgetOnly =
    rows.length === 1 &&
    reference === null &&
    trackingError === null &&
    lower.every((v) => v === -Infinity) &&
    upper.every((v) => v === Infinity);
  return {
    n,
    budget,
    lower,
    upper,
    lowerFrom,
    upperFrom,
    rows,
    reference,
    turnoverMax,
    transactionRate,
    l2Gamma,
    trackingError,
    trackingErrorPenalty,
    marketImpact,
    budgetOnly,
  };
}

function rowFrom(
  name: string,
  coef: Float64Array,
  lower: number | null | undefined,
  upper: number | null | undefined,
  path: string,
): WeightRow {
  const lo = lower ?? -Infinity;
  const hi = upper ?? Infinity;
  if (lo === -Infinity && hi === Infinity) {
    throw new InputError("CONSTRAINT_EMPTY", "needs a lower or an upper limit", path);
  }
  if (lo > hi)
    throw new InfeasibleError("LIMITS_CROSSED", `${name}.lower ${lo} conflicts with ${name}.upper ${hi}`, path);
  return { name, coef, lower: lo, upper: hi };
}
