import { expect } from "chai";
import { expectClose } from "./expectClose.ts";
import fc from "fast-check";
import { legSlippage, p95, percentile, settlementLatency } from "../../src/analytics/executionMetrics.ts";
import { inputErrorOf as errorOf } from "../helpers/expect.ts";

const usd = (dollars: bigint, decimals = 8): { answer: bigint; decimals: number } => ({
  answer: dollars * 10n ** BigInt(decimals),
  decimals,
});

describe("analytics/executionMetrics", () => {
  it("percentile: nearest rank and linear, on the textbook sample", () => {
    // Wikipedia "Percentile": {15, 20, 35, 40, 50}; nearest rank ⌈p/100 · 5⌉.
    const x = Float64Array.of(50, 15, 40, 20, 35); // unsorted on purpose
    expect(percentile(x, 5)).to.equal(15); // ⌈0.25⌉ = 1
    expect(percentile(x, 30)).to.equal(20); // ⌈1.5⌉ = 2
    expect(percentile(x, 40)).to.equal(20); // ⌈2⌉ = 2
    expect(percentile(x, 50)).to.equal(35); // ⌈2.5⌉ = 3
    expect(percentile(x, 100)).to.equal(50);
    expect(percentile(x, 0)).to.equal(15);
    // Linear (numpy): h = 4 · 0.4 = 1.6 → 20 + 0.6 · (35 − 20) = 29
    expectClose(percentile(x, 40, "linear"), 29, 1e-12);
    expect(percentile(x, 100, "linear")).to.equal(50);
    expect(Array.from(x)).to.deep.equal([50, 15, 40, 20, 35]); // input untouched
  });

  it("p95 is the nearest-rank 95th percentile", () => {
    expect(p95(Float64Array.from({ length: 100 }, (_, i) => i + 1))).to.equal(95);
    expect(p95(Float64Array.from({ length: 20 }, (_, i) => i + 1))).to.equal(19); // ⌈19⌉
    expect(p95(Float64Array.of(7))).to.equal(7);
    expect(errorOf(() => p95(new Float64Array(0))).code).to.equal("SERIES_TOO_SHORT");
    expect(errorOf(() => percentile(Float64Array.of(1), 101)).path).to.equal("p");
  });

  it("property: nearest rank returns a sample value, monotone in p", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, p, q) => {
          const x = Float64Array.from(xs);
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          return xs.includes(percentile(x, lo)) && percentile(x, lo) <= percentile(x, hi);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it("slippage: exact bigint arithmetic across token and feed decimals", () => {
    // Sell 1 WETH (18 dp) at $2000 for USDC (6 dp) at $1: expect 2000 USDC, receive 1990 → 50 bps.
    const weth = legSlippage({
      amountIn: 10n ** 18n,
      amountOut: 1_990_000_000n,
      decimalsIn: 18,
      decimalsOut: 6,
      priceIn: usd(2000n),
      priceOut: usd(1n),
    });
    expect(weth.expectedOut).to.equal(2_000_000_000n);
    expect(weth.bps).to.equal(50);
    // The other way, with an 18-decimal feed on one side: sell 2000 USDC, expect 1 WETH, get 0.999 → 10 bps.
    const back = legSlippage({
      amountIn: 2_000_000_000n,
      amountOut: 999n * 10n ** 15n,
      decimalsIn: 6,
      decimalsOut: 18,
      priceIn: usd(1n, 18),
      priceOut: usd(2000n),
    });
    expect(back.expectedOut).to.equal(10n ** 18n);
    expect(back.bps).to.equal(10);
    // Receiving more than the oracle implies is negative slippage (price improvement).
    const better = legSlippage({
      amountIn: 10n ** 18n,
      amountOut: 2_001_000_000n,
      decimalsIn: 18,
      decimalsOut: 6,
      priceIn: usd(2000n),
      priceOut: usd(1n),
    });
    expect(better.bps).to.equal(-5);
    // Amounts far beyond 2^53 keep full precision: 1e30 base units, 1 unit short → 1e-26 relative.
    const huge = legSlippage({
      amountIn: 10n ** 30n,
      amountOut: 10n ** 30n - 10n ** 24n,
      decimalsIn: 18,
      decimalsOut: 18,
      priceIn: usd(3n),
      priceOut: usd(3n),
    });
    expectClose(huge.bps, 0.01, 1e-12); // 1e24 / 1e30 = 1e-6 = 0.01 bps
  });

  it("slippage rejects non-positive amounts and prices and bad decimals", () => {
    const leg = { amountIn: 1n, amountOut: 1n, decimalsIn: 18, decimalsOut: 6, priceIn: usd(1n), priceOut: usd(1n) };
    expect(errorOf(() => legSlippage({ ...leg, amountIn: 0n })).path).to.equal("amountIn");
    expect(errorOf(() => legSlippage({ ...leg, amountOut: -1n })).path).to.equal("amountOut");
    expect(errorOf(() => legSlippage({ ...leg, priceOut: { answer: 0n, decimals: 8 } })).path).to.equal(
      "priceOut.answer",
    );
    expect(errorOf(() => legSlippage({ ...leg, decimalsIn: 1.5 })).path).to.equal("decimalsIn");
    expect(errorOf(() => legSlippage({ ...leg, amountIn: 5 as unknown as bigint })).code).to.equal(
      "AMOUNT_NOT_POSITIVE",
    );
  });

  it("settlement latency in seconds and blocks", () => {
    expect(
      settlementLatency({
        issuedAt: 1_700_000_000n,
        issuedBlock: 100n,
        finalizedAt: 1_700_000_036n,
        finalizedBlock: 103n,
      }),
    ).to.deep.equal({ seconds: 36, blocks: 3 });
    expect(settlementLatency({ issuedAt: 10, issuedBlock: 5, finalizedAt: 10, finalizedBlock: 5 })).to.deep.equal({
      seconds: 0,
      blocks: 0,
    });
    expect(
      errorOf(() => settlementLatency({ issuedAt: 10n, issuedBlock: 5n, finalizedAt: 9n, finalizedBlock: 6n })).path,
    ).to.equal("finalizedAt");
    expect(
      errorOf(() => settlementLatency({ issuedAt: 10n, issuedBlock: 5n, finalizedAt: 11n, finalizedBlock: 4n })).path,
    ).to.equal("finalizedBlock");
    expect(
      errorOf(() => settlementLatency({ issuedAt: 1.5, issuedBlock: 5, finalizedAt: 2, finalizedBlock: 6 })).path,
    ).to.equal("issuedAt");
  });
});
