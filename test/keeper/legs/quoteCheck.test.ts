import { expect } from "chai";
import type { Address } from "viem";
import type { Leg } from "../../../src/keeper/legs/planLegs.ts";
import { quoteCheck } from "../../../src/keeper/legs/quoteCheck.ts";
import { WAD } from "../../../src/protocol/fixedPoint.ts";
import { expectInputError } from "../../helpers/expect.ts";

const USDC: Address = "0x00000000000000000000000000000000000000C0";
const WETH: Address = "0x00000000000000000000000000000000000000E1";
const ROUTER: Address = "0x0000000000000000000000000000000000000F00";

describe("keeper/quoteCheck", () => {
  const leg = (minAmountOut: bigint): Leg => ({
    sellToken: WETH,
    buyToken: USDC,
    amountIn: WAD,
    minAmountOut,
    venue: ROUTER,
  });

  it("flags the legs a venue would fill below minAmountOut, with the shortfall in bps", () => {
    const result = quoteCheck([leg(1_000n), leg(1_000n), leg(3n)], [1_000n, 990n, 2n]);
    expect(result.ok).to.equal(false);
    expect(result.flagged.map((f) => [f.index, f.shortfall, f.shortfallBps])).to.deep.equal([
      [1, 10n, 100n],
      [2, 1n, 3334n],
    ]);
  });

  it("passes when every quote meets its limit", () => {
    expect(quoteCheck([leg(5n)], [5n])).to.deep.equal({ ok: true, flagged: [] });
  });

  it("rejects a quote list of the wrong length", () =>
    expectInputError(() => quoteCheck([leg(1n)], []), "QUOTES_LENGTH", "quotes"));
});
