import { expect } from "chai";
import { network } from "hardhat";
import { quote, type System } from "../../helpers/settlement.ts";
import {
  CANONICAL_INIT_CODE_HASH,
  PAIR_INIT_CODE_HASH,
  routerMatchesPairBytecode,
} from "../../../src/chain/uniswap.ts";
import { standardSystem, USDC, usdc, WBTC, WETH } from "./system.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

describe("Uniswap V2 (shipped bytecode) and the adapter", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("ships a pair whose init-code hash is the one Router02 hard-codes", () => {
    expect(PAIR_INIT_CODE_HASH).to.equal(CANONICAL_INIT_CODE_HASH);
    expect(routerMatchesPairBytecode()).to.equal(true);
  });

  it("finds the factory's pairs by CREATE2, in either token order", async () => {
    for (const [a, b] of [
      [USDC, WETH],
      [WBTC, USDC],
      [WETH, WBTC],
    ] as const) {
      const expected = await sys.uni.factory.getFunction("getPair")(sys.addresses[a], sys.addresses[b]);
      expect(await sys.adapter.pairFor(sys.addresses[a]!, sys.addresses[b]!)).to.equal(expected);
      expect(await sys.adapter.fundingAddress(sys.addresses[b]!, sys.addresses[a]!)).to.equal(expected);
    }
  });

  it("quotes exactly what Router02 quotes", async () => {
    const pair = await sys.adapter.pairFor(sys.addresses[USDC]!, sys.addresses[WBTC]!);
    const reserves = (await (await ethers.getContractAt("IUniswapV2PairLike", pair)).getReserves()) as unknown as [
      bigint,
      bigint,
    ];
    const usdcIsToken0 = BigInt(sys.addresses[USDC]!) < BigInt(sys.addresses[WBTC]!);
    const [rIn, rOut] = usdcIsToken0 ? [reserves[0], reserves[1]] : [reserves[1], reserves[0]];
    for (const amount of [1n, usdc(1), usdc(250_000), usdc(10_000_000)]) {
      expect(await sys.adapter.getAmountOut(amount, rIn, rOut)).to.equal(
        await quote(sys, sys.addresses[USDC]!, sys.addresses[WBTC]!, amount),
      );
    }
    expect(await sys.adapter.getAmountOut(1n, 0n, rOut)).to.equal(0n);
  });

  it("Router02 itself swaps on the deployed pairs (its pair addresses agree with the factory)", async () => {
    const [gov] = await ethers.getSigners();
    await (await sys.tokens[USDC]!.mint(gov!.address, usdc(1_000))).wait();
    await (await sys.tokens[USDC]!.approve(await sys.uni.router.getAddress(), usdc(1_000))).wait();
    const path = [sys.addresses[USDC], sys.addresses[WETH]];
    const expected = await quote(sys, sys.addresses[USDC]!, sys.addresses[WETH]!, usdc(1_000));
    await (
      await sys.uni.router.getFunction("swapExactTokensForTokens")(usdc(1_000), expected, path, gov!.address, 2n ** 40n)
    ).wait();
    expect(await sys.tokens[WETH]!.balanceOf(gov!.address)).to.equal(expected);
  });
});
