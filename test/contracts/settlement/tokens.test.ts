import { expect } from "chai";
import { network } from "hardhat";
import { escrowBalances, makeInstruction, uniLeg, vaultBalances, WAD, type System } from "../../helpers/settlement.ts";
import { seedPool, type MintableToken } from "../../../src/chain/uniswap.ts";
import { standardSystem, USDC, usdc } from "./system.ts";
import { checkAuditedPayloads } from "../../helpers/auditLogs.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

/** Adds a $1 token as the vault's fourth asset with `holdUsd` in the vault and a $5M pool against USDC. */
async function addDollarAsset(sys: System, token: MintableToken, decimals: number, holdUsd: bigint): Promise<System> {
  const address = await token.getAddress();
  const aggregator = await ethers.deployContract("MockAggregator", [8, 10n ** 8n]);
  await (await sys.oracle.setFeed(address, await aggregator.getAddress(), 3600)).wait();
  await (await sys.vault.connect(sys.governance).addAsset(address)).wait();
  const unit = 10n ** BigInt(decimals);
  await seedPool(sys.uni, sys.tokens[USDC]!, usdc(5_000_000), token, 5_000_000n * unit, sys.governance);
  await (await token.mint(await sys.vault.getAddress(), holdUsd * unit)).wait();
  return { ...sys, addresses: [...sys.addresses, address] };
}

// Vault after addDollarAsset(…, 100k): $1.1M = USDC 600k, WETH 400k, WBTC 0, X 100k.
const near = (x: bigint): bigint => (x * WAD) / 1_100_000n;
const TARGETS4 = [near(650_000n), near(400_000n), 0n, 0n];
TARGETS4[3] = WAD - TARGETS4[0]! - TARGETS4[1]!;

describe("Settlement: token handling", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("refuses a fee-on-transfer sell token on the atomic path: the pair gets less and the whole settle reverts", async () => {
    const fee = await ethers.deployContract("FeeOnTransferToken", [100]); // 1%
    const s = await addDollarAsset(sys, fee, 18, 100_000n);
    const before = await vaultBalances(s);
    const ins = await makeInstruction(s, TARGETS4, [await uniLeg(s, 3, USDC, 50_000n * WAD)]);
    // The vault pays the pair directly; the pair receives 1 % less than the adapter priced, and its
    // constant-product check refuses the swap.
    await expect(s.settlement.connect(s.keeper).settle(ins)).to.be.revertedWith("UniswapV2: K");
    expect(await vaultBalances(s)).to.deep.equal(before);
  });

  it("refuses a fee-on-transfer buy token in an RFQ fill", async () => {
    const fee = await ethers.deployContract("FeeOnTransferToken", [100]);
    const s = await addDollarAsset(sys, fee, 18, 100_000n);
    const maker = await s.maker.getAddress();
    await (await fee.mint(maker, 100_000n * WAD)).wait();
    await (await fee.connect(s.maker).approve(s.settlement.target, ethers.MaxUint256)).wait();
    const targets = [near(550_000n), near(400_000n), 0n, 0n];
    targets[3] = WAD - targets[0]! - targets[1]!;
    const leg = {
      sellToken: s.addresses[USDC]!,
      buyToken: await fee.getAddress(),
      amountIn: usdc(50_000),
      minAmountOut: 50_000n * WAD,
      venue: maker,
    };
    const ins = await makeInstruction(s, targets, [leg]);
    await (await s.settlement.connect(s.keeper).lock(ins)).wait();
    await expect(s.settlement.connect(s.maker).fill(ins.id, 0, 50_000n * WAD))
      .to.be.revertedWithCustomError(s.settlement, "Settlement__FeeOnTransfer")
      .withArgs(await fee.getAddress(), 50_000n * WAD, 49_500n * WAD);
  });

  it("refuses a fee-on-transfer sell token at RFQ lock: the escrow must receive exactly what it locks", async () => {
    const fee = await ethers.deployContract("FeeOnTransferToken", [100]);
    const s = await addDollarAsset(sys, fee, 18, 100_000n);
    const before = await vaultBalances(s);
    const leg = {
      sellToken: await fee.getAddress(),
      buyToken: s.addresses[USDC]!,
      amountIn: 50_000n * WAD,
      minAmountOut: usdc(50_000),
      venue: await s.maker.getAddress(),
    };
    const ins = await makeInstruction(s, TARGETS4, [leg]);
    await expect(s.settlement.connect(s.keeper).lock(ins))
      .to.be.revertedWithCustomError(s.settlement, "Settlement__FeeOnTransfer")
      .withArgs(await fee.getAddress(), 50_000n * WAD, 49_500n * WAD);
    expect(await vaultBalances(s)).to.deep.equal(before);
  });

  it("refuses a leg through a pair the factory never created, and nothing moves", async () => {
    const lonely = await ethers.deployContract("MockERC20", ["Lonely", "LON", 18]);
    const s = await addDollarAsset(sys, lonely, 18, 100_000n); // pooled against USDC only
    const before = await vaultBalances(s);
    const leg = {
      sellToken: s.addresses[1]!, // WETH ($2,000): no WETH/LON pair exists
      buyToken: await lonely.getAddress(),
      amountIn: WAD,
      minAmountOut: 1_999n * WAD,
      venue: await s.adapter.getAddress(),
    };
    const ins = await makeInstruction(s, TARGETS4, [leg]);
    await expect(s.settlement.connect(s.keeper).settle(ins))
      .to.be.revertedWithCustomError(s.adapter, "Venue__NoMarket")
      .withArgs(s.addresses[1]!, await lonely.getAddress());
    expect(await vaultBalances(s)).to.deep.equal(before);
  });

  it("settles a USDT-style token (no return values) through its real Uniswap V2 pool, both directions", async () => {
    const usdt = await ethers.deployContract("NoReturnToken");
    const s = await addDollarAsset(sys, usdt, 6, 100_000n);
    const sell = await makeInstruction(s, TARGETS4, [await uniLeg(s, 3, USDC, 50_000n * 10n ** 6n)]);
    await expect(s.settlement.connect(s.keeper).settle(sell)).to.emit(s.settlement, "SettlementFinalized");
    const back = [near(600_000n), near(400_000n), 0n, 0n];
    back[3] = WAD - back[0]! - back[1]!;
    const buy = await makeInstruction(s, back, [await uniLeg(s, USDC, 3, usdc(49_000))]);
    await expect(s.settlement.connect(s.keeper).settle(buy)).to.emit(s.settlement, "SettlementFinalized");
    expect(await escrowBalances(s)).to.deep.equal([0n, 0n, 0n]);
    expect(await usdt.balanceOf(s.settlement.target)).to.equal(0n);
  });

  it("takes a USDT-style RFQ fill (transferFrom without a return value)", async () => {
    const usdt = await ethers.deployContract("NoReturnToken");
    const s = await addDollarAsset(sys, usdt, 6, 100_000n);
    const maker = await s.maker.getAddress();
    await (await usdt.mint(maker, usdc(100_000))).wait();
    await (await usdt.connect(s.maker).approve(s.settlement.target, ethers.MaxUint256)).wait();
    const targets = [near(550_000n), near(400_000n), 0n, 0n];
    targets[3] = WAD - targets[0]! - targets[1]!;
    const leg = {
      sellToken: s.addresses[USDC]!,
      buyToken: await usdt.getAddress(),
      amountIn: usdc(50_000),
      minAmountOut: usdc(49_900),
      venue: maker,
    };
    const ins = await makeInstruction(s, targets, [leg]);
    await (await s.settlement.connect(s.keeper).lock(ins)).wait();
    await (await s.settlement.connect(s.maker).fill(ins.id, 0, usdc(49_900))).wait();
    await expect(s.settlement.connect(s.keeper).finalize(ins.id)).to.emit(s.settlement, "SettlementFinalized");
    expect(await usdt.balanceOf(await s.vault.getAddress())).to.equal(usdc(149_900));
  });

  it("defers a counterparty payment the token refuses, so rollback still returns the vault's escrow", async () => {
    const busd = await ethers.deployContract("BlocklistToken");
    const s = await addDollarAsset(sys, busd, 18, 100_000n);
    const maker = await s.maker.getAddress();
    await (await busd.mint(maker, 100_000n * WAD)).wait();
    await (await busd.connect(s.maker).approve(s.settlement.target, ethers.MaxUint256)).wait();
    const targets = [near(550_000n), near(400_000n), 0n, 0n];
    targets[3] = WAD - targets[0]! - targets[1]!;
    const leg = {
      sellToken: s.addresses[USDC]!,
      buyToken: await busd.getAddress(),
      amountIn: usdc(50_000),
      minAmountOut: 49_900n * WAD,
      venue: maker,
    };
    const before = await vaultBalances(s);
    const ins = await makeInstruction(s, targets, [leg]);
    await (await s.settlement.connect(s.keeper).lock(ins)).wait();
    await (await s.settlement.connect(s.maker).fill(ins.id, 0, 49_900n * WAD)).wait();
    await (await busd.setBlocked(maker, true)).wait();

    await expect(s.settlement.connect(s.keeper).rollback(ins.id))
      .to.emit(s.settlement, "PaymentDeferred")
      .withArgs(maker, busd.target, 49_900n * WAD);
    expect(await vaultBalances(s)).to.deep.equal(before);
    expect(await s.settlement.owed(maker, busd.target)).to.equal(49_900n * WAD);
    await expect(s.settlement.connect(s.maker).claim(busd.target)).to.be.revertedWithCustomError(
      busd,
      "BlocklistToken__Blocked",
    );

    await (await busd.setBlocked(maker, false)).wait();
    await expect(s.settlement.connect(s.maker).claim(busd.target))
      .to.emit(s.settlement, "PaymentClaimed")
      .withArgs(maker, busd.target, 49_900n * WAD);
    expect(await busd.balanceOf(maker)).to.equal(100_000n * WAD);
    expect(await busd.balanceOf(s.settlement.target)).to.equal(0n);
    expect(await s.settlement.owed(maker, busd.target)).to.equal(0n);
  });

  it("owes the vault a return its token refuses; governance recovers it; both are audited; nothing owed is refused", async () => {
    const busd = await ethers.deployContract("BlocklistToken");
    const s = await addDollarAsset(sys, busd, 18, 100_000n);
    const maker = await s.maker.getAddress();
    const vault = await s.vault.getAddress();
    await (await s.tokens[USDC]!.mint(maker, usdc(100_000))).wait();
    await (await s.tokens[USDC]!.connect(s.maker).approve(s.settlement.target, ethers.MaxUint256)).wait();
    const targets = [near(650_000n), near(400_000n), 0n, 0n];
    targets[3] = WAD - targets[0]! - targets[1]!;
    const leg = {
      sellToken: await busd.getAddress(),
      buyToken: s.addresses[USDC]!,
      amountIn: 50_000n * WAD,
      minAmountOut: usdc(49_900),
      venue: maker,
    };
    const before = await vaultBalances(s);
    const ins = await makeInstruction(s, targets, [leg]);
    await (await s.settlement.connect(s.keeper).lock(ins)).wait();
    await (await busd.setBlocked(vault, true)).wait(); // e.g. the token paused or blocked the vault

    const rollback = (await (await s.settlement.connect(s.keeper).rollback(ins.id)).wait())!;
    expect(checkAuditedPayloads(s.settlement, rollback)).to.deep.equal(["RolledBack", "PaymentDeferred"]);
    await expect(rollback)
      .to.emit(s.settlement, "PaymentDeferred")
      .withArgs(vault, busd.target, 50_000n * WAD);
    expect(await s.settlement.pendingOf(vault)).to.equal(ethers.ZeroHash); // the vault is free again
    expect(await s.settlement.owed(vault, busd.target)).to.equal(50_000n * WAD);

    await expect(s.settlement.connect(s.outsider).recover(vault, busd.target))
      .to.be.revertedWithCustomError(s.settlement, "OwnableUnauthorizedAccount")
      .withArgs(await s.outsider.getAddress());
    await expect(s.settlement.connect(s.governance).recover(vault, busd.target)).to.be.revertedWithCustomError(
      busd,
      "BlocklistToken__Blocked",
    );
    await (await busd.setBlocked(vault, false)).wait();
    const recovered = (await (await s.settlement.connect(s.governance).recover(vault, busd.target)).wait())!;
    expect(checkAuditedPayloads(s.settlement, recovered)).to.deep.equal(["PaymentRecovered"]);
    await expect(recovered)
      .to.emit(s.settlement, "PaymentRecovered")
      .withArgs(vault, busd.target, 50_000n * WAD);
    expect(await vaultBalances(s)).to.deep.equal(before);
    expect(await busd.balanceOf(s.settlement.target)).to.equal(0n);

    // Nothing owed any more: neither governance nor anyone else can add an empty entry to the chain.
    await expect(s.settlement.connect(s.governance).recover(vault, busd.target))
      .to.be.revertedWithCustomError(s.settlement, "Settlement__NothingOwed")
      .withArgs(vault, busd.target);
    await expect(s.settlement.connect(s.outsider).claim(busd.target))
      .to.be.revertedWithCustomError(s.settlement, "Settlement__NothingOwed")
      .withArgs(await s.outsider.getAddress(), busd.target);
  });

  it("stops a malicious token's reentry into settle with the reentrancy guard", async () => {
    const evil = await ethers.deployContract("ReentrantToken");
    const s = await addDollarAsset(sys, evil, 18, 100_000n);
    const ins = await makeInstruction(s, TARGETS4, [await uniLeg(s, 3, USDC, 50_000n * WAD)]);
    const inner = await makeInstruction(s, TARGETS4, [await uniLeg(s, 3, USDC, 1_000n * WAD)], {
      nonce: ins.nonce + 1n,
    });
    // The keeper is the reentering party's best case: the token calls settle as itself, so make it a keeper too.
    await (await s.registry.setKeeper(await evil.getAddress(), true)).wait();
    const payload = s.settlement.interface.encodeFunctionData("settle", [inner]);

    await (await evil.arm(s.settlement.target, payload, true)).wait();
    await expect(s.settlement.connect(s.keeper).settle(ins)).to.be.revertedWithCustomError(
      s.settlement,
      "ReentrancyGuardReentrantCall",
    );

    // Swallowing the failure does not help either: the outer settlement completes alone.
    await (await evil.arm(s.settlement.target, payload, false)).wait();
    await expect(s.settlement.connect(s.keeper).settle(ins)).to.emit(s.settlement, "SettlementFinalized");
    expect(await evil.attempts()).to.be.greaterThan(0n);
    expect(await evil.reentered()).to.equal(false);
    expect(await s.settlement.statusOf(inner.id)).to.equal(0n);
  });

  it("stops a venue's reentry into rollback or settle", async () => {
    const hostile = await ethers.deployContract("HostileVenue");
    await (await sys.settlement.setVenue(await hostile.getAddress(), true)).wait();
    const leg = await uniLeg(sys, USDC, 2, usdc(200_000));
    const ins = await makeInstruction(
      sys,
      [(40n * WAD) / 100n, (40n * WAD) / 100n, (20n * WAD) / 100n],
      [{ ...leg, venue: await hostile.getAddress() }],
    );
    await (
      await hostile.arm(sys.settlement.target, sys.settlement.interface.encodeFunctionData("rollback", [ins.id]))
    ).wait();
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.be.revertedWithCustomError(
      sys.settlement,
      "ReentrancyGuardReentrantCall",
    );
  });
});
