import { expect } from "chai";
import { InfeasibleError } from "../../../src/errors.ts";
import { greedyAllocation, integerAllocation } from "../../../src/optimizer/allocation/allocate.ts";
import { belowMinTrade, formatUnits, unitsForValue } from "../../../src/optimizer/allocation/baseUnits.ts";
import type { AllocateParameters } from "../../../src/optimizer/allocation/types.ts";
import { expectInputError, expectNear } from "../../helpers/expect.ts";

const WAD = 10n ** 18n;
const base: AllocateParameters = {
  assets: ["WETH", "USDC"],
  weights: [0.5, 0.5],
  prices: { WETH: 3000, USDC: 1 },
  nav: 10_000,
};

describe("optimizer/allocation: base units, minimum trade and bad input", () => {
  it("rounds a value down to base units, the keeper's rule", () => {
    expect(unitsForValue(1_000n * WAD, 3_000n * WAD, 10n ** 18n)).to.equal(333_333_333_333_333_333n);
    expect(unitsForValue(1_000n * WAD, 172n * WAD, 1n)).to.equal(5n);
    expect(belowMinTrade(10n * WAD, 10n * WAD)).to.equal(false);
    expect(formatUnits(1_500_000n, 6)).to.equal("1.5");
    expect(formatUnits(7n, 0)).to.equal("7");
  });

  it("buys 18- and 6-decimal tokens in base units: 5 000 USD of WETH at 3 000 is 1.666… WETH", () => {
    const r = greedyAllocation({ ...base, decimals: { WETH: 18, USDC: 6 } });
    expect(r.allocation[0]?.units).to.equal("1666666666666666666");
    expect(r.allocation[0]?.amount).to.equal("1.666666666666666666");
    expect(r.allocation[1]?.units).to.equal("5000000000");
    expect(r.spent).to.be.at.most(10_000);
    expectNear(r.leftover, 0, 1e-9);
  });

  it("reports a spend of exactly NAV as NAV, never the double above it (6 322.23 at 0.005 a unit)", () => {
    const r = greedyAllocation({
      assets: ["T0"],
      weights: [1],
      prices: { T0: 0.5 },
      decimals: { T0: 2 },
      nav: 6322.23,
    });
    expect(r.allocation[0]?.units).to.equal("1264446");
    expect(r.spent).to.equal(6322.23);
    expect(r.leftover).to.equal(0);
  });

  it("whole tokens without decimals: 1 WETH and 5 000 USDC, 2 000 left as PyPortfolioOpt's greedy leaves it", () => {
    // Round 2: WETH is under target (0.375 < 0.5) but costs 3 000 > 2 000; USDC is over (0.625).
    const r = greedyAllocation(base);
    expect(r.allocation.map((a) => a.units)).to.deep.equal(["1", "5000"]);
    expectNear(r.leftover, 2_000, 1e-9);
  });

  it("holds nothing below the minimum trade (1 % target worth 100, minTrade 150)", async () => {
    const p: AllocateParameters = {
      assets: ["A", "B"],
      weights: [0.99, 0.01],
      prices: { A: 1, B: 1 },
      nav: 10_000,
      decimals: { A: 2, B: 2 },
      minTrade: 150,
    };
    // Greedy floors B to 0 and cannot afford the 150 minimum from the 100 left.
    const g = greedyAllocation(p);
    expect(g.allocation.map((a) => a.units)).to.deep.equal(["990000", "0"]);
    // The optimum holds B at exactly the minimum and trims A: |9 900 − 9 850| + |100 − 150| = 100 < 200.
    const i = await integerAllocation(p);
    expect(i.allocation.map((a) => a.units)).to.deep.equal(["985000", "15000"]);
    expectNear(i.objective, 100, 1e-9);
    expectNear(g.objective, 200, 1e-9);
  });

  it("keeps the minimum trade when the integer answer is trimmed back under NAV", async () => {
    // Found by the property test: trimming one lot once left T2 at 13.41 < 25.
    const r = await integerAllocation({
      assets: ["T0", "T1", "T2"],
      weights: [0.40186915887850466, 0.4485981308411215, 0.14953271028037382],
      prices: { T0: 4.6890799, T1: 1649.0588, T2: 1340.7306 },
      decimals: { T0: 18, T1: 18, T2: 2 },
      nav: 121.95,
      minTrade: 25,
    });
    expect(r.spent).to.be.at.most(121.95);
    for (const a of r.allocation) if (a.units !== "0") expect(a.value).to.be.at.least(25);
  });

  it("the integer method can spend exactly NAV (bounds in exact integers, not ⌊1 / share⌋)", async () => {
    const r = await integerAllocation({ assets: ["T0"], weights: [1], prices: { T0: 0.5 }, nav: 32484.5 });
    expect(r.allocation[0]?.units).to.equal("64969");
    expect(r.leftover).to.equal(0);
  });

  it("names the bad field (exit 2)", () => {
    expectInputError(() => greedyAllocation({ ...base, weights: [-0.1, 1.1] }), "WEIGHT_NEGATIVE", "weights[0]");
    expectInputError(() => greedyAllocation({ ...base, weights: [NaN, 1] }), "INPUT_NOT_FINITE", "weights[0]");
    expectInputError(() => greedyAllocation({ ...base, prices: { WETH: 3000 } }), "PRICE_MISSING", "prices.USDC");
    expectInputError(
      () => greedyAllocation({ ...base, prices: { WETH: 0, USDC: 1 } }),
      "PRICE_NOT_POSITIVE",
      "prices.WETH",
    );
    expectInputError(
      () => greedyAllocation({ ...base, prices: { WETH: NaN, USDC: 1 } }),
      "INPUT_NOT_FINITE",
      "prices.WETH",
    );
    expectInputError(() => greedyAllocation({ ...base, nav: 0 }), "NAV_NOT_POSITIVE", "nav");
    expectInputError(() => greedyAllocation({ ...base, decimals: { USDC: 1.5 } }), "DECIMALS_INVALID", "decimals.USDC");
    expectInputError(() => greedyAllocation({ ...base, minTrade: -1 }), "MIN_TRADE_NEGATIVE", "minTrade");
    expectInputError(() => greedyAllocation({ ...base, weights: [1] }), "WEIGHTS_LENGTH", "weights");
  });

  it("refuses when nothing is affordable (exit 3)", async () => {
    const p: AllocateParameters = { assets: ["GOOG"], weights: [1], prices: { GOOG: 1019.97 }, nav: 500 };
    expect(() => greedyAllocation(p)).to.throw(InfeasibleError, /nothing is bought/);
    let refused: unknown;
    await integerAllocation(p).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(InfeasibleError);
  });
});
