import { expect } from "chai";
import fc from "fast-check";
import type { Address } from "viem";
import { planLegs, type Holding, type PlanLegsParameters } from "../../../src/keeper/legs/planLegs.ts";
import { BPS, WAD } from "../../../src/protocol/fixedPoint.ts";
import { expectInputError, expectNear } from "../../helpers/expect.ts";

const USDC: Address = "0x00000000000000000000000000000000000000C0";
const WBTC: Address = "0x00000000000000000000000000000000000000B8";
const WETH: Address = "0x00000000000000000000000000000000000000E1";
const TOKA: Address = "0x00000000000000000000000000000000000000AA";
const ROUTER: Address = "0x0000000000000000000000000000000000000F00";
const usd = (x: bigint): bigint => x * WAD;

function params(overrides: Partial<PlanLegsParameters>): PlanLegsParameters {
  return {
    holdings: [],
    prices: [],
    targetWeights: [],
    baseToken: USDC,
    venue: () => ROUTER,
    minTradeValueUsd: usd(10n),
    maxSlippageBps: 50,
    ...overrides,
  };
}

describe("keeper/planLegs", () => {
  describe("hand-worked examples (mixed 6/8/18 decimals)", () => {
    // 10 000 USDC, 0.5 WBTC at 60 000, 4 WETH at 3 000: NAV 52 000 USD.
    // Targets 12.5 / 37.5 / 50 %: 6 500 / 19 500 / 26 000 USD.
    const holdings: Holding[] = [
      { token: USDC, symbol: "USDC", decimals: 6, balance: 10_000_000_000n },
      { token: WBTC, symbol: "WBTC", decimals: 8, balance: 50_000_000n },
      { token: WETH, symbol: "WETH", decimals: 18, balance: 4n * WAD },
    ];
    const prices = [usd(1n), usd(60_000n), usd(3_000n)];

    it("sells the overweight asset into the base, then buys the underweight one", () => {
      // 14 000 USDC of buys exceed the 10 000 held: let them spend the sell's proceeds too.
      const plan = planLegs(params({ holdings, prices, targetWeights: [0.125, 0.375, 0.5], fundBuysFromSells: true }));
      expect(plan.navUsd).to.equal(usd(52_000n));
      expect(plan.targetWeightsWad).to.deep.equal([125n * 10n ** 15n, 375n * 10n ** 15n, 500n * 10n ** 15n]);
      expect(plan.legs).to.deep.equal([
        // 10 500 USD of WBTC = 0.175 WBTC; ≥ 10 500 × 0.995 = 10 447.5 USDC.
        { sellToken: WBTC, buyToken: USDC, amountIn: 17_500_000n, minAmountOut: 10_447_500_000n, venue: ROUTER },
        // 14 000 USDC for 4.6̅ WETH; ≥ 4.6̅ × 0.995 = 4.64333… WETH, rounded down to the wei.
        {
          sellToken: USDC,
          buyToken: WETH,
          amountIn: 14_000_000_000n,
          minAmountOut: 4_643_333_333_333_333_333n,
          venue: ROUTER,
        },
      ]);
      expect(plan.skipped).to.deep.equal([]);
      expect(plan.baseFunding).to.deep.equal({ available: 20_447_500_000n, spent: 14_000_000_000n });
      expect(plan.expectedBalances).to.deep.equal([6_500_000_000n, 32_500_000n, 8_666_666_666_666_666_666n]);
      expect(plan.worstCaseBalances).to.deep.equal([6_447_500_000n, 32_500_000n, 8_643_333_333_333_333_333n]);
      expectNear(plan.currentWeights[1]!, 30_000 / 52_000, 1e-15);
      plan.expectedWeights.forEach((w, i) => expectNear(w, [0.125, 0.375, 0.5][i]!, 1e-15));
    });

    it("with fundBuysFromSells: false, funds buys only from the base balance the vault holds (the RFQ path)", () => {
      // 0 USDC: the sell of 500 TOKA goes ahead, the WBTC buy waits for the next rebalance.
      const plan = planLegs(
        params({
          fundBuysFromSells: false,
          holdings: [
            { token: USDC, symbol: "USDC", decimals: 6, balance: 0n },
            { token: TOKA, symbol: "TOKA", decimals: 18, balance: 1_000n * WAD },
            { token: WBTC, symbol: "WBTC", decimals: 8, balance: 0n },
          ],
          prices: [usd(1n), usd(2n), usd(50_000n)],
          targetWeights: [0, 0.5, 0.5],
          maxSlippageBps: 100,
        }),
      );
      expect(plan.legs).to.deep.equal([
        { sellToken: TOKA, buyToken: USDC, amountIn: 500n * WAD, minAmountOut: 990_000_000n, venue: ROUTER },
      ]);
      expect(plan.baseFunding).to.deep.equal({ available: 0n, spent: 0n });
      expect(plan.skipped.map((t) => t.code)).to.include("FUNDING_LIMIT");
    });

    it("by default, shrinks the buys to the base balance plus the sells' guaranteed proceeds (a rotation)", () => {
      // 0 USDC, 1 000 TOKA at 2 USD, 0 WBTC at 50 000: sell 500 TOKA (1 000 USD) for ≥ 990 USDC at
      // 100 bps, want 1 000 USDC of WBTC, can fund only 990.
      const plan = planLegs(
        params({
          holdings: [
            { token: USDC, symbol: "USDC", decimals: 6, balance: 0n },
            { token: TOKA, symbol: "TOKA", decimals: 18, balance: 1_000n * WAD },
            { token: WBTC, symbol: "WBTC", decimals: 8, balance: 0n },
          ],
          prices: [usd(1n), usd(2n), usd(50_000n)],
          targetWeights: [0, 0.5, 0.5],
          maxSlippageBps: 100,
        }),
      );
      expect(plan.legs).to.deep.equal([
        { sellToken: TOKA, buyToken: USDC, amountIn: 500n * WAD, minAmountOut: 990_000_000n, venue: ROUTER },
        // 990 USDC = 0.0198 WBTC at the oracle; ≥ 0.019602 WBTC.
        { sellToken: USDC, buyToken: WBTC, amountIn: 990_000_000n, minAmountOut: 1_960_200n, venue: ROUTER },
      ]);
      expect(plan.baseFunding).to.deep.equal({ available: 990_000_000n, spent: 990_000_000n });
      expect(plan.worstCaseBalances[0]).to.equal(0n);
    });

    it("skips trades below the minimum size with a reason, and sells a zero-target position in full", () => {
      const plan = planLegs(
        params({
          holdings: [
            { token: USDC, symbol: "USDC", decimals: 6, balance: 1_000_000_000n },
            // 0.00010001 WBTC at 60 000 = 6.0006 USD: below the 10 USD minimum.
            { token: WBTC, symbol: "WBTC", decimals: 8, balance: 10_001n },
            // 1 WETH + 1 wei of dust: the zero target sells all of it.
            { token: WETH, symbol: "WETH", decimals: 18, balance: WAD + 1n },
          ],
          prices: [usd(1n), usd(60_000n), usd(3_000n)],
          targetWeights: [1, 0, 0],
        }),
      );
      expect(plan.legs).to.have.length(1);
      expect(plan.legs[0]).to.include({ sellToken: WETH, amountIn: WAD + 1n, minAmountOut: 2_985_000_000n });
      expect(plan.skipped).to.deep.equal([
        {
          token: WBTC,
          symbol: "WBTC",
          side: "sell",
          code: "BELOW_MIN_TRADE",
          valueUsd: 6_000_600_000_000_000_000n,
          reason: "sell of 6.00 USD is below the minimum 10.00 USD",
        },
      ]);
    });

    it("drops a buy the funding limit pushes below the minimum and gives its share to the others", () => {
      // 100 USDC, targets want 500 USD of WETH and 20 USD of WBTC: scaled pro rata the WBTC buy is
      // 3.85 USD (< 10), so it is dropped and WETH gets all 100 USDC.
      const plan = planLegs(
        params({
          holdings: [
            { token: USDC, symbol: "USDC", decimals: 6, balance: 100_000_000n },
            { token: WBTC, symbol: "WBTC", decimals: 8, balance: 0n },
            { token: WETH, symbol: "WETH", decimals: 18, balance: 0n },
            { token: TOKA, symbol: "TOKA", decimals: 18, balance: 420n * WAD },
          ],
          prices: [usd(1n), usd(60_000n), usd(3_000n), usd(1n)],
          // NAV 520: WBTC 20 USD, WETH 500 USD, TOKA held but excluded.
          targetWeights: [0, 20 / 520, 500 / 520, 0],
          exclude: [TOKA],
        }),
      );
      expect(plan.legs).to.have.length(1);
      expect(plan.legs[0]).to.include({ sellToken: USDC, buyToken: WETH, amountIn: 100_000_000n });
      expect(plan.skipped.map((s) => [s.symbol, s.side, s.code])).to.deep.equal([
        ["TOKA", "sell", "EXCLUDED"],
        ["WBTC", "buy", "FUNDING_LIMIT"],
      ]);
      expect(plan.baseFunding.spent).to.equal(100_000_000n);
    });

    it("makes no trade when the portfolio is already at target", () => {
      const plan = planLegs(params({ holdings, prices, targetWeights: [10 / 52, 30 / 52, 12 / 52] }));
      expect(plan.legs).to.deep.equal([]);
      expect(plan.skipped).to.deep.equal([]);
    });

    it("asks the venue function for each pair", () => {
      const seen: string[] = [];
      planLegs(
        params({
          holdings,
          prices,
          targetWeights: [0.125, 0.375, 0.5],
          venue: (sell, buy) => {
            seen.push(`${sell}>${buy}`);
            return ROUTER;
          },
        }),
      );
      expect(seen).to.deep.equal([`${WBTC}>${USDC}`, `${USDC}>${WETH}`]);
    });
  });

  describe("input validation names the field", () => {
    const holdings: Holding[] = [
      { token: USDC, symbol: "USDC", decimals: 6, balance: 1n },
      { token: WETH, symbol: "WETH", decimals: 18, balance: 1n },
    ];
    const ok = params({ holdings, prices: [WAD, WAD], targetWeights: [0.5, 0.5] });
    it("length mismatch", () =>
      expectInputError(() => planLegs({ ...ok, prices: [WAD] }), "LENGTH_MISMATCH", "prices"));
    it("non-positive price", () =>
      expectInputError(() => planLegs({ ...ok, prices: [WAD, 0n] }), "PRICE_INVALID", "prices[1]"));
    it("NaN weight", () =>
      expectInputError(
        () => planLegs({ ...ok, targetWeights: [Number.NaN, 1] }),
        "WEIGHT_INVALID",
        "targetWeights[0]",
      ));
    it("weights not summing to 1", () =>
      expectInputError(() => planLegs({ ...ok, targetWeights: [0.5, 0.6] }), "WEIGHTS_SUM", "targetWeights"));
    it("base token not held", () =>
      expectInputError(() => planLegs({ ...ok, baseToken: WBTC }), "BASE_NOT_HELD", "baseToken"));
    it("duplicate token", () =>
      expectInputError(
        () => planLegs({ ...ok, holdings: [holdings[0]!, { ...holdings[1]!, token: USDC }] }),
        "TOKEN_DUPLICATE",
        "holdings[1].token",
      ));
    it("bad decimals", () =>
      expectInputError(
        () => planLegs({ ...ok, holdings: [holdings[0]!, { ...holdings[1]!, decimals: 18.5 }] }),
        "DECIMALS_INVALID",
        "holdings[1].decimals",
      ));
    it("negative balance", () =>
      expectInputError(
        () => planLegs({ ...ok, holdings: [holdings[0]!, { ...holdings[1]!, balance: -1n }] }),
        "BALANCE_NEGATIVE",
        "holdings[1].balance",
      ));
    it("slippage out of range", () =>
      expectInputError(() => planLegs({ ...ok, maxSlippageBps: 10_000 }), "SLIPPAGE_INVALID", "maxSlippageBps"));
    it("excluding the base token", () =>
      expectInputError(() => planLegs({ ...ok, exclude: [USDC] }), "EXCLUDE_BASE", "exclude[0]"));
    it("venue that is not an address", () =>
      expectInputError(
        () =>
          planLegs({
            ...ok,
            holdings: [holdings[0]!, { ...holdings[1]!, balance: 100n * WAD }],
            venue: () => "0x1234" as Address,
          }),
        "VENUE_INVALID",
        "legs[0].venue",
      ));
  });

  describe("properties", () => {
    const DECIMALS = [0, 6, 8, 18] as const;
    const TOKENS: Address[] = Array.from(
      { length: 6 },
      (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address,
    );
    const asset = fc.record({
      decimals: fc.constantFrom(...DECIMALS),
      // Whole tokens up to 1e6 plus a fractional part.
      whole: fc.bigInt({ min: 0n, max: 1_000_000n }),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
      // 1e-6 … 1e6 USD per whole token.
      price: fc.bigInt({ min: 10n ** 12n, max: 10n ** 24n }),
      weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
    });
    const portfolio = fc.record({
      assets: fc.array(asset, { minLength: 2, maxLength: 6 }),
      baseIndex: fc.nat(),
      bps: fc.integer({ min: 0, max: 2_000 }),
      minTrade: fc.bigInt({ min: 0n, max: 1_000n * WAD }),
    });

    type Generated = typeof portfolio extends fc.Arbitrary<infer T> ? T : never;
    function build(p: Generated): PlanLegsParameters {
      const holdings: Holding[] = p.assets.map((a, i) => {
        const scale = 10n ** BigInt(a.decimals);
        return {
          token: TOKENS[i]!,
          symbol: `T${i}`,
          decimals: a.decimals,
          balance: a.whole * scale + BigInt(Math.floor(a.frac * Number(scale))),
        };
      });
      const total = p.assets.reduce((s, a) => s + a.weight, 0);
      const targetWeights = p.assets.map((a, i) => (total === 0 ? (i === 0 ? 1 : 0) : a.weight / total));
      return params({
        holdings,
        prices: p.assets.map((a) => a.price),
        targetWeights,
        baseToken: TOKENS[p.baseIndex % p.assets.length]!,
        minTradeValueUsd: p.minTrade,
        maxSlippageBps: p.bps,
      });
    }

    const l1 = (a: readonly number[], b: readonly number[]): number =>
      a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0);

    it("legs are positive, at least the minimum size, sells before buys, and buys never outspend the funding", () => {
      fc.assert(
        fc.property(portfolio, (p) => {
          const input = build(p);
          const plan = planLegs(input);
          const index = (t: Address): number => input.holdings.findIndex((h) => h.token === t);
          const baseIdx = index(input.baseToken);
          const base = input.holdings[baseIdx]!;
          let seenBuy = false;
          let spent = 0n;
          for (const leg of plan.legs) {
            expect(leg.amountIn > 0n && leg.minAmountOut > 0n).to.equal(true);
            const i = index(leg.sellToken);
            const j = index(leg.buyToken);
            const valueIn = (leg.amountIn * input.prices[i]!) / 10n ** BigInt(input.holdings[i]!.decimals);
            expect(valueIn >= input.minTradeValueUsd).to.equal(true);
            // minAmountOut is the oracle output less the slippage budget, rounded down.
            const oracleScaled =
              leg.amountIn * input.prices[i]! * 10n ** BigInt(input.holdings[j]!.decimals) * (BPS - BigInt(p.bps));
            const denominator = 10n ** BigInt(input.holdings[i]!.decimals) * input.prices[j]! * BPS;
            expect(leg.minAmountOut).to.equal(oracleScaled / denominator);
            if (leg.buyToken === base.token) {
              expect(seenBuy, "a sell after a buy").to.equal(false);
              expect(leg.amountIn <= input.holdings[i]!.balance).to.equal(true);
            } else {
              expect(leg.sellToken).to.equal(base.token);
              seenBuy = true;
              spent += leg.amountIn;
            }
          }
          // Buys spend at most the base the vault holds plus the sells' guaranteed proceeds, which the
          // atomic path has delivered by the time the buys run.
          const proceeds = plan.legs.filter((l) => l.buyToken === base.token).reduce((a, l) => a + l.minAmountOut, 0n);
          expect(spent <= base.balance + proceeds).to.equal(true);
          expect(plan.baseFunding).to.deep.equal({ available: base.balance + proceeds, spent });
          for (const b of [...plan.expectedBalances, ...plan.worstCaseBalances]) expect(b >= 0n).to.equal(true);
          for (const s of plan.skipped) expect(s.valueUsd >= 0n).to.equal(true);
        }),
        { seed: 81, numRuns: 300 },
      );
    });

    it("post-trade weights are no farther from the targets than before (L1)", () => {
      fc.assert(
        fc.property(portfolio, (p) => {
          const input = build(p);
          const plan = planLegs(input);
          fc.pre(plan.navUsd > 10n ** 12n);
          const target = plan.targetWeightsWad.map((w) => Number(w) / 1e18);
          const before = l1(plan.currentWeights, target);
          const after = l1(plan.expectedWeights, target);
          expect(after <= before + 1e-9, `L1 ${before} → ${after}`).to.equal(true);
        }),
        { seed: 82, numRuns: 300 },
      );
    });

    it("moves every traded asset toward its target without overshooting it", () => {
      fc.assert(
        fc.property(portfolio, (p) => {
          const input = build(p);
          const plan = planLegs(input);
          const baseIdx = input.holdings.findIndex((h) => h.token === input.baseToken);
          input.holdings.forEach((h, i) => {
            if (i === baseIdx) return;
            const scale = 10n ** BigInt(h.decimals);
            const target = (plan.navUsd * plan.targetWeightsWad[i]!) / WAD;
            const before = (h.balance * input.prices[i]!) / scale - target;
            for (const balance of [plan.expectedBalances[i]!, plan.worstCaseBalances[i]!]) {
              const after = (balance * input.prices[i]!) / scale - target;
              // Same side of the target (or on it), and no farther away; a zero target may sell dust.
              expect(
                after === 0n || before === 0n || after < 0n === before < 0n || plan.targetWeightsWad[i] === 0n,
              ).to.equal(true);
              expect((after < 0n ? -after : after) <= (before < 0n ? -before : before)).to.equal(true);
            }
          });
        }),
        { seed: 84, numRuns: 300 },
      );
    });

    it("makes no trade when the weights already equal the targets", () => {
      fc.assert(
        fc.property(portfolio, (p) => {
          const input = build(p);
          const values = input.holdings.map((h, i) => (h.balance * input.prices[i]!) / 10n ** BigInt(h.decimals));
          const nav = values.reduce((a, b) => a + b, 0n);
          fc.pre(nav > 0n);
          const current = values.map((v) => Number((v * WAD) / nav) / 1e18);
          const sum = current.reduce((a, b) => a + b, 0);
          const plan = planLegs({
            ...input,
            targetWeights: current.map((w) => w / sum),
            minTradeValueUsd: WAD + input.minTradeValueUsd,
          });
          expect(plan.legs).to.deep.equal([]);
        }),
        { seed: 83, numRuns: 300 },
      );
    });
  });
});
