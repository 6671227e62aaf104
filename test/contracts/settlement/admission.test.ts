// Admission on the atomic path: every refusal happens before any transfer and names what it refused
// (the lifecycle and execution are in atomic.test.ts).
import { expect } from "chai";
import { network } from "hardhat";
import { makeInstruction, signInstruction, uniLeg, vaultBalances, WAD, type System } from "../../helpers/settlement.ts";
import { standardSystem, TARGETS, USDC, usdc, WBTC } from "./system.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);
describe("Settlement: atomic-path admission", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("refuses a portfolio whose NAV is zero", async () => {
    const empty = await ethers.deployContract("PortfolioVault", [
      await sys.governance.getAddress(),
      sys.settlement.target,
      sys.addresses,
    ]);
    await (await sys.settlement.setPortfolio(empty.target, true)).wait();
    const leg = await uniLeg(sys, USDC, WBTC, usdc(1));
    const ins = await makeInstruction(sys, TARGETS, [leg], { portfolio: await empty.getAddress(), nonce: 1n });
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__ZeroNav")
      .withArgs(empty.target);
  });

  it("refuses a signature by a non-keeper and a signature over another instruction", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    const bySomeone = await signInstruction(sys, sys.outsider, ins);
    await expect(sys.settlement.settleSigned(ins, bySomeone))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotKeeper")
      .withArgs(await sys.outsider.getAddress());
    const signed = await signInstruction(sys, sys.keeper, ins);
    const tampered = { ...ins, legs: [{ ...ins.legs[0]!, minAmountOut: 1n }] };
    await expect(sys.settlement.settleSigned(tampered, signed)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__NotKeeper",
    );
  });

  it("refuses a caller that is not a registry keeper", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    await expect(sys.settlement.connect(sys.outsider).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NotKeeper")
      .withArgs(await sys.outsider.getAddress());
  });

  it("refuses an instruction built by another optimiser build", async () => {
    const other = "0x" + "cd".repeat(32);
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))], {
      optimiserBuildHash: other,
    });
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__BuildHashMismatch")
      .withArgs("0x" + "ab".repeat(32), other);
  });

  it("settles an id at most once and refuses any nonce but the next, before any transfer", async () => {
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const ins = await makeInstruction(sys, TARGETS, [leg]);
    await (await sys.settlement.connect(sys.keeper).settle(ins)).wait();
    const balances = await vaultBalances(sys);

    await expect(sys.settlement.connect(sys.keeper).settle({ ...ins, nonce: ins.nonce + 1n }))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__InstructionExists")
      .withArgs(ins.id, 2n);
    const replayNonce = await makeInstruction(sys, TARGETS, [leg], { nonce: ins.nonce });
    await expect(sys.settlement.connect(sys.keeper).settle(replayNonce))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NonceNotNext")
      .withArgs(ins.portfolio, ins.nonce, ins.nonce + 1n);
    const huge = await makeInstruction(sys, TARGETS, [leg], { nonce: 2n ** 64n - 1n });
    await expect(sys.settlement.connect(sys.keeper).settle(huge))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__NonceNotNext")
      .withArgs(ins.portfolio, 2n ** 64n - 1n, ins.nonce + 1n);
    expect(await vaultBalances(sys)).to.deep.equal(balances);
  });

  it("refuses an expired instruction", async () => {
    const ins = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))], {
      deadline: 1n,
    });
    await expect(sys.settlement.connect(sys.keeper).settle(ins)).to.be.revertedWithCustomError(
      sys.settlement,
      "Settlement__Expired",
    );
  });

  it("refuses unknown portfolios and venues that governance did not allow", async () => {
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const stranger = await sys.outsider.getAddress();
    const ins = await makeInstruction(sys, TARGETS, [leg], { portfolio: stranger });
    await expect(sys.settlement.connect(sys.keeper).settle(ins))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__UnknownPortfolio")
      .withArgs(stranger);
    const rogue = await makeInstruction(sys, TARGETS, [{ ...leg, venue: stranger }]);
    await expect(sys.settlement.connect(sys.keeper).settle(rogue))
      .to.be.revertedWithCustomError(sys.settlement, "Settlement__VenueNotAllowed")
      .withArgs(0, stranger);
  });

  it("names malformed targets and legs", async () => {
    const leg = await uniLeg(sys, USDC, WBTC, usdc(200_000));
    const s = sys.settlement.connect(sys.keeper);
    await expect(s.settle(await makeInstruction(sys, [WAD], [leg])))
      .to.be.revertedWithCustomError(s, "Settlement__TargetsLength")
      .withArgs(1, 3);
    await expect(s.settle(await makeInstruction(sys, [WAD, WAD, 0n], [leg])))
      .to.be.revertedWithCustomError(s, "Settlement__TargetsSum")
      .withArgs(2n * WAD);
    await expect(s.settle(await makeInstruction(sys, TARGETS, [])))
      .to.be.revertedWithCustomError(s, "Settlement__LegCount")
      .withArgs(0, 32);
    await expect(s.settle(await makeInstruction(sys, TARGETS, Array(33).fill(leg))))
      .to.be.revertedWithCustomError(s, "Settlement__LegCount")
      .withArgs(33, 32);
    await expect(s.settle(await makeInstruction(sys, TARGETS, [{ ...leg, amountIn: 0n }])))
      .to.be.revertedWithCustomError(s, "Settlement__InvalidLeg")
      .withArgs(0);
    await expect(s.settle(await makeInstruction(sys, TARGETS, [{ ...leg, buyToken: leg.sellToken }])))
      .to.be.revertedWithCustomError(s, "Settlement__InvalidLeg")
      .withArgs(0);
    const foreign = await sys.outsider.getAddress();
    await expect(s.settle(await makeInstruction(sys, TARGETS, [leg, { ...leg, buyToken: foreign }])))
      .to.be.revertedWithCustomError(s, "Settlement__LegNotInUniverse")
      .withArgs(1, foreign);
  });
});
