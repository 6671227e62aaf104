import { expect } from "chai";
import fc from "fast-check";
import { parsePolicy } from "../../src/backtest/policy.ts";
import { simulate, type SimulateOptions } from "../../src/backtest/simulate.ts";
import { optimizerTarget } from "../../src/backtest/target.ts";
import type { TargetFn } from "../../src/backtest/types.ts";
import { InputError } from "../../src/errors.ts";
import type { PriceTable } from "../../src/optimizer/estimators/priceTable.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { expectNear } from "../helpers/expect.ts";
import { prng, randomPrices } from "../helpers/backtestPrices.ts";

const ASSETS = ["A", "B", "C", "D"];
const prices = randomPrices(ASSETS, 400, 7);
const n = ASSETS.length;
const equalWeight = { objective: "min-variance", constraints: { bounds: { lower: 1 / n, upper: 1 / n } } };
const price = (t: number, j: number): number => prices.rows[t]?.[j] ?? Number.NaN;

function run(
  options: Partial<SimulateOptions> & { rebalance: string; problem?: unknown },
): ReturnType<typeof simulate> {
  return simulate({
    prices,
    policy: parsePolicy(options.rebalance),
    target: options.target ?? optimizerTarget(options.problem ?? equalWeight, ASSETS, optimize),
    lookback: 60,
    costs: { costBps: 0 },
    ...options,
  });
}

function codeOf(fn: () => unknown): [string, string | undefined] {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return [(error as InputError).code, (error as InputError).path];
  }
  return expect.fail("expected an InputError");
}

describe("backtest/simulate", () => {
  it("buy and hold: NAV_t = V0 · Σ w_i · P_i(t) / P_i(0) on every date", () => {
    const series = run({ rebalance: "once", problem: { objective: "min-variance" } });
    expect(series.rebalances).to.have.length(1);
    const w = series.rebalances[0]?.targetWeights ?? [];
    const t0 = 59;
    series.nav.forEach((v, k) => {
      const expected = 1_000_000 * w.reduce((s, wi, j) => s + wi * (price(t0 + k, j) / price(t0, j)), 0);
      expectNear(v / expected, 1, 1e-12);
    });
    expect(series.dates[0]).to.equal(prices.dates[t0]);
  });

  it("equal weight monthly with 25 bp: matches a closed-form loop (turnover costs at each month end)", () => {
    const costBps = 25;
    const series = run({ rebalance: "calendar:monthly", costs: { costBps } });
    const c = costBps / 10_000;
    // Independent recomputation: units u_i after each trade, V(t) = Σ u_i P_i(t).
    const t0 = 59;
    let value = 1_000_000 * (1 - c); // the initial trade buys 1/n of everything: turnover 1
    let units = ASSETS.map((_, j) => value / n / price(t0, j));
    const expected = [value];
    const monthEnds: string[] = [];
    for (let t = t0 + 1; t < prices.dates.length; t++) {
      value = units.reduce((s, u, j) => s + u * price(t, j), 0);
      const next = prices.dates[t + 1];
      if (next !== undefined && next.slice(0, 7) !== prices.dates[t]?.slice(0, 7)) {
        const turnover = units.reduce((s, u, j) => s + Math.abs(1 / n - (u * price(t, j)) / value), 0);
        value *= 1 - c * turnover;
        units = ASSETS.map((_, j) => value / n / price(t, j));
        monthEnds.push(prices.dates[t] ?? "");
      }
      expected.push(value);
    }
    expect(series.rebalances.slice(1).map((k) => k.date)).to.deep.equal(monthEnds);
    expect(series.nav).to.have.length(expected.length);
    series.nav.forEach((v, k) => expectNear(v / (expected[k] ?? 0), 1, 1e-12));
    for (const k of series.rebalances) {
      expectNear(k.cost, c * k.tradedNotional, 1e-9);
      for (const w of k.targetWeights) expectNear(w, 1 / n, 1e-12);
    }
  });

  it("weights drift with prices between rebalances", () => {
    const series = run({ rebalance: "once" });
    const t0 = 59;
    const k = 30;
    const grown = ASSETS.map((_, j) => (1 / n) * (price(t0 + k, j) / price(t0, j)));
    const total = grown.reduce((s, g) => s + g, 0);
    series.weights[k]?.forEach((w, j) => expectNear(w, (grown[j] ?? 0) / total, 1e-12));
  });

  it("drift:x rebalances exactly when some |w − target| exceeds x", () => {
    const series = run({ rebalance: "drift:0.02" });
    expect(series.rebalances.length).to.be.greaterThan(1);
    for (const k of series.rebalances.slice(1)) {
      const worst = Math.max(...k.preWeights.map((w) => Math.abs(w - 1 / n)));
      expect(worst > 0.02).to.equal(true);
    }
    // Between rebalances no weight strays past the threshold at a close.
    const dates = new Set(series.rebalances.map((k) => k.date));
    series.weights.forEach((w, t) => {
      if (dates.has(series.dates[t] ?? "")) return;
      expect(Math.max(...w.map((x) => Math.abs(x - 1 / n))) <= 0.02 + 1e-12).to.equal(true);
    });
  });

  it("vol:b fires when the drifted weights' trailing 21-day volatility exceeds b, and not below it", () => {
    const low = run({ rebalance: "vol:0.05" });
    expect(low.rebalances.length).to.be.greaterThan(1);
    expect(low.rebalances[1]?.reasons).to.deep.equal(["vol:0.05"]);
    expect(codeOf(() => run({ rebalance: "vol:5" }))).to.deep.equal(["POLICY_NEVER_FIRES", "--rebalance"]);
  });

  it("bad input names the option: dates out of range, short window, never-firing policy, missing price", () => {
    expect(codeOf(() => run({ rebalance: "once", from: "2030-01-01" }))).to.deep.equal(["DATE_OUT_OF_RANGE", "--from"]);
    expect(codeOf(() => run({ rebalance: "once", to: "2019-01-01" }))).to.deep.equal(["DATE_OUT_OF_RANGE", "--to"]);
    expect(codeOf(() => run({ rebalance: "once", from: prices.dates[10] }))).to.deep.equal([
      "WINDOW_TOO_SHORT",
      "--from",
    ]);
    expect(codeOf(() => run({ rebalance: "once", lookback: 2 }))).to.deep.equal(["LOOKBACK_TOO_SHORT", "--lookback"]);
    expect(codeOf(() => run({ rebalance: "once", lookback: 401 }))).to.deep.equal(["WINDOW_TOO_SHORT", "--lookback"]);
    expect(
      codeOf(() => run({ rebalance: "calendar:quarterly", from: prices.dates[70], to: prices.dates[100] })),
    ).to.deep.equal(["POLICY_NEVER_FIRES", "--rebalance"]);
    const holed: PriceTable = {
      ...prices,
      rows: prices.rows.map((r, t) => (t === 200 ? [r[0] ?? 0, null, r[2] ?? 0, r[3] ?? 0] : r)),
    };
    expect(codeOf(() => run({ rebalance: "calendar:monthly", prices: holed }))).to.deep.equal([
      "MISSING_PRICE",
      "--prices",
    ]);
  });

  it("an asset enters the universe once it has a full window of prices", () => {
    const late: PriceTable = {
      ...prices,
      rows: prices.rows.map((r, t) => (t < 150 ? [r[0] ?? 0, r[1] ?? 0, r[2] ?? 0, null] : r)),
    };
    const seen: string[][] = [];
    const target: TargetFn = (ctx) => {
      seen.push([ctx.date, ...ctx.universe]);
      return { weights: ctx.universe.map(() => 1 / ctx.universe.length), optimizerMs: 0 };
    };
    const series = run({ rebalance: "calendar:monthly", prices: late, target });
    for (const [date, ...universe] of seen) {
      const t = prices.dates.indexOf(date ?? "");
      expect(universe.includes("D")).to.equal(t - 59 >= 150);
    }
    expect(seen.some((s) => s.includes("D"))).to.equal(true);
    expect(series.weights[0]?.[3]).to.equal(0);
  });

  it("property: NAV stays positive, post-trade weights sum to 1, costs ≥ 0", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom("calendar:weekly", "calendar:monthly+drift:0.03", "drift:0.01", "calendar:0 0 * * 3"),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (seed, rebalance, costBps, coefficient) => {
          const rand = prng(seed);
          const target: TargetFn = (ctx) => {
            const raw = ctx.universe.map(() => rand() + 1e-3);
            const total = raw.reduce((s, x) => s + x, 0);
            return { weights: raw.map((x) => x / total), optimizerMs: 0 };
          };
          const adv = Object.fromEntries(ASSETS.map((a) => [a, 5e6]));
          const series = run({ rebalance, target, costs: { costBps, impact: { coefficient, adv } } });
          for (const v of series.nav) expect(v > 0).to.equal(true);
          for (const k of series.rebalances) {
            expectNear(
              k.targetWeights.reduce((s, w) => s + w, 0),
              1,
              1e-12,
            );
            expect(k.cost >= 0 && k.linearCost >= 0 && k.impactCost >= 0).to.equal(true);
            expectNear(k.navAfter, k.navBefore - k.cost, 1e-6);
          }
          for (const w of series.weights)
            expectNear(
              w.reduce((s, x) => s + x, 0),
              1,
              1e-9,
            );
        },
      ),
      { numRuns: 40 },
    );
  });
});
