import { expect } from "chai";
import fc from "fast-check";
import { priceToWad, WAD, weightsToWad } from "../../src/protocol/fixedPoint.ts";
import { expectInputError, expectNear } from "../helpers/expect.ts";

describe("keeper/wad", () => {
  describe("weightsToWad", () => {
    it("sums to exactly 1e18 and gives the flooring loss to the largest remainders", () => {
      expect(weightsToWad([1 / 3, 1 / 3, 1 / 3])).to.deep.equal([
        333_333_333_333_333_334n,
        333_333_333_333_333_333n,
        333_333_333_333_333_333n,
      ]);
      expect(weightsToWad([0.125, 0.875, 0])).to.deep.equal([125n * 10n ** 15n, 875n * 10n ** 15n, 0n]);
      // Solver round-off below zero is zero; a real short is refused.
      expect(weightsToWad([0.5, 0.5, -3e-17])).to.deep.equal([5n * 10n ** 17n, 5n * 10n ** 17n, 0n]);
      expectInputError(() => weightsToWad([0.6, 0.5, -0.1]), "WEIGHT_INVALID", "targetWeights[2]");
    });

    it("sums to 1e18 for any weights summing to 1, keeping zeros at zero", () => {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 12 }), (raw) => {
          const total = raw.reduce((a, b) => a + b, 0);
          fc.pre(total > 0);
          const w = raw.map((x) => x / total);
          const wad = weightsToWad(w);
          expect(wad.reduce((a, b) => a + b, 0n)).to.equal(WAD);
          wad.forEach((x, i) => {
            if (w[i] === 0) expect(x).to.equal(0n);
            expectNear(Number(x) / 1e18, w[i]!, 1e-12);
          });
        }),
        { seed: 8, numRuns: 200 },
      );
    });
  });

  describe("priceToWad", () => {
    it("scales oracle answers of any precision to 1e18 fixed point", () => {
      expect(priceToWad(300_012_345_678n, 8)).to.equal(3_000_123_456_780_000_000_000n);
      expect(priceToWad(WAD, 18)).to.equal(WAD);
      expect(priceToWad(123_456n, 20)).to.equal(1_234n);
      expectInputError(() => priceToWad(0n, 8), "PRICE_INVALID", "answer");
      expectInputError(() => priceToWad(1n, -1), "DECIMALS_INVALID", "decimals");
    });
  });
});
