import { expect } from "chai";
import { network } from "hardhat";
import {
  domainOf,
  escrowBalances,
  INSTRUCTION_TYPES,
  makeInstruction,
  signInstruction,
  uniLeg,
  vaultBalances,
  WAD,
  type System,
} from "../../helpers/settlement.ts";
import { standardSystem, TARGETS, USDC, usdc, WBTC, WETH } from "./system.ts";
import { foldAuditLogs } from "../../helpers/auditLogs.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

describe("Settlement: atomic path through real Uniswap V2", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("settles in one transaction: every lifecycle event in order, holdings recorded, no escrow hop", async () => {
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const ins = await makeInstruction(sys, TARGETS, [leg]);
    const before = await vaultBalances(sys);

    const tx = await sys.settlement.connect(sys.keeper).settle(ins);
    const receipt = await tx.wait();
    const names = receipt!.logs
      .filter((l) => l.address === sys.settlement.target)
      .map((l) => sys.settlement.interface.parseLog(l)?.name)
      .filter((n) => n !== "AuditRecorded");
    expect(names).to.deep.equal(["PortfolioOptimized", "RebalanceInstructionIssued", "SettlementFinalized"]);

    const after = await vaultBalances(sys);
    expect(after[USDC]).to.equal(before[USDC]! - usdc(200_000));
    expect(after[WBTC]).to.be.gte(leg.minAmountOut);
    expect(after[WETH]).to.equal(before[WETH]);
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
    expect(await sys.settlement.lastInstructionId(ins.portfolio)).to.equal(ins.id);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(0n); // no per-id record on the atomic path
    expect(await sys.settlement.lastNonce(ins.portfolio)).to.equal(ins.nonce);
    await expect(tx)
      .to.emit(sys.settlement, "SettlementFinalized")
      .withArgs(
        ins.id,
        ins.portfolio,
        (v: bigint) => v > 0n,
        (v: bigint) => v > 0n,
        after,
        [after[WBTC]! - before[WBTC]!],
      );
  });

  it("extends the audit chain so that the off-chain fold equals auditHead()", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    await (await sys.settlement.connect(sys.keeper).settle(ins)).wait();
    const logs = await sys.settlement.queryFilter(sys.settlement.filters.AuditRecorded());
    const fold = foldAuditLogs(logs);
    expect(fold.firstBreak).to.equal(null);
    // OwnershipTransferred and GuardianUpdated (constructor); governance's PortfolioSet,
    // PortfolioPolicySet, MakerSet, VenueSet; then PortfolioOptimized, RebalanceInstructionIssued,
    // SettlementFinalized.
    expect(fold.count).to.equal(9);
    expect(fold.head).to.equal(await sys.settlement.auditHead());
    const optimized = sys.settlement.interface.getEvent("PortfolioOptimized").topicHash;
    const at = logs.findIndex((l) => l.args.eventType === optimized);
    expect(at).to.equal(6);
    const expectedPayload = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "address", "uint256[]", "bytes32", "bytes32"],
        [ins.id, ins.portfolio, ins.targetWeights, ins.inputsHash, ins.optimiserBuildHash],
      ),
    );
    expect(logs[at]!.args.payloadHash).to.equal(expectedPayload);
  });

  it("settles several legs across pairs, including selling the bought token's pair in reverse", async () => {
    const targets = [(30n * WAD) / 100n, (45n * WAD) / 100n, (25n * WAD) / 100n];
    const legs = [
      await uniLeg(sys, USDC, WBTC, usdc(200_000)),
      await uniLeg(sys, USDC, WETH, usdc(100_000)),
      await uniLeg(sys, WETH, WBTC, 25n * 10n ** 18n), // $50k
    ];
    const ins = await makeInstruction(sys, targets, legs);
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.emit(sys.settlement, "SettlementFinalized");
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
  });

  it("pays each leg from the vault straight to its pair, in order, with no escrow hop or EscrowLocked", async () => {
    const targets = [(35n * WAD) / 100n, (40n * WAD) / 100n, (25n * WAD) / 100n];
    const legs = [
      await uniLeg(sys, USDC, WBTC, usdc(100_000)),
      await uniLeg(sys, USDC, WETH, usdc(50_000)),
      await uniLeg(sys, WETH, WBTC, 25n * 10n ** 18n), // $50k
      await uniLeg(sys, USDC, WBTC, usdc(100_000)),
    ];
    const ins = await makeInstruction(sys, targets, legs);
    const receipt = await (await sys.settlement.connect(sys.keeper).settle(ins)).wait();
    const transfer = sys.tokens[0]!.interface.getEvent("Transfer");
    const paid = receipt!.logs
      .filter((l) => l.topics[0] === transfer.topicHash)
      .map((l) => ({ address: l.address, args: sys.tokens[0]!.interface.parseLog(l)!.args }))
      .filter((l) => l.args.from === sys.vault.target);
    expect(paid.map((l) => l.args.value)).to.deep.equal(legs.map((l) => l.amountIn));
    // Each payment goes to that leg's own pair (the adapter's funding address), in leg order.
    const pairs = await Promise.all(legs.map((l) => sys.adapter.fundingAddress(l.sellToken, l.buyToken)));
    const getPair = sys.uni.factory.getFunction("getPair");
    expect(pairs).to.deep.equal(await Promise.all(legs.map((l) => getPair(l.sellToken, l.buyToken))));
    expect(paid.map((l) => l.args.to)).to.deep.equal(pairs);
    expect(paid.map((l) => l.address)).to.deep.equal(legs.map((l) => l.sellToken));
    for (const l of paid) expect(l.args.to).to.not.equal(sys.settlement.target);
    const names = receipt!.logs
      .filter((l) => l.address === sys.settlement.target)
      .map((l) => sys.settlement.interface.parseLog(l)!.name);
    expect(names).to.not.include("EscrowLocked");
    expect(await escrowBalances(sys)).to.deep.equal([0n, 0n, 0n]);
  });

  it("rotates in one transaction: a sell's measured proceeds fund the buy after it", async () => {
    // Loose weight limits: this test is about funding, not the weight checks.
    await (await sys.registry.setLimits(200, WAD, WAD, WAD)).wait();
    // Spend all USDC first, so the vault holds no base token at all.
    const all = (await vaultBalances(sys))[USDC]!;
    const first = await makeInstruction(
      sys,
      [WAD / 10n, (45n * WAD) / 100n, (45n * WAD) / 100n],
      [await uniLeg(sys, USDC, WBTC, all)],
    );
    await (await sys.settlement.connect(sys.keeper).settle(first)).wait();
    expect((await vaultBalances(sys))[USDC]).to.equal(0n);
    // The vault bought WBTC above the oracle price, so selling some back clears its floor easily.
    const wbtc = (await vaultBalances(sys))[WBTC]!;
    const sell = await uniLeg(sys, WBTC, USDC, wbtc / 20n);
    const buy = await uniLeg(sys, USDC, WETH, sell.minAmountOut);
    const ins = await makeInstruction(sys, [WAD / 10n, (45n * WAD) / 100n, (45n * WAD) / 100n], [sell, buy]);
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.emit(sys.settlement, "SettlementFinalized");
    // A buy that wants more than the vault holds at its turn (leftover + the sell's proceeds) is refused.
    const small = await uniLeg(sys, WBTC, USDC, wbtc / 100n);
    const greedyIn = 3n * small.minAmountOut;
    const greedy = await makeInstruction(
      sys,
      [WAD / 10n, (45n * WAD) / 100n, (45n * WAD) / 100n],
      [small, await uniLeg(sys, USDC, WETH, greedyIn)],
    );
    const beforeGreedy = await vaultBalances(sys);
    await expect(sys.settlement.connect(sys.keeper).settle(greedy))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__InsufficientBalance")
      .withArgs(
        1,
        sys.addresses[USDC]!,
        (available: bigint) => available >= small.minAmountOut && available < greedyIn,
        greedyIn,
      );
    expect(await vaultBalances(sys)).to.deep.equal(beforeGreedy);
  });

  it("accepts an EIP-712 instruction signed by a keeper and relayed by anyone", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    const signature = await signInstruction(sys, sys.keeper, ins);
    const digest = await sys.settlement.hashTypedInstruction(ins);
    expect(ethers.recoverAddress(digest, signature)).to.equal(await sys.keeper.getAddress());
    await expect(sys.settlement.connect(sys.outsider).settleSigned(ins, signature))
      .to.emit(sys.settlement, "RebalanceInstructionIssued")
      .withArgs(
        ins.id,
        ins.portfolio,
        await sys.keeper.getAddress(),
        (h: string) => h.length === 66,
        ins.nonce,
        ins.deadline,
      );
  });

  it("hashes instructions exactly as EIP-712 tooling does (ethers TypedDataEncoder)", async () => {
    const legs = [await uniLeg(sys, USDC, WBTC, usdc(150_000)), await uniLeg(sys, USDC, WETH, usdc(50_000))];
    const ins = await makeInstruction(sys, TARGETS, legs);
    const domain = await domainOf(sys);
    expect(await sys.settlement.hashTypedInstruction(ins)).to.equal(
      ethers.TypedDataEncoder.hash(domain, INSTRUCTION_TYPES, ins),
    );
    expect(await sys.settlement.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
  });

  it("reverts the whole transaction when a leg misses its limit at the venue", async () => {
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const ins = await makeInstruction(sys, TARGETS, [{ ...leg, minAmountOut: leg.minAmountOut * 2n }]);
    const before = await vaultBalances(sys);
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.be.revertedWithCustomError(
      sys.adapter,
      "Venue__InsufficientOutput",
    );
    expect(await vaultBalances(sys)).to.deep.equal(before);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(0n);
  });

  it("checks the vault's received amount itself: a venue that lies about its output reverts the leg", async () => {
    const hostile = await ethers.deployContract("HostileVenue");
    await (await sys.settlement.setVenue(await hostile.getAddress(), true)).wait();
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const ins = await makeInstruction(sys, TARGETS, [{ ...leg, venue: await hostile.getAddress() }]);
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__LegBelowLimit")
      .withArgs(0, 0, leg.minAmountOut);
  });

  it("reverts with diagnostics when executed weights miss the targets (nothing moves)", async () => {
    // The legs buy only half the WBTC the targets ask for: WBTC ends near 10% against a 20% target.
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(100_000))]);
    const before = await vaultBalances(sys);
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__PostTradeCheckFailed")
      .withArgs(3, 0, (drift: bigint) => drift > (9n * WAD) / 100n, (2n * WAD) / 100n); // WeightTolerance, USDC
    expect(await vaultBalances(sys)).to.deep.equal(before);
    expect(await sys.settlement.haltedBy(ins.portfolio)).to.equal(ethers.ZeroHash);
  });

  it("refuses at admission a leg whose limit would lose more than the registry's max slippage", async () => {
    // 1 bp: the pool's fee alone exceeds it, so the quote-based limit is below the leg's oracle floor;
    // the per-leg floor now stops what the post-trade NAV-loss check used to catch after the swaps.
    await (await sys.registry.setLimits(1, (5n * WAD) / 100n, (60n * WAD) / 100n, WAD / 2n)).wait();
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    const before = await vaultBalances(sys);
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__LimitBelowOracleFloor")
      .withArgs(0, (200_000n * WAD * 9_999n) / 10_000n, (value: bigint) => value < (200_000n * WAD * 9_999n) / 10_000n);
    expect(await vaultBalances(sys)).to.deep.equal(before);
  });

  it("halts on a pre-trade risk threshold: ConstraintBreached, RolledBack, nothing moves, later instructions refused", async () => {
    // 70% WETH exceeds the 60% position limit.
    const targets = [(30n * WAD) / 100n, (70n * WAD) / 100n, 0n];
    const leg = await uniLeg(sys, USDC, WETH, usdc(300_000));
    const ins = await makeInstruction(sys, targets, [leg]);
    const before = await vaultBalances(sys);
    const tx = sys.settlement.connect(sys.keeper).settle(ins);
    await expect(tx)
      .to.emit(sys.settlement, "ConstraintBreached")
      .withArgs(ins.id, ins.portfolio, 2, 1, (70n * WAD) / 100n, (60n * WAD) / 100n);
    await expect(tx).to.emit(sys.settlement, "RolledBack").withArgs(ins.id, ins.portfolio, 2, [], []);
    expect(await vaultBalances(sys)).to.deep.equal(before);
    expect(await sys.settlement.statusOf(ins.id)).to.equal(3n); // RolledBack
    expect(await sys.settlement.haltedBy(ins.portfolio)).to.equal(ins.id);
    await expect(tx).to.emit(sys.settlement, "PortfolioHalted").withArgs(ins.portfolio, ins.id);

    const next = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    await expect(sys.settlement.connect(sys.keeper).settle(next))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__PortfolioHalted")
      .withArgs(ins.portfolio, ins.id);
    expect(await sys.settlement.paused()).to.equal(false); // only this portfolio stops
    await expect(sys.settlement.connect(sys.guardian).resume(ins.portfolio)).to.be.revertedWithCustomError(
      sys.settlement,
      "OwnableUnauthorizedAccount",
    );
    await expect(sys.settlement.connect(sys.governance).resume(ins.portfolio))
      .to.emit(sys.settlement, "PortfolioResumed")
      .withArgs(ins.portfolio, ins.id);
    expect(await sys.settlement.haltedBy(ins.portfolio)).to.equal(ethers.ZeroHash);
    await expect(sys.settlement.connect(sys.keeper).settle(next)).to.emit(sys.settlement, "SettlementFinalized");
  });

  it("halts when the projected turnover exceeds the constraint set's maximum", async () => {
    await (await sys.registry.setLimits(200, (2n * WAD) / 100n, (60n * WAD) / 100n, WAD / 10n)).wait(); // 10%
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.emit(sys.settlement, "ConstraintBreached")
      .withArgs(ins.id, ins.portfolio, 4, ethers.MaxUint256, (20n * WAD) / 100n, WAD / 10n);
  });

  it("pauses by guardian or governance only (IGuardianPausable), refuses instructions while paused, unpauses by governance", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    await expect(sys.settlement.connect(sys.outsider).pause()).to.be.revertedWithCustomError(
      sys.settlement,
      "GuardianPausable__NotGuardianOrGovernance",
    );
    await expect(sys.settlement.connect(sys.guardian).pause()).to.emit(sys.settlement, "Paused");
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "GuardianPausable__UnexpectedPauseState")
      .withArgs(true);
    await (await sys.settlement.connect(sys.governance).unpause()).wait();
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.emit(sys.settlement, "SettlementFinalized");
  });

  it("lets only governance allow portfolios and venues, and only the settlement fund escrow", async () => {
    const outsider = sys.settlement.connect(sys.outsider);
    await expect(outsider.setVenue(await sys.outsider.getAddress(), true)).to.be.revertedWithCustomError(
      sys.settlement,
      "OwnableUnauthorizedAccount",
    );
    await expect(outsider.setPortfolio(await sys.outsider.getAddress(), true)).to.be.revertedWithCustomError(
      sys.settlement,
      "OwnableUnauthorizedAccount",
    );
    await expect(sys.vault.connect(sys.keeper).fundEscrow([sys.addresses[0]!], [1n]))
      .to.be.revertedWithCustomError(sys.vault, "Vault__NotSettlement")
      .withArgs(await sys.keeper.getAddress());
    await expect(
      sys.adapter.connect(sys.keeper).swap(sys.addresses[0]!, sys.addresses[1]!, 1n, 0n, sys.vault.target),
    ).to.be.revertedWithCustomError(sys.adapter, "Venue__NotSettlement");
  });
});
