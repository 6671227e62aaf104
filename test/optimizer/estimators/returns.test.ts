import { expect } from "chai";
import { expectClose } from "./helpers.ts";
import fc from "fast-check";
import { parsePricesCsv, priceTableFromInline, returnsFromPrices } from "../../../src/optimizer/estimators/index.ts";
import { inputErrorOf } from "./helpers.ts";
import { readData, refReturns } from "./reference.ts";

describe("optimizer/estimators/returnsFromPrices", () => {
  it("follows pct_change(fill_method=None).dropna(how='all') around gaps", () => {
    const prices = priceTableFromInline({
      columns: ["date", "A", "B"],
      rows: [
        ["d0", null, 10],
        ["d1", null, null],
        ["d2", 2, 11],
        ["d3", 3, 11],
        ["d4", null, 22],
        ["d5", 6, 44],
      ],
    });
    const r = returnsFromPrices(prices);
    // d1 (both missing) and d2 (no previous price for either) carry no return and are dropped.
    expect(r.dates).to.deep.equal(["d3", "d4", "d5"]);
    expect(Array.from(r.values)).to.deep.equal([0.5, 0, Number.NaN, 1, Number.NaN, 1]);
  });

  it("gives log returns ln(1 + r)", () => {
    const prices = priceTableFromInline({
      columns: ["date", "A"],
      rows: [
        ["d0", 1],
        ["d1", Math.E],
      ],
    });
    expectClose(returnsFromPrices(prices, { log: true }).values[0], 1, 1e-15);
  });

  it("matches an independent reference on stock_prices.csv (7125 returns, as PyPortfolioOpt's test)", () => {
    const prices = parsePricesCsv(readData("stock_prices.csv"));
    const r = returnsFromPrices(prices);
    expect(r.t).to.equal(7125);
    const ref = refReturns(prices.rows);
    expect(ref.length).to.equal(7125);
    expect(Array.from(r.values)).to.deep.equal(ref.flat());
    // PyPortfolioOpt test_log_returns_from_prices: last SBUX log return.
    const log = returnsFromPrices(prices, { log: true });
    expectClose(log.values[log.values.length - 1], 0.0001682740081102576, 1e-16);
  });

  it("rejects hand-built tables that bypass the parsers: bad prices, ragged rows", () => {
    const base = { dates: ["d0", "d1"], columns: ["A"], source: "prices" };
    for (const bad of [0, -1, Number.NaN, Infinity]) {
      const error = inputErrorOf(() => returnsFromPrices({ ...base, rows: [[1], [bad]] }));
      expect([error.code, error.path]).to.deep.equal(["PRICES_NOT_POSITIVE", "prices"]);
      expect(error.message).to.contain("column A");
    }
    const ragged = inputErrorOf(() => returnsFromPrices({ ...base, rows: [[1], [1, 2]] }));
    expect(ragged.code).to.equal("PRICES_RAGGED");
  });

  it("is unchanged when an asset's prices are all scaled by the same factor (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (steps, scale) => {
          let p = 100;
          const rows = steps.map((s, t) => {
            p *= s;
            return [`d${t}`, p, p * scale];
          });
          const r = returnsFromPrices(priceTableFromInline({ columns: ["date", "A", "B"], rows }));
          for (let k = 0; k < r.t; k++) {
            const a = r.values[2 * k]!;
            const b = r.values[2 * k + 1]!;
            expect(Math.abs(a - b)).to.be.at.most(1e-12 * Math.max(1, Math.abs(a)));
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
