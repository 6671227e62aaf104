import { expect } from "chai";
import { network } from "hardhat";
import type { ChainlinkPriceOracle, MockAggregator, MockERC20 } from "../../../types/ethers-contracts/index.ts";

const { ethers, networkHelpers } = await network.create();

describe("ChainlinkPriceOracle", () => {
  let oracle: ChainlinkPriceOracle;
  let token: MockERC20;
  let feed: MockAggregator;

  async function deploy(): Promise<[ChainlinkPriceOracle, MockERC20, MockAggregator]> {
    const [gov] = await ethers.getSigners();
    const o = await ethers.deployContract("ChainlinkPriceOracle", [gov!.address]);
    const t = await ethers.deployContract("MockERC20", ["WBTC", "WBTC", 8]);
    const f = await ethers.deployContract("MockAggregator", [8, 40_000n * 10n ** 8n]);
    await (await o.setFeed(await t.getAddress(), await f.getAddress(), 3600)).wait();
    return [o, t, f];
  }

  beforeEach(async () => {
    [oracle, token, feed] = await networkHelpers.loadFixture(deploy);
  });

  it("prices a list of tokens in one call exactly as priceOf does, and names the first token without a feed", async () => {
    const other = await ethers.deployContract("MockERC20", ["WETH", "WETH", 18]);
    const otherFeed = await ethers.deployContract("MockAggregator", [8, 2_000n * 10n ** 8n]);
    await (await oracle.setFeed(other.target, otherFeed.target, 3600)).wait();
    const list = [other.target as string, token.target as string, other.target as string];
    const expected = await Promise.all(list.map((t) => oracle.priceOf(t)));
    expect(await oracle.pricesOf(list)).to.deep.equal(expected);
    expect(await oracle.pricesOf([])).to.deep.equal([]);
    const unknown = await ethers.deployContract("MockERC20", ["X", "X", 18]);
    await expect(oracle.pricesOf([token.target, unknown.target]))
      .to.be.revertedWithCustomError(oracle, "Oracle__NoFeed")
      .withArgs(unknown.target);
  });

  it("normalises decimals: value (WAD) = amount × price / 1e18 for 6, 8 and 18-decimal tokens", async () => {
    // 1 WBTC (8 decimals) at $40,000 is worth 40,000e18.
    const price = await oracle.priceOf(token.target);
    expect((10n ** 8n * price) / 10n ** 18n).to.equal(40_000n * 10n ** 18n);
    for (const [decimals, feedDecimals, answer, usd] of [
      [6, 8, 10n ** 8n, 1n],
      [18, 8, 2_000n * 10n ** 8n, 2_000n],
      [18, 18, 3n * 10n ** 18n, 3n],
    ] as const) {
      const t = await ethers.deployContract("MockERC20", ["T", "T", decimals]);
      const f = await ethers.deployContract("MockAggregator", [feedDecimals, answer]);
      await (await oracle.setFeed(t.target, f.target, 3600)).wait();
      const p = await oracle.priceOf(t.target);
      expect((10n ** BigInt(decimals) * p) / 10n ** 18n).to.equal(usd * 10n ** 18n);
    }
  });

  it("refuses missing, non-positive, stale and carried-over answers", async () => {
    await expect(oracle.priceOf(feed.target))
      .to.be.revertedWithCustomError(oracle, "Oracle__NoFeed")
      .withArgs(feed.target);
    await (await feed.setAnswer(0)).wait();
    await expect(oracle.priceOf(token.target))
      .to.be.revertedWithCustomError(oracle, "Oracle__InvalidPrice")
      .withArgs(token.target, 0);
    await (await feed.setAnswer(-5)).wait();
    await expect(oracle.priceOf(token.target)).to.be.revertedWithCustomError(oracle, "Oracle__InvalidPrice");
    await (await feed.setAnswer(40_000n * 10n ** 8n)).wait();
    await networkHelpers.time.increase(3601);
    await expect(oracle.priceOf(token.target)).to.be.revertedWithCustomError(oracle, "Oracle__StalePrice");
    const now = BigInt(await networkHelpers.time.latest());
    await (await feed.setRound(7, 1n, now, 6)).wait();
    await expect(oracle.priceOf(token.target))
      .to.be.revertedWithCustomError(oracle, "Oracle__IncompleteRound")
      .withArgs(token.target, 7, 6);
  });

  it("lets only governance set feeds and refuses decimals beyond 36", async () => {
    const [, other] = await ethers.getSigners();
    await expect(oracle.connect(other!).setFeed(token.target, feed.target, 1)).to.be.revertedWithCustomError(
      oracle,
      "OwnableUnauthorizedAccount",
    );
    const wide = await ethers.deployContract("MockAggregator", [30, 1n]);
    await expect(oracle.setFeed(token.target, wide.target, 1))
      .to.be.revertedWithCustomError(oracle, "Oracle__UnsupportedDecimals")
      .withArgs(token.target, 8, 30);
  });
});
