import { expect } from "chai";
import fc from "fast-check";
import { bumpFees, capFees, GWEI } from "../../../src/keeper/tx/fees.ts";

describe("keeper/txFees", () => {
  it("caps the fee and keeps the tip under the fee", () => {
    expect(capFees({ maxFeePerGas: 900n * GWEI, maxPriorityFeePerGas: 2n * GWEI }, 500n * GWEI)).to.deep.equal({
      maxFeePerGas: 500n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
    expect(capFees({ maxFeePerGas: 900n, maxPriorityFeePerGas: 800n }, 500n)).to.deep.equal({
      maxFeePerGas: 500n,
      maxPriorityFeePerGas: 500n,
    });
  });

  it("raises both caps by 12.5 % rounded up, and at least to the market", () => {
    const market = { maxFeePerGas: 50n, maxPriorityFeePerGas: 1n };
    expect(bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, market, 1_250, 500n)).to.deep.equal({
      maxFeePerGas: 113n,
      maxPriorityFeePerGas: 12n,
    });
    const hot = { maxFeePerGas: 300n, maxPriorityFeePerGas: 40n };
    expect(bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 10n }, hot, 1_250, 500n)).to.deep.equal(hot);
  });

  it("refuses a bump past the cap", () => {
    expect(
      bumpFees(
        { maxFeePerGas: 450n, maxPriorityFeePerGas: 1n },
        { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
        1_250,
        500n,
      ),
    ).to.equal(null);
  });

  it("always clears a node's +10 % replacement rule on both caps, tip ≤ fee", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 1_250, max: 10_000 }),
        (fee, tipRaw, bps) => {
          const tip = tipRaw > fee ? fee : tipRaw;
          const next = bumpFees(
            { maxFeePerGas: fee, maxPriorityFeePerGas: tip },
            { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
            bps,
            10n ** 15n,
          );
          expect(next).to.not.equal(null);
          expect(next!.maxFeePerGas * 10n >= fee * 11n).to.equal(true);
          expect(next!.maxPriorityFeePerGas * 10n >= tip * 11n).to.equal(true);
          expect(next!.maxPriorityFeePerGas <= next!.maxFeePerGas).to.equal(true);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});
