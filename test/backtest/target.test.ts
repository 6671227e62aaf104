import { expect } from "chai";
import { parsePolicy } from "../../src/backtest/policy.ts";
import { simulate } from "../../src/backtest/simulate.ts";
import { optimizerTarget } from "../../src/backtest/target.ts";
import type { RebalanceRecord } from "../../src/backtest/types.ts";
import { InfeasibleError } from "../../src/errors.ts";
import type { PriceTable } from "../../src/optimizer/estimators/priceTable.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomPrices, toCsv } from "../helpers/backtestPrices.ts";

const ASSETS = ["A", "B", "C", "D", "E"];
const LOOKBACK = 80;
const base = randomPrices(ASSETS, 360, 11);
// E lists late: it joins the universe once it has LOOKBACK complete rows.
const prices: PriceTable = { ...base, rows: base.rows.map((r, t) => (t < 120 ? [...r.slice(0, 4), null] : r)) };
const problem = {
  objective: "min-variance",
  covariance: { method: "ledoit-wolf" },
  constraints: { bounds: { upper: 0.45 } },
};

function backtest(table: PriceTable): ReturnType<typeof simulate> {
  return simulate({
    prices: table,
    policy: parsePolicy("calendar:monthly"),
    target: optimizerTarget(problem, ASSETS, optimize),
    lookback: LOOKBACK,
    costs: { costBps: 10 },
  });
}

/** optimize() on the window written out by hand: the LOOKBACK rows ending at t, complete columns only. */
function directWeights(t: number): number[] {
  const rows = prices.rows.slice(t + 1 - LOOKBACK, t + 1);
  const keep = ASSETS.map((_, j) => j).filter((j) => rows.every((r) => r[j] !== null));
  const window: PriceTable = {
    dates: prices.dates.slice(t + 1 - LOOKBACK, t + 1),
    columns: keep.map((j) => ASSETS[j] ?? ""),
    rows: rows.map((r) => keep.map((j) => r[j] ?? null)),
  };
  const result = optimize({ ...problem, prices: "w.csv" }, { files: { "w.csv": toCsv(window) } });
  const full = ASSETS.map(() => 0);
  keep.forEach((j, k) => (full[j] = result.weights[k] ?? 0));
  return full;
}

describe("backtest/target optimizerTarget", () => {
  const series = backtest(prices);

  it("a min-variance policy's weights at each rebalance equal optimize() on that date's window", () => {
    expect(series.rebalances.length).to.be.greaterThan(8);
    for (const k of series.rebalances) {
      expect(k.targetWeights).to.deep.equal(directWeights(prices.dates.indexOf(k.date)));
    }
    expect(series.rebalances.some((k) => (k.targetWeights[4] ?? 0) > 0)).to.equal(true);
    expect(series.rebalances[0]?.targetWeights[4]).to.equal(0);
  });

  it("no look-ahead: changing every price after a rebalance date leaves that date's weights unchanged", () => {
    const k = series.rebalances[4];
    const t = prices.dates.indexOf(k?.date ?? "");
    const perturbed: PriceTable = {
      ...prices,
      rows: prices.rows.map((r, s) =>
        s <= t ? r : r.map((p, j) => (p === null ? null : p * (j % 2 === 0 ? 3 : 0.2))),
      ),
    };
    const again = backtest(perturbed);
    const timeless = (r: RebalanceRecord): RebalanceRecord => ({ ...r, optimizerMs: 0 });
    expect(again.rebalances.slice(0, 5).map(timeless)).to.deep.equal(series.rebalances.slice(0, 5).map(timeless));
    expect(again.rebalances[5]?.targetWeights).to.not.deep.equal(series.rebalances[5]?.targetWeights);
  });

  it("turnover limits bind against the drifted weights at every rebalance", () => {
    const limited = simulate({
      prices,
      policy: parsePolicy("calendar:monthly"),
      target: optimizerTarget(
        { ...problem, constraints: { turnover: { currentWeights: [0, 0, 0, 0, 0], max: 0.05 } } },
        ASSETS,
        optimize,
      ),
      lookback: LOOKBACK,
      from: prices.dates[200],
      costs: { costBps: 0 },
    });
    // The initial allocation buys from cash without the limit; every rebalance after it keeps to it.
    expect(limited.rebalances[0]?.turnover).to.equal(1);
    const later = limited.rebalances.slice(1).map((k) => k.turnover);
    expect(later.length).to.be.greaterThan(3);
    for (const x of later) expect(x <= 0.05 + 1e-7).to.equal(true);
    expect(later.some((x) => x > 0.05 - 1e-6)).to.equal(true);
  }).timeout(20_000);

  it("an infeasible date stops the backtest with exit 3 naming the date", () => {
    const capped = { objective: "min-variance", constraints: { bounds: { upper: 0.1 } } };
    try {
      simulate({
        prices,
        policy: parsePolicy("once"),
        target: optimizerTarget(capped, ASSETS, optimize),
        lookback: LOOKBACK,
        costs: { costBps: 0 },
      });
      expect.fail("expected an InfeasibleError");
    } catch (error) {
      expect(error).to.be.instanceOf(InfeasibleError);
      expect((error as InfeasibleError).message).to.contain(prices.dates[LOOKBACK - 1]);
    }
  });
});
