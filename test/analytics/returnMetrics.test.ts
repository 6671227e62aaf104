import { expect } from "chai";
import { expectClose } from "./expectClose.ts";
import fc from "fast-check";
import {
  beta,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  trackingError,
  volatility,
} from "../../src/analytics/returnMetrics.ts";
import { inputErrorOf as errorOf } from "../helpers/expect.ts";

const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);

// Quarterly returns used by several hand computations below (frequency 4):
//   r = [0.01, 0.02, −0.01, 0.03], mean 0.0125,
//   deviations −0.0025, 0.0075, −0.0225, 0.0175, squares sum 8.75e-4, sample variance 8.75e-4 / 3.
const r = f64(0.01, 0.02, -0.01, 0.03);
const sampleSd = Math.sqrt(8.75e-4 / 3);

describe("analytics/returnMetrics", () => {
  it("volatility: sample sd annualised by √frequency", () => {
    expectClose(volatility(r, { frequency: 4 }), sampleSd * 2, 1e-15);
    // [0.01, −0.01]: mean 0, variance (1e-4 + 1e-4) / 1 = 2e-4.
    expectClose(volatility(f64(0.01, -0.01)), Math.sqrt(2e-4 * 252), 1e-15);
  });

  it("tracking error: annualised sd of active returns", () => {
    // active = [0.01, −0.01] → sd √2e-4 = 0.0141421…
    expectClose(trackingError(f64(0.02, 0), f64(0.01, 0.01), { frequency: 1 }), Math.sqrt(2e-4), 1e-15);
    expectClose(trackingError(f64(0.02, 0), f64(0.01, 0.01)), Math.sqrt(2e-4 * 252), 1e-15);
    // A constant active return is no tracking error.
    expectClose(trackingError(f64(0.02, 0.03, 0.01), f64(0.01, 0.02, 0.0)), 0, 1e-15);
  });

  it("Sharpe: (mean − rf/f) / sd · √f, the PyPortfolioOpt/empyrical convention", () => {
    // rf 4 % a year = 1 % a quarter: (0.0125 − 0.01) / sd · √4
    expectClose(sharpeRatio(r, { riskFreeRate: 0.04, frequency: 4 }), (0.0025 / sampleSd) * 2, 1e-12);
    // PyPortfolioOpt form: (μ·f − rf) / (σ·√f) with the default rf 2 % and 252 periods.
    const annualMean = 0.0125 * 252;
    const annualSd = sampleSd * Math.sqrt(252);
    expectClose(sharpeRatio(r), (annualMean - 0.02) / annualSd, 1e-12);
    expect(sharpeRatio(f64(0.01, 0.01, 0.01))).to.be.NaN;
  });

  it("Sortino: downside deviation over all periods (empyrical)", () => {
    // target 0: shortfall only −0.01 → DD = √(1e-4 / 4 · 4) = 0.01; mean·f = 0.05 → 5
    expectClose(sortinoRatio(r, { frequency: 4 }), 5, 1e-12);
    // target 4 % a year = 1 % a quarter: a = [0, 0.01, −0.02, 0.02], DD = √(4e-4 / 4 · 4) = 0.02,
    // mean(a)·f = 0.0025 · 4 = 0.01 → 0.5
    expectClose(sortinoRatio(r, { frequency: 4, targetReturn: 0.04 }), 0.5, 1e-12);
    // Daily: [0.02, −0.01]: DD = √(1e-4 / 2 · 252), mean·f = 0.005 · 252
    expectClose(sortinoRatio(f64(0.02, -0.01)), (0.005 * 252) / Math.sqrt((1e-4 / 2) * 252), 1e-12);
    expect(sortinoRatio(f64(0.01, 0.02))).to.be.NaN; // never below target
  });

  it("beta: cov / var against the benchmark", () => {
    const b = f64(0.01, -0.02, 0.03, 0.0);
    const scaled = b.map((x) => 2 * x + 0.001);
    expectClose(beta(scaled, b), 2, 1e-12);
    // Uncorrelated by construction: r ⟂ b around their means → β = 0.
    expectClose(
      beta(
        f64(1, -1, -1, 1).map((x) => x * 0.01),
        f64(1, 1, -1, -1).map((x) => x * 0.01),
      ),
      0,
      1e-15,
    );
    expect(beta(r, f64(0.01, 0.01, 0.01, 0.01))).to.be.NaN;
  });

  it("max drawdown: largest fall of wealth from its running peak, the start counting as a peak", () => {
    expectClose(maxDrawdown(f64(0.1, -0.5, 0.2)), 0.5, 1e-15); // 1 → 1.1 → 0.55 → 0.66
    expectClose(maxDrawdown(f64(-0.2, 0.5, -0.5)), 0.5, 1e-15); // 0.8 (0.2), 1.2, 0.6 (0.5)
    expectClose(maxDrawdown(f64(-0.1)), 0.1, 1e-15);
    expect(maxDrawdown(f64(0.01, 0.02))).to.equal(0);
    expect(maxDrawdown(f64(0.5, -1))).to.equal(1);
    // Two drawdowns, the second deeper: 1.2 → 0.96 (0.2), then 1.44 → 0.72 (0.5)
    expectClose(maxDrawdown(f64(0.2, -0.2, 0.5, -0.5)), 0.5, 1e-15);
  });

  it("rejects bad series with the offending entry", () => {
    expect(errorOf(() => volatility(f64(0.01))).code).to.equal("SERIES_TOO_SHORT");
    const nan = errorOf(() => sharpeRatio(f64(0.01, Number.NaN)));
    expect([nan.code, nan.path]).to.deep.equal(["INPUT_NOT_FINITE", "returns[1]"]);
    const low = errorOf(() => maxDrawdown(f64(0.1, -1.5)));
    expect([low.code, low.path]).to.deep.equal(["RETURN_BELOW_MINUS_ONE", "returns[1]"]);
    const len = errorOf(() => beta(f64(0.01, 0.02, 0.03), f64(0.01, 0.02)));
    expect([len.code, len.path]).to.deep.equal(["SERIES_LENGTH_MISMATCH", "benchmark"]);
    expect(errorOf(() => volatility(f64(0.01, 0.02), { frequency: 0 })).path).to.equal("frequency");
    expect(errorOf(() => sharpeRatio(r, { riskFreeRate: Number.NaN })).path).to.equal("riskFreeRate");
    expect(errorOf(() => volatility([0.01, 0.02] as unknown as Float64Array)).code).to.equal("SERIES_NOT_FLOAT64");
  });

  describe("properties", () => {
    const returnsArb = (min = 2): fc.Arbitrary<Float64Array> =>
      fc
        .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: min, maxLength: 60 })
        .map((xs) => Float64Array.from(xs));

    it("max drawdown lies in [0, 1]", () => {
      fc.assert(
        fc.property(returnsArb(1), (x) => {
          const mdd = maxDrawdown(x);
          return mdd >= 0 && mdd <= 1;
        }),
        { seed: 8, numRuns: 300 },
      );
    });

    it("tracking error is ≥ 0 and 0 against itself", () => {
      fc.assert(
        fc.property(returnsArb(), returnsArb(), (a, b) => {
          const n = Math.min(a.length, b.length);
          return trackingError(a.subarray(0, n), b.subarray(0, n)) >= 0 && trackingError(a, a) === 0;
        }),
        { seed: 9, numRuns: 300 },
      );
    });

    it("beta of a series against itself is 1", () => {
      fc.assert(
        fc.property(
          returnsArb().filter((x) => volatility(x) > 1e-6),
          (x) => Math.abs(beta(x, x) - 1) < 1e-12,
        ),
        { seed: 10, numRuns: 300 },
      );
    });

    it("Sharpe (rf = 0) and Sortino (target 0) do not change when returns are scaled by c > 0", () => {
      fc.assert(
        fc.property(
          // Returns on a 1 bp grid: subnormal doubles would underflow to 0 when scaled.
          fc
            .array(fc.integer({ min: -9999, max: 9999 }), { minLength: 2, maxLength: 60 })
            .map((xs) => Float64Array.from(xs, (v) => v / 1e4))
            .filter((x) => volatility(x) > 1e-6 && x.some((v) => v < 0)),
          fc.double({ min: 0.1, max: 0.99, noNaN: true }),
          (x, c) => {
            const y = x.map((v) => v * c);
            const s = sharpeRatio(x, { riskFreeRate: 0 });
            const t = sortinoRatio(x);
            return (
              Math.abs(sharpeRatio(y, { riskFreeRate: 0 }) - s) <= 1e-9 * Math.max(1, Math.abs(s)) &&
              Math.abs(sortinoRatio(y) - t) <= 1e-9 * Math.max(1, Math.abs(t))
            );
          },
        ),
        { seed: 11, numRuns: 200 },
      );
    });
  });
});
