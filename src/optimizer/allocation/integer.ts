import * as highsModule from "highs";
import type { Highs, ModelData, VariableType } from "highs";
import { isPortfolioError, RejectedError } from "../../errors.ts";
import { belowMinTrade, unitsForValue, valueOfUnits } from "./baseUnits.ts";
import { buildResult, commonScale, exactCost } from "./report.ts";
import type { AllocateParameters, AllocationResult, PreparedAllocation } from "./types.ts";
import { nothingAffordable, prepareAllocation } from "./validate.ts";

type Loader = typeof highsModule.default.default;

let loaded: Promise<Highs> | undefined;

/** As in src/optimizer/qp/highsSolver.ts: the ESM build's default export is the loader itself. */
function highsLoader(): Loader {
  const candidate: unknown = highsModule.default;
  return (typeof candidate === "function" ? candidate : highsModule.default.default) as Loader;
}

/**
 * HiGHS drops matrix coefficients below 1e-9 and works to a feasibility tolerance of 1e-7, so a
 * column whose unit is worth a tiny share of NAV (one base unit of an 18-decimal token) would be
 * rounded away. An asset whose NAV buys more than 1e6 base units is therefore solved in lots of
 * 10^s units (s the smallest that fits): each lot is worth ≥ 1e-6 of NAV, and the lot, at most
 * NAV / 1e6, is the only rounding the method adds.
 */
const MAX_LOTS = 1e6;

/**
 * Σ|t_i − v_i| + leftover = 2·Σ(t_i − v_i)⁺ + (NAV − Σt_i): buying past a target costs nothing
 * (the overspend comes out of the leftover one for one), so without a cap every holding may sit
 * anywhere above its target at the same objective. On weights summing to less than 1 that is a
 * vast plateau of optima, and HiGHS' search over it ran into its time limit (and, longer, into a
 * WebAssembly abort). A holding of more than max(⌈t_i / lot⌉, least_i) lots can give a lot back
 * and stay at or above its target (same objective) and above its least lots (minimum trade kept),
 * spending less; so some optimum holds at most that many lots, and the cap removes only tied
 * optima. The factor absorbs the ratio's round-off (a cap one lot loose is harmless; one lot tight
 * would not be).
 */
const CAP_SLACK = 1 + 1e-12;

/**
 * PyPortfolioOpt's `lp_portfolio` (long only), solved exactly by HiGHS' MIP solver:
 *
 *   minimise Σ_i u_i + r   over integer x_i ≥ 0 (base units) and u_i,
 *   with r = NAV − Σ x_i·p_i ≥ 0 and −u_i ≤ w_i·NAV − x_i·p_i ≤ u_i,
 *
 * p_i the price of one base unit. With `minTrade` > 0 every x_i is 0 or at least ⌈minTrade / p_i⌉
 * (a binary z_i with least_i·z_i ≤ x_i ≤ U_i·z_i). The model is scaled by 1/NAV; HiGHS runs with a zero relative gap. Its budget
 * row holds only to its feasibility tolerance, so the rounded answer is checked in exact integer
 * arithmetic and, if it overspends, trimmed one lot at a time where that costs the objective least.
 *
 * @throws {InputError} on bad inputs (see prepareAllocation).
 * @throws {InfeasibleError} `ALLOCATION_NOTHING_AFFORDABLE` when nothing can be bought.
 * @example
 * ```ts
 * const r = await integerAllocation({ assets: ["A", "B"], weights: [0.6, 0.4], prices: { A: 30, B: 7 }, nav: 100 });
 * // r.allocation: A 2 (60), B 5 (35); r.leftover 5, r.objective 10 (the unique optimum)
 * ```
 */
export async function integerAllocation(parameters: AllocateParameters): Promise<AllocationResult> {
  const p = prepareAllocation(parameters);
  loaded ??= highsLoader()();
  const highs = await loaded;
  try {
    return solveAllocation(highs, p);
  } catch (error) {
    if (isPortfolioError(error)) throw error;
    // An aborted WebAssembly instance fails every later call: load a fresh one next time.
    loaded = undefined;
    throw new RejectedError(
      "ALLOCATION_SOLVER_FAILED",
      `HiGHS failed on this allocation (${String(error)}); --method greedy does not use it`,
      "method",
      { cause: error },
    );
  }
}

function solveAllocation(highs: Highs, p: PreparedAllocation): AllocationResult {
  const { optimal, timeLimit } = highs.constants.modelStatus;
  const cols = [...p.assets.keys()].filter((i) => p.priceWad[i] !== 0n);
  const m = cols.length;
  // Lot sizes as powers of ten in bigint: 10^23 and above are not exact doubles.
  const lotExponents = cols.map((i) => {
    let s = 0;
    while (p.nav / ((p.unitPrice[i] ?? 1) * 10 ** s) > MAX_LOTS) s++;
    return s;
  });
  const lotUnits = lotExponents.map((s) => 10n ** BigInt(s));
  const lotShare = cols.map((i, k) => ((p.unitPrice[i] ?? 0) * 10 ** (lotExponents[k] ?? 0)) / p.nav);
  const minTrade = Number(p.minTradeWad) / 1e18;
  const gated = minTrade > 0;
  // Bounds in exact integers: ⌊1 / share⌋ in doubles can fall one lot short of NAV.
  const upper = cols.map((i, k) => {
    const lot = lotUnits[k] ?? 1n;
    return Number(unitsForValue(p.navWad, p.priceWad[i] ?? 1n, p.scale[i] ?? 1n) / lot);
  });
  // Fewest lots worth the minimum trade; an asset whose minimum exceeds NAV is held at zero.
  const least = cols.map((i, k) => {
    const lot = lotUnits[k] ?? 1n;
    const price = p.priceWad[i] ?? 1n;
    const units = (p.minTradeWad * (p.scale[i] ?? 1n) + price - 1n) / price;
    const lots = (units + lot - 1n) / lot;
    return Number(lots > 1n ? lots : 1n);
  });
  const colCost: number[] = [];
  const colLower: number[] = [];
  const colUpper: number[] = [];
  const integrality: VariableType[] = [];
  const { integer, continuous } = highs.constants.variableType;
  cols.forEach((i, k) => {
    const cap = Math.max(
      Math.ceil(((p.weights[i] ?? 0) / (lotShare[k] ?? 1)) * CAP_SLACK),
      gated ? (least[k] ?? 1) : 0,
    );
    colCost.push(-(lotShare[k] ?? 1));
    colLower.push(0);
    colUpper.push(gated && (least[k] ?? 1) > (upper[k] ?? 0) ? 0 : Math.min(upper[k] ?? 0, cap));
    integrality.push(integer);
  });
  for (let k = 0; k < m; k++) {
    colCost.push(1);
    colLower.push(0);
    colUpper.push(highs.infinity);
    integrality.push(continuous);
  }
  // z_k ∈ {0, 1}: whether asset k is held. HiGHS' semi-integer columns would say this directly,
  // but its run failed (status -1) on one (0.5 USD, 18 decimals, NAV 100, minimum 25); the gate does not.
  if (gated) {
    for (let k = 0; k < m; k++) {
      colCost.push(0);
      colLower.push(0);
      colUpper.push(1);
      integrality.push(integer);
    }
  }
  // Rows 2k, 2k+1: u_k + L_k x_k ≥ w_k and u_k − L_k x_k ≥ −w_k; then Σ L_k x_k ≤ 1; with a
  // minimum trade, x_k − U_k z_k ≤ 0 and x_k − least_k z_k ≥ 0.
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const row = (entries: readonly (readonly [number, number])[], lower: number, upperBound: number): void => {
    for (const [j, v] of entries) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lower);
    rowUpper.push(upperBound);
  };
  cols.forEach((i, k) => {
    const w = p.weights[i] ?? 0;
    const share = lotShare[k] ?? 1;
    row(
      [
        [k, share],
        [m + k, 1],
      ],
      w,
      highs.infinity,
    );
    row(
      [
        [k, -share],
        [m + k, 1],
      ],
      -w,
      highs.infinity,
    );
  });
  row(
    cols.map((_, k) => [k, lotShare[k] ?? 0] as const),
    -highs.infinity,
    1,
  );
  if (gated) {
    for (let k = 0; k < m; k++) {
      row(
        [
          [k, 1],
          [2 * m + k, -(upper[k] ?? 0)],
        ],
        -highs.infinity,
        0,
      );
      row(
        [
          [k, 1],
          [2 * m + k, -(least[k] ?? 1)],
        ],
        0,
        highs.infinity,
      );
    }
  }
  const numCols = gated ? 3 * m : 2 * m;
  const model: ModelData = {
    numCols,
    numRows: rowLower.length,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    integrality,
    matrix: { format: "csr", numRows: rowLower.length, numCols, starts, indices, values },
  };
  const lots = highs.withModel(model, (model) => {
    // Tight tolerances keep the budget row's overshoot, which repairBudget undoes, to ~1e-9 of NAV.
    model.options.set({
      output_flag: false,
      mip_rel_gap: 0,
      primal_feasibility_tolerance: 1e-9,
      mip_feasibility_tolerance: 1e-9,
      time_limit: p.timeLimitSeconds,
    });
    const run = model.run();
    // "Exact" means proven: a best-found point is no answer for this method.
    if (run.modelStatus !== optimal) {
      const why = run.modelStatus === timeLimit ? "time limit" : `model status ${run.modelStatus}`;
      throw new RejectedError(
        "ALLOCATION_NOT_PROVEN",
        `HiGHS did not prove an optimum within ${p.timeLimitSeconds} s (${why}); allow more time (timeLimitSeconds, --time-limit) or use --method greedy`,
      );
    }
    const x = model.getSolution().colValue;
    return cols.map((_, k) => BigInt(Math.max(0, Math.round(x[k] ?? 0))));
  });
  const units: bigint[] = new Array<bigint>(p.assets.length).fill(0n);
  cols.forEach((i, k) => {
    units[i] = (lots[k] ?? 0n) * (lotUnits[k] ?? 1n);
  });
  repairBudget(p, units, cols, lotUnits);
  if (units.every((u) => u === 0n)) throw nothingAffordable(p.assets.filter((_, i) => (p.weights[i] ?? 0) > 0));
  return buildResult(p, "integer", units, []);
}

/**
 * While the exact cost exceeds NAV, the holding whose trim raises the objective least gives back
 * one lot (Δ = |t − (v − lot)| − |t − v| + lot: free for a holding over target by a lot or more); a
 * holding that one lot would take below the minimum trade is given back whole instead.
 */
function repairBudget(
  p: PreparedAllocation,
  units: bigint[],
  cols: readonly number[],
  lotUnits: readonly bigint[],
): void {
  const common = commonScale(p);
  const budget = p.navWad * common;
  const spent = (): bigint => units.reduce((a, u, i) => a + exactCost(p, i, u, common), 0n);
  const trimmed = (i: number, k: number): bigint => {
    const lot = lotUnits[k] ?? 1n;
    const held = units[i] ?? 0n;
    const left = held > lot ? held - lot : 0n;
    const price = p.priceWad[i] ?? 0n;
    const scale = p.scale[i] ?? 1n;
    return left > 0n && belowMinTrade(valueOfUnits(left, price, scale), p.minTradeWad) ? 0n : left;
  };
  while (spent() > budget) {
    let best = -1;
    let bestDelta = Infinity;
    cols.forEach((i, k) => {
      const held = units[i] ?? 0n;
      if (held === 0n) return;
      const unitPrice = p.unitPrice[i] ?? 0;
      const target = (p.weights[i] ?? 0) * p.nav;
      const before = Number(held) * unitPrice;
      const after = Number(trimmed(i, k)) * unitPrice;
      const delta = Math.abs(target - after) - Math.abs(target - before) + (before - after);
      if (delta < bestDelta) {
        bestDelta = delta;
        best = k;
      }
    });
    const i = cols[best];
    if (i === undefined) break;
    units[i] = trimmed(i, best);
  }
}
