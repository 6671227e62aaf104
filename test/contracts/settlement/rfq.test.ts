import { expect } from "chai";
import { network } from "hardhat";
import {
  escrowBalances,
  makeInstruction,
  signInstruction,
  signRfqInstruction,
  vaultBalances,
  WAD,
  type Leg,
  type System,
} from "../../helpers/settlement.ts";
import { standardSystem, TARGETS, USDC, usdc, WBTC } from "./system.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

const BTC = 10n ** 8n;

/** What every RFQ leg here fills: exactly its limit. */
const FILL = (499n * BTC) / 100n;

describe("Settlement: two-step RFQ path (lock, fill, finalize | rollback)", () => {
  let sys: System;
  let maker: string;

  /** Sell $200k USDC for exactly 4.99 WBTC (an RFQ fill is the limit), reserved for `counterparty`. */
  function rfqLeg(counterparty: string, minAmountOut = (499n * BTC) / 100n): Leg {
    return {
      sellToken: sys.addresses[USDC]!,
      buyToken: sys.addresses[WBTC]!,
      amountIn: usdc(200_000),
      minAmountOut,
      venue: counterparty,
    };
  }

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
    maker = await sys.maker.getAddress();
    await (await sys.tokens[WBTC]!.mint(maker, 100n * BTC)).wait();
    await (await sys.tokens[WBTC]!.connect(sys.maker).approve(sys.settlement.target, ethers.MaxUint256)).wait();
  });

  it("locks escrow, takes the maker's fill and finalises atomically: buy to vault, sell to maker", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    const before = await vaultBalances(sys);
    const locking = sys.settlement.connect(sys.keeper).lock(ins);
    await expect(locking)
      .to.emit(sys.settlement, "EscrowLocked")
      .withArgs(ins.id, ins.portfolio, [sys.addresses[USDC]], [usdc(200_000)]);
    await expect(locking).to.emit(sys.settlement, "PendingFinality").withArgs(ins.id, ins.deadline);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(1n);
    expect(await sys.settlement.pendingOf(ins.portfolio)).to.equal(ins.id);
    expect((await escrowBalances(sys))[USDC]).to.equal(usdc(200_000));

    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL))
      .to.emit(sys.settlement, "LegFilled")
      .withArgs(ins.id, 0, maker, FILL);

    await expect(sys.settlement.connect(sys.outsider).finalize(ins.id))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotFinalizer")
      .withArgs(ins.id, await sys.outsider.getAddress());
    await expect(sys.settlement.connect(sys.maker).finalize(ins.id)).to.emit(sys.settlement, "SettlementFinalized");
    const after = await vaultBalances(sys);
    expect(after[USDC]).to.equal(before[USDC]! - usdc(200_000));
    expect(after[WBTC]).to.equal(FILL);
    expect(await sys.tokens[USDC]!.balanceOf(maker)).to.equal(usdc(200_000));
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(2n);
    expect(await sys.settlement.pendingOf(ins.portfolio)).to.equal(ethers.ZeroHash);
    await expect(sys.settlement.finalize(ins.id))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotPending")
      .withArgs(ins.id, 2);
  });

  it("locks a keeper-signed RFQ instruction relayed by anyone; refuses open legs and atomic signatures", async () => {
    const open = await makeInstruction(sys, TARGETS, [rfqLeg(ethers.ZeroAddress)]);
    await expect(sys.settlement.connect(sys.keeper).lock(open))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__MakerNotAllowed")
      .withArgs(0, ethers.ZeroAddress);
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    const atomicSignature = await signInstruction(sys, sys.keeper, ins);
    await expect(sys.settlement.connect(sys.outsider).lockSigned(ins, atomicSignature)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__NotKeeper",
    );
    const signature = await signRfqInstruction(sys, sys.keeper, ins);
    await expect(sys.settlement.connect(sys.outsider).lockSigned(ins, signature)).to.emit(
      sys.settlement,
      "PendingFinality",
    );
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).to.emit(sys.settlement, "LegFilled");
  });

  it("freezes the vault's deposits, withdrawals and asset list while an instruction is pending", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
    const gov = sys.vault.connect(sys.governance);
    await expect(gov.withdraw(sys.addresses[USDC]!, await sys.governance.getAddress(), 1n))
      .to.be.revertedWithCustomError(sys.vault, "Vault__RebalancePending")
      .withArgs(ins.id);
    await expect(gov.deposit(sys.addresses[USDC]!, 1n)).to.be.revertedWithCustomError(
      sys.vault,
      "Vault__RebalancePending",
    );
    await expect(gov.addAsset(await sys.outsider.getAddress())).to.be.revertedWithCustomError(
      sys.vault,
      "Vault__RebalancePending",
    );
    const second = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    await expect(sys.settlement.connect(sys.keeper).lock(second))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__PortfolioBusy")
      .withArgs(ins.portfolio, ins.id);
    await expect(sys.settlement.connect(sys.keeper).settle(second)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__PortfolioBusy",
    );
  });

  it("rolls back after the deadline, by anyone, restoring vault and maker exactly", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    const vaultBefore = await vaultBalances(sys);
    const makerBefore = await sys.tokens[WBTC]!.balanceOf(maker);
    await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
    await (await sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).wait();
    await expect(sys.settlement.connect(sys.outsider).rollback(ins.id))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__RollbackTooEarly")
      .withArgs(ins.id, ins.deadline);

    await networkHelpers.time.increaseTo(ins.deadline + 1n);
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__Expired",
    );
    await expect(sys.settlement.finalize(ins.id)).to.be.revertedWithCustomError(sys.settlement, "Settlement__Expired");
    await expect(sys.settlement.connect(sys.outsider).rollback(ins.id))
      .to.emit(sys.settlement, "RolledBack")
      .withArgs(ins.id, ins.portfolio, 0, [sys.addresses[USDC]], [usdc(200_000)]); // Expired
    expect(await vaultBalances(sys)).to.deep.equal(vaultBefore);
    expect(await sys.tokens[WBTC]!.balanceOf(maker)).to.equal(makerBefore);
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(3n);
    await expect(sys.settlement.rollback(ins.id)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__NotPending",
    );
  });

  it("lets a keeper, the guardian or governance cancel before the deadline", async () => {
    for (const who of [sys.keeper, sys.guardian, sys.governance]) {
      const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
      await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
      await expect(sys.settlement.connect(who).rollback(ins.id))
        .to.emit(sys.settlement, "RolledBack")
        .withArgs(ins.id, ins.portfolio, 1, [sys.addresses[USDC]], [usdc(200_000)]); // Cancelled
    }
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
  });

  it("on a failed post-trade check, finalize rolls back, halts the portfolio and records the breach instead of reverting", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    const vaultBefore = await vaultBalances(sys);
    const makerBefore = await sys.tokens[WBTC]!.balanceOf(maker);
    await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
    await (await sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).wait();
    // Governance tightens the weight tolerance to 1 wei while the instruction is pending.
    await (await sys.registry.setLimits(200, 1n, (60n * WAD) / 100n, WAD / 2n)).wait();

    expect(await sys.settlement.connect(sys.maker).finalize.staticCall(ins.id)).to.equal(false);
    const tx = sys.settlement.connect(sys.maker).finalize(ins.id);
    await expect(tx)
      .to.emit(sys.settlement, "ConstraintBreached")
      .withArgs(
        ins.id,
        ins.portfolio,
        3,
        (i: bigint) => i < 3n,
        (drift: bigint) => drift > 1n,
        1n,
      ); // WeightTolerance
    await expect(tx).to.emit(sys.settlement, "RolledBack");
    expect(await vaultBalances(sys)).to.deep.equal(vaultBefore);
    expect(await sys.tokens[WBTC]!.balanceOf(maker)).to.equal(makerBefore);
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
    expect(await sys.settlement.haltedBy(ins.portfolio)).to.equal(ins.id);
    expect(await sys.settlement.paused()).to.equal(false);
    const next = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    await expect(sys.settlement.connect(sys.keeper).lock(next))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__PortfolioHalted")
      .withArgs(ins.portfolio, ins.id);
  });

  it("halts on a pre-trade threshold at lock too: returns false, escrows nothing", async () => {
    const targets = [0n, (35n * WAD) / 100n, (65n * WAD) / 100n]; // WBTC above the 60% limit
    const ins = await makeInstruction(sys, targets, [rfqLeg(maker)]);
    expect(await sys.settlement.connect(sys.keeper).lock.staticCall(ins)).to.equal(false);
    await expect(sys.settlement.connect(sys.keeper).lock(ins))
      .to.emit(sys.settlement, "ConstraintBreached")
      .withArgs(ins.id, ins.portfolio, 2, WBTC, targets[2], (60n * WAD) / 100n);
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
    expect(await sys.settlement.pendingOf(ins.portfolio)).to.equal(ethers.ZeroHash);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(3n);
  });

  it("names every refused fill", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
    const outsider = await sys.outsider.getAddress();
    await expect(sys.settlement.connect(sys.outsider).fill(ins.id, 0, FILL))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotCounterparty")
      .withArgs(0, outsider, maker);
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, 4n * BTC))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__FillAmount")
      .withArgs(0, 4n * BTC, FILL);
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, 5n * BTC)) // an overfill
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__FillAmount")
      .withArgs(0, 5n * BTC, FILL);
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 1, FILL))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__LegOutOfRange")
      .withArgs(ins.id, 1);
    await expect(sys.settlement.finalize(ins.id))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__LegsUnfilled")
      .withArgs(ins.id, 0, 1);
    await expect(sys.settlement.connect(sys.maker).fill(ethers.ZeroHash, 0, FILL))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotPending")
      .withArgs(ethers.ZeroHash, 0);
    await (await sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).wait();
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__LegAlreadyFilled")
      .withArgs(ins.id, 0);
  });

  it("refuses fills and finalisation while paused, but still lets escrow go home", async () => {
    const ins = await makeInstruction(sys, TARGETS, [rfqLeg(maker)]);
    await (await sys.settlement.connect(sys.keeper).lock(ins)).wait();
    await (await sys.settlement.connect(sys.guardian).pause()).wait();
    await expect(sys.settlement.connect(sys.maker).fill(ins.id, 0, FILL)).to.be.revertedWithCustomError(
      sys.settlement,
      "GuardianPausable__UnexpectedPauseState",
    );
    await expect(sys.settlement.finalize(ins.id)).to.be.revertedWithCustomError(
      sys.settlement,
      "GuardianPausable__UnexpectedPauseState",
    );
    await expect(sys.settlement.connect(sys.guardian).rollback(ins.id)).to.emit(sys.settlement, "RolledBack");
  });
});
