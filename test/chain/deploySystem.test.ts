import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";
import type { Address, Hex } from "viem";
import { parseDeployment } from "../../src/chain/governance/deployment.ts";
import { parseKeeperDeployment } from "../../src/protocol/deployment.ts";
import { DEMO_BASE_ASSET, DEMO_MARKET, marketAssets } from "../../src/chain/demoMarket.ts";
import {
  DEFAULT_PORTFOLIO_POLICY,
  DEMO_ASSETS,
  deploySystem,
  parsePriceUsd,
  unitsForUsd,
  type SystemDeployment,
} from "../../src/chain/deploySystem.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const BUILD_HASH = `0x${"5a".repeat(32)}` as Hex;

async function deployed(): Promise<SystemDeployment> {
  const [, keeper, signer, o1, o2, o3] = await ethers.getSigners();
  return deploySystem(connection, {
    network: "hardhat",
    safeOwners: [o1!, o2!, o3!].map((o) => o.address as Address),
    optimizerBuildHash: BUILD_HASH,
    optimizerVersion: "0.1.0",
    keepers: [keeper!.address as Address],
    viewSigners: [signer!.address as Address],
  });
}

/** Runs the genesis calls from the timelock itself (impersonated): what the first proposal executes. */
async function executeAsTimelock(sys: SystemDeployment): Promise<void> {
  const timelock = await sys.timelock.getAddress();
  await networkHelpers.impersonateAccount(timelock);
  await networkHelpers.setBalance(timelock, 10n ** 18n);
  const signer = await ethers.getSigner(timelock);
  for (const call of sys.genesisCalls)
    await (await signer.sendTransaction({ to: call.target, data: call.data })).wait();
  await networkHelpers.stopImpersonatingAccount(timelock);
}

describe("deploySystem", function () {
  it("prices every demo asset at the last row of stock_prices.csv", function () {
    const lines = readFileSync(new URL("../optimizer/estimators/fixtures/stock_prices.csv", import.meta.url), "utf8")
      .trim()
      .split("\n");
    const header = lines[0]!.split(",");
    const last = lines.at(-1)!.split(",");
    for (const asset of DEMO_ASSETS) {
      const column = header.indexOf(asset.symbol);
      expect(column, asset.symbol).to.be.greaterThan(0);
      expect(Number(asset.priceUsd), asset.symbol).to.equal(Number(last[column]));
    }
  });

  it("refuses a malformed price, naming the field", function () {
    expect(() => parsePriceUsd("1e3")).to.throw(/priceUsd|USD price/);
    expect(() => parsePriceUsd("1.123456789")).to.throw(/at most 8 decimals/);
    expect(parsePriceUsd("172.440002")).to.equal(17_244_000_200n);
  });

  it("wires governance, guardian Safe, oracle, settlement, vault and seeded Uniswap V2 pools", async function () {
    const sys = await networkHelpers.loadFixture(deployed);
    const [, keeper, signer] = await ethers.getSigners();
    const timelock = await sys.timelock.getAddress();
    const safe = await sys.safe.getAddress();

    expect(await sys.registry.owner()).to.equal(timelock);
    expect(await sys.registry.optimizerBuildHash()).to.equal(BUILD_HASH);
    expect(await sys.registry.isKeeper(keeper!.address)).to.equal(true);
    expect(await sys.registry.isViewSigner(signer!.address)).to.equal(true);
    expect(await sys.safe.getFunction("getThreshold")()).to.equal(2n);
    expect(await sys.safe.getFunction("getOwners")()).to.have.length(3);
    expect(await sys.timelock.hasRole(await sys.timelock.CANCELLER_ROLE(), safe)).to.equal(true);
    expect(await sys.timelock.getMinDelay()).to.equal(48n * 3600n);

    // The timelock owns everything from construction; the deployer holds nothing at any point.
    const [deployer] = await ethers.getSigners();
    for (const contract of [sys.registry, sys.oracle, sys.settlement, sys.vault]) {
      expect(await contract.owner()).to.equal(timelock);
      expect(await contract.pendingOwner()).to.equal(ZeroAddress);
    }
    await expect(sys.settlement.connect(deployer!).setVenue(deployer!.address, true))
      .to.be.revertedWithCustomError(sys.settlement, "OwnableUnauthorizedAccount")
      .withArgs(deployer!.address);
    await expect(sys.vault.connect(deployer!).withdraw(sys.assets[0]!.address, deployer!.address, 1n))
      .to.be.revertedWithCustomError(sys.vault, "OwnableUnauthorizedAccount")
      .withArgs(deployer!.address);
    // Nothing is wired before the DAO's first proposal: no price, no portfolio, no venue.
    await expect(sys.oracle.priceOf(sys.assets[0]!.address)).to.be.revertedWithCustomError(
      sys.oracle,
      "Oracle__NoFeed",
    );
    expect(await sys.settlement.isPortfolio(await sys.vault.getAddress())).to.equal(false);
    expect(sys.genesisCalls.map((c) => c.description.split("(")[0])).to.deep.equal([
      ...sys.assets.map(() => "ChainlinkPriceOracle.setFeed"),
      "Settlement.setPortfolio",
      "Settlement.setPortfolioPolicy",
      "Settlement.setVenue",
    ]);
    await executeAsTimelock(sys);
    expect(await sys.settlement.isPortfolio(await sys.vault.getAddress())).to.equal(true);
    expect(await sys.settlement.isVenue(await sys.adapter.getAddress())).to.equal(true);
    const policy = await sys.settlement.portfolioPolicy(await sys.vault.getAddress());
    expect([policy.lossBudget, policy.lossWindow, policy.minInterval]).to.deep.equal([
      DEFAULT_PORTFOLIO_POLICY.lossBudget,
      DEFAULT_PORTFOLIO_POLICY.lossWindow,
      DEFAULT_PORTFOLIO_POLICY.minInterval,
    ]);

    const [tokens, balances] = await sys.vault.holdings();
    expect(tokens).to.deep.equal(sys.assets.map((a) => a.address));
    expect(balances.every((b) => b > 0n)).to.equal(true);
    const base = sys.assets[0]!;
    for (const asset of sys.assets.slice(1)) {
      // Oracle: USD per raw token unit, 1e36 fixed point.
      expect(await sys.oracle.priceOf(asset.address)).to.equal(
        asset.feedAnswer * 10n ** BigInt(36 - asset.decimals - 8),
      );
      // Pool reserves at the feed price: both sides worth the same USD within one unit of rounding.
      const pair = await sys.uniswap.factory.getFunction("getPair")(base.address, asset.address);
      expect(pair).to.equal(asset.pair);
      const baseReserve = await base.token.balanceOf(pair);
      const assetReserve = await asset.token.balanceOf(pair);
      expect(baseReserve).to.equal(unitsForUsd(100_000_000, base.decimals, base.feedAnswer));
      expect(assetReserve).to.equal(unitsForUsd(100_000_000, asset.decimals, asset.feedAnswer));
    }
    expect(await sys.settlement.paused()).to.equal(false);
  });

  it("refuses a market whose holdings do not match its assets, naming the field", function () {
    expect(() => marketAssets({ ...DEMO_MARKET, holdingsUsd: [1] })).to.throw(/1 holdings for 6 assets/);
  });

  it("builds the system module for another market: its assets, holdings and pool depths", async function () {
    const [, keeper, signer, o1, o2, o3] = await ethers.getSigners();
    const sys = await deploySystem(connection, {
      network: "hardhat",
      safeOwners: [o1!, o2!, o3!].map((o) => o.address as Address),
      optimizerBuildHash: BUILD_HASH,
      optimizerVersion: "0.1.0",
      keepers: [keeper!.address as Address],
      viewSigners: [signer!.address as Address],
      market: { base: DEMO_BASE_ASSET, assets: [DEMO_ASSETS[1]!], holdingsUsd: [2_000, 0], poolDepthUsd: 1_000_000 },
    });
    expect(sys.assets.map((a) => a.symbol)).to.deep.equal(["USDC", "AMZN"]);
    const [tokens, balances] = await sys.vault.holdings();
    expect(tokens).to.deep.equal(sys.assets.map((a) => a.address));
    expect(balances).to.deep.equal([2_000n * 10n ** 6n, 0n]);
    const [base, amzn] = sys.assets;
    expect(await amzn!.token.balanceOf(amzn!.pair!)).to.equal(unitsForUsd(1_000_000, 8, amzn!.feedAnswer));
    expect(await base!.token.balanceOf(amzn!.pair!)).to.equal(1_000_000n * 10n ** 6n);
  });

  it("keeps no Ignition journal for the in-process chain", async function () {
    const journals = new URL("../../ignition/deployments/", import.meta.url);
    const list = (): string[] => (existsSync(journals) ? readdirSync(journals) : []);
    const before = list();
    await deployed();
    expect(list()).to.deep.equal(before);
  });

  it("writes a deployment record that portfolio gov accepts", async function () {
    const sys = await networkHelpers.loadFixture(deployed);
    const json = JSON.parse(JSON.stringify(sys.toDeploymentJson())) as unknown;
    const parsed = parseDeployment(json, "deployments/hardhat.json");
    expect(parsed.contracts.ModelRegistry).to.equal(await sys.registry.getAddress());
    expect(parsed.optimizerBuildHash).to.equal(BUILD_HASH);
    const record = sys.toDeploymentJson();
    expect(record.assets.map((a) => a.symbol)).to.deep.equal(["USDC", "AAPL", "AMZN", "JPM", "XOM", "PFE"]);
    expect(record.assets.map((a) => a.decimals)).to.deep.equal([6, 18, 8, 18, 6, 8]);
    expect(record.contracts.Settlement).to.equal(await sys.settlement.getAddress());
    // `portfolio keeper --deployment` reads the same file.
    const keeper = parseKeeperDeployment(json, "deployments/hardhat.json");
    expect(keeper.settlement).to.equal(record.contracts.Settlement);
    expect(keeper.vault).to.equal(record.contracts.PortfolioVault);
    expect(keeper.venue).to.equal(record.contracts.UniswapV2Adapter);
    expect(keeper.router).to.equal(record.contracts.UniswapV2Router02);
    expect(keeper.baseToken).to.equal(record.assets[0]?.address);
    expect(record.blockNumber).to.be.at.most(await ethers.provider.getBlockNumber());
  });
});
