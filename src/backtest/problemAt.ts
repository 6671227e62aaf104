import { InputError } from "../errors.ts";
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";
import type { TargetContext } from "./types.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A window as prices-CSV text (first column the date, empty cell = missing), handed to the optimiser
 * through its `files` option as a problem's `prices` path is. `String(x)` of a double reads back as
 * the same double, so the optimiser sees exactly these prices.
 */
export function windowCsv(table: PriceTable): string {
  const lines = [["date", ...table.columns].join(",")];
  table.rows.forEach((row, t) =>
    lines.push([table.dates[t] ?? "", ...row.map((p) => (p === null ? "" : String(p)))].join(",")),
  );
  return `${lines.join("\n")}\n`;
}

/** File names of the window CSVs in the `files` of the problem {@link problemAt} builds. */
export const WINDOW_FILE = "backtest-window.csv";
export const BENCHMARK_WINDOW_FILE = "backtest-benchmark-window.csv";

/** The entries of a per-asset array at the universe's positions (non-arrays pass unchanged). */
function pick<T>(value: T, keep: readonly number[]): T {
  return (Array.isArray(value) ? keep.map((i) => (value as unknown[])[i]) : value) as T;
}

/**
 * Rewrites the constraints for the universe and the pre-trade portfolio: per-asset arrays keep the
 * universe's entries, groups keep their universe members (a group left empty is dropped), and the
 * current weights of turnover, liquidity and transaction-cost penalties become the drifted weights
 * (liquidity's `nav` the pre-trade NAV), so those limits bind on every rebalance as the keeper's do.
 * The initial allocation, from cash, drops them.
 */
function constraintsAt(
  raw: unknown,
  keep: readonly number[],
  universe: readonly string[],
  ctx: TargetContext,
): unknown {
  if (!isObject(raw)) return raw;
  const c: Json = { ...raw };
  const current = [...ctx.currentWeights];
  if (isObject(c.bounds))
    c.bounds = { ...c.bounds, lower: pick(c.bounds.lower, keep), upper: pick(c.bounds.upper, keep) };
  if (Array.isArray(c.groups)) {
    const members = new Set(universe);
    c.groups = c.groups
      .filter(isObject)
      .map((g) => ({
        ...g,
        assets: Array.isArray(g.assets) ? g.assets.filter((a) => members.has(String(a))) : g.assets,
      }))
      .filter((g) => !Array.isArray(g.assets) || g.assets.length > 0);
  }
  if (Array.isArray(c.linear))
    c.linear = c.linear.map((row: unknown) =>
      isObject(row) ? { ...row, coefficients: pick(row.coefficients, keep) } : row,
    );
  if (isObject(c.trackingError))
    c.trackingError = { ...c.trackingError, benchmarkWeights: pick(c.trackingError.benchmarkWeights, keep) };
  if (isObject(c.esg)) c.esg = { ...c.esg, scores: pick(c.esg.scores, keep) };
  if (ctx.initial) {
    // The initial allocation buys from cash: a turnover or liquidity limit meant for rebalances
    // would make it infeasible, and a trade-cost penalty would be charged on the whole NAV.
    delete c.turnover;
    delete c.liquidity;
    if (isObject(c.penalties)) {
      const { transactionCost: _dropped, ...penalties } = c.penalties;
      c.penalties = penalties;
    }
    return c;
  }
  if (isObject(c.turnover)) c.turnover = { ...c.turnover, currentWeights: current };
  if (isObject(c.liquidity))
    c.liquidity = { ...c.liquidity, currentWeights: current, nav: ctx.nav, adv: pick(c.liquidity.adv, keep) };
  if (isObject(c.penalties) && isObject(c.penalties.transactionCost))
    c.penalties = { ...c.penalties, transactionCost: { ...c.penalties.transactionCost, currentWeights: current } };
  return c;
}

/**
 * Checks once, before the simulation, that a problem can be re-estimated on each window: its Σ
 * must come from an estimator (a fixed matrix or factor model would ignore the prices), and a
 * problem that names `benchmarkPrices` needs `--benchmark`.
 *
 * @example
 * ```ts
 * checkBacktestable({ objective: "min-variance" }, false); // ok
 * ```
 */
export function checkBacktestable(problem: unknown, hasBenchmark: boolean): void {
  if (!isObject(problem)) throw new InputError("PROBLEM_NOT_OBJECT", "must be a JSON object", "--in");
  const cov = problem.covariance;
  if (Array.isArray(cov) || (isObject(cov) && !("method" in cov))) {
    throw new InputError(
      "BACKTEST_NEEDS_ESTIMATOR",
      'a fixed covariance ignores the price window; use an estimator such as {method: "sample"}',
      "covariance",
    );
  }
  if (problem.benchmarkPrices !== undefined && !hasBenchmark) {
    throw new InputError(
      "BENCHMARK_MISSING",
      "the problem estimates with benchmarkPrices; pass --benchmark",
      "--benchmark",
    );
  }
}

/**
 * The problem `optimize()` solves at one rebalance date: the user's problem with `assets` the
 * universe, `prices` (and `benchmarkPrices`) the window ending on that date — nothing after it —
 * (as CSV text in `files`), and the constraints rewritten by {@link constraintsAt}. `allAssets` is the problem's asset order.
 *
 * @example
 * ```ts
 * const { problem, files } = problemAt({ objective: "min-variance" }, ["A", "B"], context);
 * optimize(problem, { files }).weights; // universe order
 * ```
 */
export function problemAt(
  problem: unknown,
  allAssets: readonly string[],
  ctx: TargetContext,
): { problem: unknown; files: Record<string, string> } {
  const p: Json = isObject(problem) ? { ...problem } : {};
  const position = new Map(allAssets.map((a, i) => [a, i]));
  const keep = ctx.universe.map((a) => position.get(a) ?? -1);
  if (p.optimizerType === "BLACK_LITTERMAN" && ctx.universe.length !== allAssets.length) {
    const absent = allAssets.find((a) => !ctx.universe.includes(a)) ?? "";
    throw new InputError(
      "MISSING_PRICE",
      `Black-Litterman views need every asset; ${absent} has no complete window on ${ctx.date}`,
      "--prices",
    );
  }
  p.assets = [...ctx.universe];
  const files: Record<string, string> = { [WINDOW_FILE]: windowCsv(ctx.window) };
  p.prices = WINDOW_FILE;
  if (ctx.benchmarkWindow !== undefined && p.benchmarkPrices !== undefined) {
    files[BENCHMARK_WINDOW_FILE] = windowCsv(ctx.benchmarkWindow);
    p.benchmarkPrices = BENCHMARK_WINDOW_FILE;
  }
  if (Array.isArray(p.expectedReturns)) p.expectedReturns = pick(p.expectedReturns, keep);
  if (Array.isArray(p.riskBudgets)) {
    const budgets = pick(p.riskBudgets, keep).map(Number);
    const total = budgets.reduce((s, b) => s + b, 0);
    p.riskBudgets = budgets.map((b) => b / total);
  }
  if (p.constraints !== undefined) p.constraints = constraintsAt(p.constraints, keep, ctx.universe, ctx);
  return { problem: p, files };
}
