import { expect } from "chai";
import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import {
  estimateCovariance,
  estimateExpectedReturns,
  isPsd,
  marketImpliedRiskAversion,
  parsePricesCsv,
  priceTableFromInline,
  type CovarianceSpec,
  type PriceTable,
} from "../../../src/optimizer/estimators/index.ts";
import { expectClose, inputErrorOf } from "./helpers.ts";
import { flat, maxRelDiff, readData, refExpCov, refPairwiseCov, refReturns, refSemicov } from "./reference.ts";

const stocks = parsePricesCsv(readData("stock_prices.csv"), "stock_prices.csv");
const spy = parsePricesCsv(readData("spy_prices.csv"), "spy_prices.csv");
const stockReturns = refReturns(stocks.rows);
const daily = { frequency: 252 };
const n = stocks.columns.length;

function annualised(rows: number[][] | Matrix): number[] {
  return flat(rows).map((v) => v * 252);
}

const ALL_SPECS: readonly CovarianceSpec[] = [
  { method: "sample" },
  { method: "semicovariance" },
  { method: "exp" },
  { method: "exp", span: 20 },
  { method: "ledoit-wolf" },
  { method: "ledoit-wolf", target: "single-factor" },
  { method: "ledoit-wolf", target: "constant-correlation" },
  { method: "oracle-approximating" },
];

describe("optimizer/estimators/estimateCovariance", () => {
  describe("sample", () => {
    it("matches PyPortfolioOpt's test_sample_cov_dummy", () => {
      const prices = priceTableFromInline({
        columns: ["date", "A", "B", "C"],
        rows: [
          ["d0", 4.0, 2.0, 0.6],
          ["d1", 4.2, 2.1, 0.59],
          ["d2", 3.9, 2.0, 0.58],
          ["d3", 4.3, 2.1, 0.62],
          ["d4", 4.1, 2.2, 0.63],
        ],
      });
      const { matrix, warnings } = estimateCovariance(prices, { method: "sample" }, daily);
      const published = [
        [0.006661687937656102, 0.00264970955585574, 0.0020849735375206195],
        [0.00264970955585574, 0.0023450491307634215, 0.00096770864287974],
        [0.0020849735375206195, 0.00096770864287974, 0.0016396416271856837],
      ];
      expect(warnings).to.deep.equal([]);
      expect(
        maxRelDiff(
          Array.from(matrix.data, (v) => v / 252),
          published.flat(),
        ),
      ).to.be.below(1e-14);
    });

    it("equals pandas' pairwise-complete covariance (Welford reference) on stock_prices.csv", () => {
      const { matrix, warnings } = estimateCovariance(stocks, { method: "sample" }, daily);
      expect(warnings).to.deep.equal([]);
      expect(maxRelDiff(matrix.data, annualised(refPairwiseCov(stockReturns)))).to.be.below(1e-11);
    });

    it("reproduces PyPortfolioOpt's test_min_volatility_short to full precision (closed form w ∝ Σ⁻¹1)", () => {
      // Unconstrained minimum variance with Σw = 1: w = Σ⁻¹1 / 1ᵀΣ⁻¹1, σ² = 1 / 1ᵀΣ⁻¹1; with the
      // mean-historical μ, PyPortfolioOpt prints (0.1516319319875544, 0.1555915367269669, 0.8460095886741129).
      const { matrix } = estimateCovariance(stocks, { method: "sample" }, daily);
      const mu = estimateExpectedReturns(stocks, { method: "mean-historical" }, daily);
      const a = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, matrix.data[i * n + j]!);
      const x = solve(a, Matrix.ones(n, 1)).to1DArray();
      const total = x.reduce((s, v) => s + v, 0);
      const ret = x.reduce((s, v, i) => s + (v / total) * mu[i]!, 0);
      const vol = Math.sqrt(1 / total);
      expectClose(ret, 0.1516319319875544, 1e-13);
      expectClose(vol, 0.1555915367269669, 1e-13);
      expectClose((ret - 0.02) / vol, 0.8460095886741129, 1e-12);
    });

    it("reproduces PyPortfolioOpt's test_market_implied_prior: Π = δΣw + 0.02 (8 d.p.)", () => {
      const { matrix } = estimateCovariance(stocks, { method: "sample" }, daily);
      const delta = marketImpliedRiskAversion(spy, { frequency: 252, riskFreeRate: 0.02 });
      // prettier-ignore
      const caps: Record<string, number> = { GOOG: 927e9, AAPL: 1.19e12, FB: 574e9, BABA: 533e9, AMZN: 867e9,
        GE: 96e9, AMD: 43e9, WMT: 339e9, BAC: 301e9, GM: 51e9, T: 61e9, UAA: 78e9, SHLD: 0, XOM: 295e9, RRC: 1e9,
        BBY: 22e9, MA: 288e9, PFE: 212e9, JPM: 422e9, SBUX: 102e9 };
      const w = stocks.columns.map((c) => caps[c]!);
      const total = w.reduce((a, b) => a + b, 0);
      // prettier-ignore
      const published = [0.14933293, 0.2168623, 0.11219185, 0.10362374, 0.28416295, 0.12196098, 0.19036819,
        0.08860159, 0.17724273, 0.08779627, 0.0791797, 0.16460474, 0.12854665, 0.08657863, 0.11230036, 0.13875465,
        0.15017163, 0.09066484, 0.1696369, 0.13270213];
      published.forEach((expected, i) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += matrix.data[i * n + j]! * (w[j]! / total);
        expectClose(delta * s + 0.02, expected, 1.5e-8);
      });
    });
  });

  describe("semicovariance", () => {
    it("equals (1/T) DᵀD with D = min(r − B, 0), missing as 0, default B = 0.000079", () => {
      const { matrix } = estimateCovariance(stocks, { method: "semicovariance" }, daily);
      expect(maxRelDiff(matrix.data, annualised(refSemicov(stockReturns, 0.000079)))).to.be.below(1e-12);
      const zero = estimateCovariance(stocks, { method: "semicovariance", benchmark: 0 }, daily);
      expect(maxRelDiff(zero.matrix.data, annualised(refSemicov(stockReturns, 0)))).to.be.below(1e-12);
    });

    it("is zero for a very negative benchmark and grows with the benchmark (PyPortfolioOpt test)", () => {
      const low = estimateCovariance(stocks, { method: "semicovariance", benchmark: -0.5 }, daily);
      expect(Math.max(...Array.from(low.matrix.data, Math.abs))).to.be.below(1e-4);
      const sum = (spec: CovarianceSpec): number =>
        estimateCovariance(stocks, spec, daily).matrix.data.reduce((a, b) => a + b, 0);
      expect(sum({ method: "semicovariance", benchmark: 1 })).to.be.above(
        sum({ method: "semicovariance", benchmark: 0 }),
      );
    });
  });

  describe("exp", () => {
    it("equals the closed-form EWM of centred cross-products (spans 180 and 30)", () => {
      for (const span of [180, 30]) {
        const { matrix, warnings } = estimateCovariance(stocks, { method: "exp", span }, daily);
        expect(warnings).to.deep.equal([]);
        expect(maxRelDiff(matrix.data, annualised(refExpCov(stockReturns, span)))).to.be.below(1e-10);
      }
    });

    it("tends to the sample covariance as the span grows (PyPortfolioOpt test_exp_cov_limits)", () => {
      const sample = estimateCovariance(stocks, { method: "sample" }, daily).matrix.data;
      const wide = estimateCovariance(stocks, { method: "exp", span: 1e20 }, daily).matrix.data;
      let worst = 0;
      sample.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - wide[k]!))));
      expect(worst).to.be.below(1e-3);
    });
  });

  describe("PSD repair", () => {
    it("clips a pairwise-complete sample covariance that is not PSD, with a warning", () => {
      // B overlaps A and C on disjoint dates with opposite co-movements, so the pairwise entries
      // cannot come from one joint distribution.
      const prices = priceTableFromInline({
        columns: ["date", "A", "B", "C"],
        rows: [
          ["d0", 100, 100, null],
          ["d1", 110, 110, null],
          ["d2", 99, 99, null],
          ["d3", 108.9, 108.9, null],
          ["d4", null, 98.01, 100],
          ["d5", null, 107.811, 110],
          ["d6", 100, 97.03, 99],
          ["d7", 90, 106.733, 108.9],
          ["d8", 99, 96.06, 98.01],
        ],
      });
      const { matrix, warnings } = estimateCovariance(prices, { method: "sample" }, { frequency: 1 });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(
        /^covariance: covariance was not positive semidefinite: clipped 1 negative eigenvalue \(most negative -/,
      );
      expect(isPsd(matrix)).to.equal(true);
    });
  });

  describe("properties", () => {
    const priceTables = fc
      .record({
        n: fc.integer({ min: 1, max: 4 }),
        t: fc.integer({ min: 6, max: 25 }),
        seed: fc.array(fc.double({ min: -0.08, max: 0.08, noNaN: true }), { minLength: 100, maxLength: 100 }),
        lead: fc.integer({ min: 0, max: 3 }),
      })
      .map(({ n: assets, t, seed, lead }): PriceTable => {
        const level = Array.from({ length: assets }, () => 100);
        const rows = Array.from({ length: t }, (_, r) => {
          const common = seed[r % seed.length]!;
          return [
            `d${String(r).padStart(3, "0")}`,
            ...level.map((p, j) => {
              // The alternating term keeps every asset's variance positive whatever the draws.
              const own = seed[(r * 7 + j * 13) % seed.length]! + (r % 2 === 0 ? 0.002 : -0.002) * (j + 1);
              level[j] = p * (1 + common * (j + 1) * 0.5 + own);
              // The last asset lists late, so missing-value paths are exercised.
              return j === assets - 1 && assets > 1 && r < lead ? null : level[j]!;
            }),
          ];
        });
        return priceTableFromInline({ columns: ["date", ...Array.from({ length: assets }, (_, j) => `A${j}`)], rows });
      });

    it("every estimate is symmetric and PSD; shrinkage intensities lie in [0, 1]", () => {
      fc.assert(
        fc.property(priceTables, (prices) => {
          for (const spec of ALL_SPECS) {
            const { matrix, shrinkage } = estimateCovariance(prices, spec, daily);
            const m = matrix.n;
            for (let i = 0; i < m; i++)
              for (let j = 0; j < m; j++) expect(matrix.data[i * m + j]).to.equal(matrix.data[j * m + i]);
            expect(isPsd(matrix, 1e-9), JSON.stringify(spec)).to.equal(true);
            if (shrinkage !== undefined) expect(shrinkage).to.be.within(0, 1);
          }
        }),
        { seed: 7, numRuns: 60 },
      );
    });

    it("scaling an asset's prices leaves every estimate unchanged", () => {
      fc.assert(
        fc.property(priceTables, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (prices, scale) => {
          const scaled: PriceTable = {
            ...prices,
            rows: prices.rows.map((row) => row.map((p, j) => (j === 0 && p !== null ? p * scale : p))),
          };
          for (const spec of ALL_SPECS) {
            const a = estimateCovariance(prices, spec, daily).matrix.data;
            const b = estimateCovariance(scaled, spec, daily).matrix.data;
            const top = Math.max(...Array.from(a, Math.abs));
            a.forEach((v, k) => expect(Math.abs(v - b[k]!)).to.be.at.most(1e-9 * top + 1e-15));
          }
        }),
        { seed: 11, numRuns: 40 },
      );
    });
  });

  describe("bad input", () => {
    const small = priceTableFromInline({
      columns: ["date", "A", "B"],
      rows: [
        ["d0", 1, 2],
        ["d1", 1.1, 2.1],
        ["d2", 1.05, 2.3],
        ["d3", 1.2, 2.2],
      ],
    });
    const bad: [string, unknown, string, string][] = [
      ["unknown method", { method: "robust" }, "INPUT_UNKNOWN_CHOICE", "covariance.method"],
      ["not an object", [], "INPUT_NOT_OBJECT", "covariance"],
      ["unknown field", { method: "sample", spam: 1 }, "INPUT_UNKNOWN_FIELD", "covariance.spam"],
      ["unknown target", { method: "ledoit-wolf", target: "identity" }, "INPUT_UNKNOWN_CHOICE", "covariance.target"],
      ["target elsewhere", { method: "sample", target: "single-factor" }, "INPUT_UNKNOWN_FIELD", "covariance.target"],
      ["span elsewhere", { method: "sample", span: 10 }, "INPUT_UNKNOWN_FIELD", "covariance.span"],
      ["benchmark elsewhere", { method: "exp", benchmark: 0 }, "INPUT_UNKNOWN_FIELD", "covariance.benchmark"],
      ["NaN span", { method: "exp", span: Number.NaN }, "INPUT_NOT_FINITE", "covariance.span"],
      ["span < 1", { method: "exp", span: 0 }, "INPUT_OUT_OF_RANGE", "covariance.span"],
      [
        "infinite benchmark",
        { method: "semicovariance", benchmark: -Infinity },
        "INPUT_NOT_FINITE",
        "covariance.benchmark",
      ],
    ];
    for (const [name, spec, code, path] of bad) {
      it(`rejects ${name} naming ${path}`, () => {
        const error = inputErrorOf(() => estimateCovariance(small, spec as CovarianceSpec, daily));
        expect([error.code, error.path]).to.deep.equal([code, path]);
      });
    }

    it("rejects a bad frequency", () => {
      const error = inputErrorOf(() => estimateCovariance(small, { method: "sample" }, { frequency: Number.NaN }));
      expect([error.code, error.path]).to.deep.equal(["INPUT_NOT_FINITE", "frequency"]);
    });

    it("names an asset with too few returns, and a pair without common dates", () => {
      const lonely = priceTableFromInline({
        columns: ["date", "A", "B"],
        rows: [
          ["d0", 1, null],
          ["d1", 2, null],
          ["d2", 3, 1],
          ["d3", 4, 2],
        ],
      });
      for (const spec of ALL_SPECS) {
        const error = inputErrorOf(() => estimateCovariance(lonely, spec, daily));
        expect(error.code).to.equal("TOO_FEW_OBSERVATIONS");
        expect(error.message).to.contain("asset B has 1 return");
      }
      const disjoint = priceTableFromInline({
        columns: ["date", "A", "B"],
        rows: [
          ["d0", 1, null],
          ["d1", 2, null],
          ["d2", 3, null],
          ["d3", null, 1],
          ["d4", null, 2],
          ["d5", null, 3],
        ],
      });
      const error = inputErrorOf(() => estimateCovariance(disjoint, { method: "sample" }, daily));
      expect(error.code).to.equal("TOO_FEW_OBSERVATIONS");
      expect(error.message).to.contain("assets A and B have 0 returns on common dates");
    });

    it("names a constant-price asset under the constant-correlation target", () => {
      const flatPrices = priceTableFromInline({
        columns: ["date", "A", "FLAT"],
        rows: [
          ["d0", 1, 5],
          ["d1", 2, 5],
          ["d2", 1.5, 5],
          ["d3", 1.7, 5],
        ],
      });
      const error = inputErrorOf(() =>
        estimateCovariance(flatPrices, { method: "ledoit-wolf", target: "constant-correlation" }, daily),
      );
      expect([error.code, error.path]).to.deep.equal(["ZERO_VARIANCE", "covariance"]);
      expect(error.message).to.contain("asset FLAT has zero variance");
      const allFlat = priceTableFromInline({ columns: ["date", "A"], rows: flatPrices.dates.map((d) => [d, 3]) });
      const e2 = inputErrorOf(() =>
        estimateCovariance(allFlat, { method: "ledoit-wolf", target: "single-factor" }, daily),
      );
      expect([e2.code, e2.path]).to.deep.equal(["MARKET_ZERO_VARIANCE", "covariance"]);
      // Constant prices are otherwise legitimate: a zero row and column.
      expect(Array.from(estimateCovariance(allFlat, { method: "sample" }, daily).matrix.data)).to.deep.equal([0]);
    });
  });
});
