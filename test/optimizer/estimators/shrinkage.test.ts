import { expect } from "chai";
import { Matrix, solve } from "ml-matrix";
import {
  estimateCovariance,
  estimateExpectedReturns,
  parsePricesCsv,
  priceTableFromInline,
} from "../../../src/optimizer/estimators/index.ts";
import { expectClose } from "./helpers.ts";
import {
  flat,
  maxRelDiff,
  readData,
  refConstantCorrelation,
  refReturns,
  refSingleFactor,
  refSklearnLedoitWolf,
  refSklearnOas,
  zeroFilledCentred,
} from "./reference.ts";

const stocks = parsePricesCsv(readData("stock_prices.csv"), "stock_prices.csv");
const stockReturns = refReturns(stocks.rows);
const daily = { frequency: 252 };
const n = stocks.columns.length;

function annualised(rows: number[][] | Matrix): number[] {
  return flat(rows).map((v) => v * 252);
}

// Ledoit-Wolf and OAS against scikit-learn's formulas, as PyPortfolioOpt computes them.
describe("optimizer/estimators/shrinkage", () => {
  describe("missing returns set to 0, as PyPortfolioOpt", () => {
    const xc = zeroFilledCentred(stockReturns);

    it("ledoit-wolf constant-variance equals scikit-learn's ledoit_wolf transcribed", () => {
      const ours = estimateCovariance(stocks, { method: "ledoit-wolf" }, daily);
      const ref = refSklearnLedoitWolf(xc);
      expectClose(ours.shrinkage, ref.shrinkage, 1e-12);
      expect(maxRelDiff(ours.matrix.data, annualised(ref.cov))).to.be.below(1e-10);
    });

    it("ledoit-wolf single-factor equals PyPortfolioOpt's numpy code transcribed", () => {
      const ours = estimateCovariance(stocks, { method: "ledoit-wolf", target: "single-factor" }, daily);
      const ref = refSingleFactor(stockReturns);
      expect(ref.shrinkage).to.be.within(1e-3, 0.999);
      expectClose(ours.shrinkage, ref.shrinkage, 1e-10);
      expect(maxRelDiff(ours.matrix.data, annualised(ref.cov))).to.be.below(1e-10);
    });

    it("ledoit-wolf constant-correlation equals PyPortfolioOpt's numpy code transcribed", () => {
      const ours = estimateCovariance(stocks, { method: "ledoit-wolf", target: "constant-correlation" }, daily);
      const ref = refConstantCorrelation(stockReturns);
      expect(ref.shrinkage).to.be.within(1e-3, 0.999);
      expectClose(ours.shrinkage, ref.shrinkage, 1e-10);
      expect(maxRelDiff(ours.matrix.data, annualised(ref.cov))).to.be.below(1e-10);
    });

    it("oracle-approximating equals scikit-learn's oas transcribed", () => {
      const ours = estimateCovariance(stocks, { method: "oracle-approximating" }, daily);
      const ref = refSklearnOas(xc);
      expectClose(ours.shrinkage, ref.shrinkage, 1e-12);
      expect(maxRelDiff(ours.matrix.data, annualised(ref.cov))).to.be.below(1e-10);
    });

    it("reproduces PyPortfolioOpt's test_bl_returns_all_views (EMA prior, Ledoit-Wolf Σ, 8 d.p.)", () => {
      // That test predates compounding in ema_historical_return: its prior is the arithmetic EMA × 252.
      const pi = estimateExpectedReturns(stocks, { method: "ema-historical", compounding: false }, daily);
      const sigma = estimateCovariance(stocks, { method: "ledoit-wolf" }, daily).matrix.data;
      const tau = 0.05;
      // Views Q = 0.1 on every asset, P = I, Ω = τ·diag(Σ): μ = π + τΣ(τΣ + Ω)⁻¹(Q − π).
      const a = new Matrix(n, n);
      const b = new Matrix(n, 1);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) a.set(i, j, tau * sigma[i * n + j]! * (i === j ? 2 : 1));
        b.set(i, 0, 0.1 - pi[i]!);
      }
      const x = solve(a, b);
      // prettier-ignore
      const published = [0.11774473, 0.1709139, 0.12180833, 0.21202423, 0.28120945, -0.2787358, 0.17274774,
        0.12714698, 0.25492005, 0.11229777, 0.07182723, -0.01521839, -0.21235465, 0.06399515, -0.11738365, 0.28865661,
        0.23828607, 0.12038049, 0.2331218, 0.10485376];
      published.forEach((expected, i) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += tau * sigma[i * n + j]! * x.get(j, 0);
        expectClose(pi[i]! + s, expected, 1.5e-8);
      });
    });

    it("shrinks all the way on one date too few: a single asset keeps its variance", () => {
      const prices = priceTableFromInline({
        columns: ["date", "A"],
        rows: [
          ["d0", 1],
          ["d1", 2],
          ["d2", 1],
          ["d3", 2],
        ],
      });
      for (const method of ["ledoit-wolf", "oracle-approximating"] as const) {
        const { matrix, shrinkage } = estimateCovariance(prices, { method }, { frequency: 1 });
        // returns 1, −0.5, 1: mean 0.5, biased variance 0.5.
        expectClose(matrix.data[0], 0.5, 1e-15);
        expect(shrinkage).to.equal(0);
      }
    });
  });
});
