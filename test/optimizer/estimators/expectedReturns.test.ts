import { expect } from "chai";
import {
  estimateExpectedReturns,
  parsePricesCsv,
  priceTableFromInline,
  returnsFromPrices,
  type ExpectedReturnsSpec,
} from "../../../src/optimizer/estimators/index.ts";
import { expectClose, inputErrorOf } from "./helpers.ts";
import { column, readData, refEwmLast, refReturns } from "./reference.ts";

const stocks = parsePricesCsv(readData("stock_prices.csv"), "stock_prices.csv");
const spy = parsePricesCsv(readData("spy_prices.csv"), "spy_prices.csv");
const daily = { frequency: 252 };

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  return Math.max(...b.map((v, i) => Math.abs((a[i] as number) - v)));
}

// PyPortfolioOpt tests/test_expected_returns.py, test_mean_historical_returns_dummy (first three
// columns: the fourth has negative "prices", which this library rejects).
const dummy = priceTableFromInline({
  columns: ["date", "A", "B", "C"],
  rows: [
    ["2024-01-01", 4.0, 2.0, 0.6],
    ["2024-01-02", 4.2, 2.1, 0.59],
    ["2024-01-03", 3.9, 2.0, 0.58],
    ["2024-01-04", 4.3, 2.1, 0.62],
    ["2024-01-05", 4.1, 2.2, 0.63],
  ],
});

describe("optimizer/estimators/estimateExpectedReturns", () => {
  describe("mean-historical", () => {
    it("matches PyPortfolioOpt's dummy example and the closed form (P_T/P_0)^(f/N) − 1", () => {
      const geometric = estimateExpectedReturns(dummy, { method: "mean-historical" }, { frequency: 1 });
      expect(maxAbsDiff(geometric, [0.0061922, 0.0241137, 0.0122722])).to.be.below(5e-8);
      expectClose(geometric[0], (4.1 / 4.0) ** (1 / 4) - 1, 1e-15);
      const arithmetic = estimateExpectedReturns(
        dummy,
        { method: "mean-historical", compounding: false },
        { frequency: 1 },
      );
      expect(maxAbsDiff(arithmetic, [0.008656, 0.025, 0.0128697])).to.be.below(5e-8);
      expectClose(arithmetic[1], (0.05 - 0.1 / 2.1 + 0.05 + 0.1 / 2.1) / 4, 1e-15);
    });

    it("matches PyPortfolioOpt's published values on stock_prices.csv (test_mean_historical_returns, 6 d.p.)", () => {
      const mu = estimateExpectedReturns(stocks, { method: "mean-historical" }, daily);
      // prettier-ignore
      const published = [0.247967, 0.294304, 0.284037, 0.1923164, 0.371327, 0.1360093, 0.0328503, 0.1200115, 0.10554,
        0.0423457, 0.1002559, 0.1442237, -0.0792602, 0.1430506, 0.0736356, 0.238835, 0.388665, 0.226717, 0.1561701,
        0.2318153];
      expect(maxAbsDiff(mu, published)).to.be.below(1.5e-6);
    });

    it("arithmetic mean × frequency agrees with a reference and scales with the frequency", () => {
      const mu = estimateExpectedReturns(stocks, { method: "mean-historical", compounding: false }, daily);
      const weekly = estimateExpectedReturns(
        stocks,
        { method: "mean-historical", compounding: false },
        { frequency: 52 },
      );
      const ref = refReturns(stocks.rows);
      stocks.columns.forEach((_, j) => {
        const present = column(ref, j).filter((v) => !Number.isNaN(v));
        const expected = (present.reduce((a, b) => a + b, 0) / present.length) * 252;
        expectClose(mu[j], expected, 1e-13);
        expectClose(weekly[j]! / 52, mu[j]! / 252, 1e-15);
      });
    });
  });

  describe("ema-historical", () => {
    it("agrees with the closed-form EWM weights, compounded or not", () => {
      const ref = refReturns(stocks.rows);
      for (const span of [500, 60]) {
        const arithmetic = estimateExpectedReturns(
          stocks,
          { method: "ema-historical", compounding: false, span },
          daily,
        );
        const geometric = estimateExpectedReturns(stocks, { method: "ema-historical", span }, daily);
        stocks.columns.forEach((_, j) => {
          const m = refEwmLast(column(ref, j), span);
          expectClose(arithmetic[j], m * 252, 1e-12);
          expectClose(geometric[j], (1 + m) ** 252 - 1, 1e-12);
        });
      }
    });

    it("tends to the arithmetic mean as the span grows (PyPortfolioOpt test_ema_historical_return_limit)", () => {
      const ema = estimateExpectedReturns(stocks, { method: "ema-historical", compounding: false, span: 1e10 }, daily);
      const sma = estimateExpectedReturns(stocks, { method: "mean-historical", compounding: false }, daily);
      expect(maxAbsDiff(ema, Array.from(sma))).to.be.below(1e-6);
    });

    it("with span 1 returns the last available return", () => {
      const r = returnsFromPrices(dummy);
      const mu = estimateExpectedReturns(
        dummy,
        { method: "ema-historical", compounding: false, span: 1 },
        { frequency: 1 },
      );
      expect(Array.from(mu)).to.deep.equal(Array.from(r.values.subarray(3 * 3, 3 * 4)));
    });
  });

  describe("capm", () => {
    it("matches PyPortfolioOpt's test_capm_no_benchmark (equal-weighted market, rf 0.02)", () => {
      const mu = estimateExpectedReturns(stocks, { method: "capm" }, daily);
      // prettier-ignore
      const published = [0.22148462799238577, 0.2835429647498704, 0.14693081977908462, 0.1488989354304723,
        0.4162399750335195, 0.22716772604184535, 0.3970337136813829, 0.16733214988182069, 0.31791477659742146,
        0.17279931642386534, 0.15271750464365566, 0.351778014382922, 0.32859883451716376, 0.1501938182844417,
        0.268295486802897, 0.31632339201710874, 0.27753479916328516, 0.16959588523287855, 0.3089119447773357,
        0.2558719211959501];
      expect(maxAbsDiff(mu, published)).to.be.below(1e-12);
    });

    it("matches PyPortfolioOpt's test_capm_with_benchmark (SPY joined by date)", () => {
      const mu = estimateExpectedReturns(stocks, { method: "capm" }, { frequency: 252, marketPrices: spy });
      // prettier-ignore
      const published = [0.09115799375654746, 0.09905386632033128, 0.05676282405265752, 0.06291827346436336,
        0.13147799781014877, 0.10239088012000815, 0.1311567086884512, 0.07339649698626659, 0.1301248935078549,
        0.07620949056643983, 0.07629095442513395, 0.12163575425541985, 0.10400070536161658, 0.0781736030988492,
        0.09185177050469516, 0.10245700691271296, 0.11268307946677197, 0.07870087187919145, 0.1275598841214107,
        0.09536788741392595];
      expect(maxAbsDiff(mu, published)).to.be.below(1e-12);
      const arithmetic = estimateExpectedReturns(
        stocks,
        { method: "capm", compounding: false },
        { frequency: 252, marketPrices: spy },
      );
      arithmetic.forEach((v, i) => expect(v).to.be.at.least(mu[i]!));
    });

    it("gives rf + β(E[R_m] − rf) on a hand-computed table", () => {
      // Asset B's returns are exactly twice the market's, A's equal them: β = 1 and 2.
      const prices = priceTableFromInline({
        columns: ["date", "A", "B"],
        rows: [
          ["d0", 100, 100],
          ["d1", 110, 120],
          ["d2", 99, 96],
          ["d3", 108.9, 115.2],
        ],
      });
      const market = priceTableFromInline({
        columns: ["date", "M"],
        rows: [
          ["d0", 1],
          ["d1", 1.1],
          ["d2", 0.99],
          ["d3", 1.089],
        ],
      });
      const mu = estimateExpectedReturns(
        prices,
        { method: "capm", compounding: false, riskFreeRate: 0.01 },
        { frequency: 1, marketPrices: market },
      );
      const em = (0.1 - 0.1 + 0.1) / 3;
      expectClose(mu[0], 0.01 + 1 * (em - 0.01), 1e-14);
      expectClose(mu[1], 0.01 + 2 * (em - 0.01), 1e-14);
    });
  });

  describe("bad input", () => {
    const bad: [string, ExpectedReturnsSpec | unknown, string, string][] = [
      ["unknown method", { method: "median" }, "INPUT_UNKNOWN_CHOICE", "expectedReturns.method"],
      ["not an object", "mean", "INPUT_NOT_OBJECT", "expectedReturns"],
      ["unknown field", { method: "capm", spam: 1 }, "INPUT_UNKNOWN_FIELD", "expectedReturns.spam"],
      ["NaN span", { method: "ema-historical", span: Number.NaN }, "INPUT_NOT_FINITE", "expectedReturns.span"],
      ["span < 1", { method: "ema-historical", span: 0.5 }, "INPUT_OUT_OF_RANGE", "expectedReturns.span"],
      ["span elsewhere", { method: "mean-historical", span: 5 }, "INPUT_UNKNOWN_FIELD", "expectedReturns.span"],
      [
        "rf elsewhere",
        { method: "mean-historical", riskFreeRate: 0 },
        "INPUT_UNKNOWN_FIELD",
        "expectedReturns.riskFreeRate",
      ],
      ["infinite rf", { method: "capm", riskFreeRate: Infinity }, "INPUT_NOT_FINITE", "expectedReturns.riskFreeRate"],
      ["compounding", { method: "capm", compounding: "yes" }, "INPUT_NOT_BOOLEAN", "expectedReturns.compounding"],
    ];
    for (const [name, spec, code, path] of bad) {
      it(`rejects ${name} naming ${path}`, () => {
        const error = inputErrorOf(() => estimateExpectedReturns(dummy, spec as ExpectedReturnsSpec, daily));
        expect([error.code, error.path]).to.deep.equal([code, path]);
      });
    }

    it("rejects a bad frequency", () => {
      for (const frequency of [0, -1, Number.NaN, Infinity]) {
        const error = inputErrorOf(() => estimateExpectedReturns(dummy, { method: "mean-historical" }, { frequency }));
        expect(error.path).to.equal("frequency");
      }
    });

    it("names an asset with too few returns", () => {
      const prices = priceTableFromInline(
        {
          columns: ["date", "A", "NEW"],
          rows: [
            ["d0", 1, null],
            ["d1", 2, null],
            ["d2", 3, 5],
            ["d3", 4, 6],
          ],
        },
        "prices",
      );
      const error = inputErrorOf(() => estimateExpectedReturns(prices, { method: "mean-historical" }, daily));
      expect(error.code).to.equal("TOO_FEW_OBSERVATIONS");
      expect(error.path).to.equal("prices");
      expect(error.message).to.contain("asset NEW has 1 return");
    });

    it("rejects a benchmark with several columns, no common dates or no variance", () => {
      const two = priceTableFromInline(
        {
          columns: ["date", "X", "Y"],
          rows: [
            ["2024-01-01", 1, 1],
            ["2024-01-02", 2, 2],
          ],
        },
        "benchmarkPrices",
      );
      const e1 = inputErrorOf(() =>
        estimateExpectedReturns(dummy, { method: "capm" }, { frequency: 252, marketPrices: two }),
      );
      expect([e1.code, e1.path]).to.deep.equal(["BENCHMARK_COLUMNS", "benchmarkPrices"]);
      const elsewhere = priceTableFromInline(
        {
          columns: ["date", "M"],
          rows: [
            ["2020-01-01", 1],
            ["2020-01-02", 2],
            ["2020-01-03", 3],
          ],
        },
        "benchmarkPrices",
      );
      const e2 = inputErrorOf(() =>
        estimateExpectedReturns(dummy, { method: "capm" }, { frequency: 252, marketPrices: elsewhere }),
      );
      expect([e2.code, e2.path]).to.deep.equal(["TOO_FEW_OBSERVATIONS", "benchmarkPrices"]);
      const flat = priceTableFromInline({
        columns: ["date", "M"],
        rows: dummy.dates.map((d) => [d, 5]),
      });
      const e3 = inputErrorOf(() =>
        estimateExpectedReturns(dummy, { method: "capm" }, { frequency: 252, marketPrices: flat }),
      );
      expect(e3.code).to.equal("MARKET_ZERO_VARIANCE");
    });
  });
});
