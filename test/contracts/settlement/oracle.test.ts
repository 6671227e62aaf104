import { expect } from "chai";
import { network } from "hardhat";
import type { ChainlinkPriceOracle, MockAggregator, MockERC20 } from "../../../types/ethers-contracts/index.ts";
import { foldAuditLogs } from "../../helpers/auditLogs.ts";

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

  it("refuses answers outside the feed's bounds (a feed stuck at its floor or cap), accepts the bounds themselves", async () => {
    const lo = 10_000n * 10n ** 8n;
    const hi = 100_000n * 10n ** 8n;
    const [, other] = await ethers.getSigners();
    await expect(oracle.connect(other!).setFeedBounds(token.target, lo, hi)).to.be.revertedWithCustomError(
      oracle,
      "OwnableUnauthorizedAccount",
    );
    await expect(oracle.setFeedBounds(token.target, hi, lo))
      .to.be.revertedWithCustomError(oracle, "Oracle__InvalidBounds")
      .withArgs(token.target, hi, lo);
    await expect(oracle.setFeedBounds(token.target, 0, hi)).to.be.revertedWithCustomError(
      oracle,
      "Oracle__InvalidBounds",
    );
    await expect(oracle.setFeedBounds(feed.target, lo, hi)).to.be.revertedWithCustomError(
      oracle,
      "Oracle__InvalidBounds",
    ); // no feed for that address
    await expect(oracle.setFeedBounds(token.target, lo, hi))
      .to.emit(oracle, "FeedBoundsSet")
      .withArgs(token.target, lo, hi);
    for (const answer of [lo - 1n, hi + 1n]) {
      await (await feed.setAnswer(answer)).wait();
      await expect(oracle.priceOf(token.target))
        .to.be.revertedWithCustomError(oracle, "Oracle__AnswerOutOfBounds")
        .withArgs(token.target, answer, lo, hi);
    }
    for (const answer of [lo, hi]) {
      await (await feed.setAnswer(answer)).wait();
      expect(await oracle.priceOf(token.target)).to.equal(answer * 10n ** 20n); // 36 − 8 − 8
    }
    // Setting the feed again clears its bounds.
    await (await oracle.setFeed(token.target, feed.target, 3600)).wait();
    await (await feed.setAnswer(hi + 1n)).wait();
    expect(await oracle.priceOf(token.target)).to.equal((hi + 1n) * 10n ** 20n);
  });

  it("refuses every price while the L2 sequencer is down and within its grace period, and after it is set only", async () => {
    const uptime = await ethers.deployContract("MockAggregator", [0, 0]);
    const now = BigInt(await networkHelpers.time.latest());
    await (await uptime.setRound(1, 1, now, 1)).wait(); // down since now
    await expect(oracle.setSequencerFeed(uptime.target, 3600))
      .to.emit(oracle, "SequencerFeedSet")
      .withArgs(uptime.target, 3600);
    await expect(oracle.priceOf(token.target))
      .to.be.revertedWithCustomError(oracle, "Oracle__SequencerDown")
      .withArgs(now);
    await expect(oracle.pricesOf([token.target])).to.be.revertedWithCustomError(oracle, "Oracle__SequencerDown");
    const back = BigInt(await networkHelpers.time.latest());
    await (await uptime.setRound(2, 0, back, 2)).wait(); // up again
    await expect(oracle.priceOf(token.target))
      .to.be.revertedWithCustomError(oracle, "Oracle__GracePeriodNotOver")
      .withArgs(back, 3600);
    await (await uptime.setRound(3, 0, 0, 3)).wait(); // an uninitialised round counts as not over
    await expect(oracle.priceOf(token.target)).to.be.revertedWithCustomError(oracle, "Oracle__GracePeriodNotOver");
    await (await uptime.setRound(4, 0, back, 4)).wait();
    await networkHelpers.time.increase(3601);
    await (await feed.setAnswer(40_000n * 10n ** 8n)).wait();
    expect(await oracle.priceOf(token.target)).to.equal(40_000n * 10n ** 28n);
    await (await oracle.setSequencerFeed(ethers.ZeroAddress, 0)).wait();
    expect(await oracle.priceOf(token.target)).to.equal(40_000n * 10n ** 28n);
  });

  it("audits every governance change: the fold of its logs equals auditHead(), payloads included", async () => {
    await (await oracle.setFeedBounds(token.target, 1n, 10n ** 20n)).wait();
    await (await oracle.setSequencerFeed(feed.target, 60)).wait();
    const logs = await oracle.queryFilter(oracle.filters.AuditRecorded());
    const fold = foldAuditLogs(logs);
    expect(fold.firstBreak).to.equal(null);
    // OwnershipTransferred (constructor), FeedSet, FeedBoundsSet, SequencerFeedSet
    expect(fold.count).to.equal(4);
    expect(fold.head).to.equal(await oracle.auditHead());
    const coder = ethers.AbiCoder.defaultAbiCoder();
    expect(logs[0]!.args.payloadHash).to.equal(
      ethers.keccak256(coder.encode(["address", "address"], [ethers.ZeroAddress, await oracle.owner()])),
    );
    expect(logs[2]!.args.payloadHash).to.equal(
      ethers.keccak256(coder.encode(["address", "int256", "int256"], [token.target, 1n, 10n ** 20n])),
    );
    expect(logs[3]!.args.payloadHash).to.equal(
      ethers.keccak256(coder.encode(["address", "uint32"], [feed.target, 60])),
    );
  });
});
