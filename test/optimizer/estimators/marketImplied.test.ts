import { expect } from "chai";
import {
  marketImpliedRiskAversion,
  parsePricesCsv,
  priceTableFromInline,
} from "../../../src/optimizer/estimators/index.ts";
import { expectClose, inputErrorOf } from "./helpers.ts";
import { readData } from "./reference.ts";

describe("optimizer/estimators/marketImpliedRiskAversion", () => {
  it("matches PyPortfolioOpt's test_market_risk_aversion on SPY: 2.68549 (rf 0.02)", () => {
    const spy = parsePricesCsv(readData("spy_prices.csv"), "spy_prices.csv");
    expect(Math.round(marketImpliedRiskAversion(spy) * 1e5) / 1e5).to.equal(2.68549);
  });

  it("is (mean·f − rf) / (var·f) on a hand-computed series", () => {
    // Returns 0.1, −0.1, 0.2: mean 0.0667, sample variance 0.023333.
    const prices = priceTableFromInline({
      columns: ["date", "M"],
      rows: [
        ["d0", 100],
        ["d1", 110],
        ["d2", 99],
        ["d3", 118.8],
      ],
    });
    const mean = 0.2 / 3;
    const variance = ((0.1 - mean) ** 2 + (-0.1 - mean) ** 2 + (0.2 - mean) ** 2) / 2;
    const delta = marketImpliedRiskAversion(prices, { frequency: 12, riskFreeRate: 0.03 });
    expectClose(delta, (mean * 12 - 0.03) / (variance * 12), 1e-12);
  });

  it("rejects a table with several columns, too few returns, no variance or a bad rate", () => {
    const two = priceTableFromInline(
      {
        columns: ["date", "X", "Y"],
        rows: [
          ["d0", 1, 1],
          ["d1", 2, 2],
        ],
      },
      "benchmarkPrices",
    );
    expect(inputErrorOf(() => marketImpliedRiskAversion(two)).code).to.equal("BENCHMARK_COLUMNS");
    const short = priceTableFromInline({
      columns: ["date", "M"],
      rows: [
        ["d0", 1],
        ["d1", 2],
      ],
    });
    expect(inputErrorOf(() => marketImpliedRiskAversion(short)).code).to.equal("TOO_FEW_OBSERVATIONS");
    const flat = priceTableFromInline({
      columns: ["date", "M"],
      rows: [
        ["d0", 1],
        ["d1", 1],
        ["d2", 1],
      ],
    });
    expect(inputErrorOf(() => marketImpliedRiskAversion(flat)).code).to.equal("MARKET_ZERO_VARIANCE");
    const rate = inputErrorOf(() => marketImpliedRiskAversion(short, { riskFreeRate: Number.NaN }));
    expect([rate.code, rate.path]).to.deep.equal(["INPUT_NOT_FINITE", "riskFreeRate"]);
    const freq = inputErrorOf(() => marketImpliedRiskAversion(short, { frequency: -1 }));
    expect([freq.code, freq.path]).to.deep.equal(["INPUT_OUT_OF_RANGE", "frequency"]);
  });
});
