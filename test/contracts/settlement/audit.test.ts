import { expect } from "chai";
import { network } from "hardhat";
import { makeInstruction, uniLeg, WAD, type System } from "../../helpers/settlement.ts";
import { standardSystem, TARGETS, USDC, usdc, WBTC, WETH } from "./system.ts";
import { checkAuditedPayloads, foldAuditLogs } from "../../helpers/auditLogs.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

describe("Settlement: audited events extend the audit chain with the exact event payloads", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("covers every audited event across settle, pre-trade halt, RFQ breach and rollback; the fold matches", async () => {
    const seen: string[] = [];
    const settle = await makeInstruction(sys, TARGETS, [await uniLeg(sys, USDC, WBTC, usdc(200_000))]);
    seen.push(
      ...checkAuditedPayloads(
        sys.settlement,
        (await (await sys.settlement.connect(sys.keeper).settle(settle)).wait())!,
      ),
    );

    const tooHeavy = await makeInstruction(
      sys,
      [(30n * WAD) / 100n, (70n * WAD) / 100n, 0n],
      [await uniLeg(sys, USDC, WETH, usdc(100_000))],
    );
    seen.push(
      ...checkAuditedPayloads(
        sys.settlement,
        (await (await sys.settlement.connect(sys.keeper).settle(tooHeavy)).wait())!,
      ),
    );
    const vault = sys.vault.target as string;
    seen.push(
      ...checkAuditedPayloads(
        sys.settlement,
        (await (await sys.settlement.connect(sys.governance).resume(vault)).wait())!,
      ),
    );

    const maker = await sys.maker.getAddress();
    await (await sys.tokens[WETH]!.mint(maker, 1_000n * WAD)).wait();
    await (await sys.tokens[WETH]!.connect(sys.maker).approve(sys.settlement.target, ethers.MaxUint256)).wait();
    // After the first settlement: USDC 400k, WETH 400k, WBTC ~200k. Sell $10k USDC for WETH.
    const leg = {
      sellToken: sys.addresses[USDC]!,
      buyToken: sys.addresses[WETH]!,
      amountIn: usdc(10_000),
      minAmountOut: 5n * WAD, // $10k at the oracle: an RFQ fill is exactly the limit
      venue: maker,
    };
    const [, balances] = await sys.vault.holdings();
    expect(balances[USDC]).to.equal(usdc(400_000));
    const rfq = await makeInstruction(sys, TARGETS, [leg]);
    seen.push(
      ...checkAuditedPayloads(sys.settlement, (await (await sys.settlement.connect(sys.keeper).lock(rfq)).wait())!),
    );
    await (await sys.settlement.connect(sys.maker).fill(rfq.id, 0, 5n * WAD)).wait();
    // A 1-wei weight tolerance: no executed weight can meet it, so finalize rolls back and halts.
    await (await sys.registry.setLimits(200, 1n, (60n * WAD) / 100n, WAD / 2n)).wait();
    const breach = checkAuditedPayloads(
      sys.settlement,
      (await (await sys.settlement.connect(sys.maker).finalize(rfq.id)).wait())!,
    );
    expect(breach).to.deep.equal(["ConstraintBreached", "PortfolioHalted", "RolledBack"]);
    seen.push(...breach);
    await (await sys.settlement.connect(sys.governance).resume(vault)).wait();
    await (await sys.registry.setLimits(200, (5n * WAD) / 100n, (60n * WAD) / 100n, WAD / 2n)).wait();
    seen.push(
      ...checkAuditedPayloads(sys.settlement, (await (await sys.settlement.connect(sys.guardian).pause()).wait())!),
    );
    seen.push(
      ...checkAuditedPayloads(sys.settlement, (await (await sys.settlement.connect(sys.governance).unpause()).wait())!),
    );
    const policy = { lossBudget: WAD, lossWindow: 86_400n, minInterval: 0n };
    const setPolicy = sys.settlement.connect(sys.governance).setPortfolioPolicy(vault, policy);
    seen.push(...checkAuditedPayloads(sys.settlement, (await (await setPolicy).wait())!));
    const setMaker = sys.settlement.connect(sys.governance).setMaker(maker, true);
    seen.push(...checkAuditedPayloads(sys.settlement, (await (await setMaker).wait())!));

    const cancelled = await makeInstruction(sys, TARGETS, [leg]);
    await (await sys.settlement.connect(sys.keeper).lock(cancelled)).wait();
    seen.push(
      ...checkAuditedPayloads(
        sys.settlement,
        (await (await sys.settlement.connect(sys.keeper).rollback(cancelled.id)).wait())!,
      ),
    );

    expect(new Set(seen)).to.deep.equal(
      new Set([
        "PortfolioOptimized",
        "RebalanceInstructionIssued",
        "EscrowLocked",
        "SettlementFinalized",
        "ConstraintBreached",
        "PortfolioHalted",
        "PortfolioResumed",
        "Paused",
        "Unpaused",
        "RolledBack",
        "PortfolioPolicySet",
        "MakerSet",
      ]),
    );
    const logs = await sys.settlement.queryFilter(sys.settlement.filters.AuditRecorded());
    const fold = foldAuditLogs(logs);
    expect(fold.firstBreak).to.equal(null);
    expect(fold.head).to.equal(await sys.settlement.auditHead());
    expect(BigInt(fold.count)).to.equal(await sys.settlement.auditCount());
  });
  for (const which of ["settlement", "vault", "oracle"] as const) {
    it(`chains the ${which}'s ownership: its constructor's and each accepted handover, not the pending step`, async () => {
      const contract = sys[which];
      const logs = await contract.queryFilter(contract.filters.AuditRecorded());
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const genesis = coder.encode(["address", "address"], [ethers.ZeroAddress, await sys.governance.getAddress()]);
      expect(logs[0]!.args.eventType).to.equal(contract.interface.getEvent("OwnershipTransferred").topicHash);
      expect(logs[0]!.args.payloadHash).to.equal(ethers.keccak256(genesis));

      const started = await (await contract.connect(sys.governance).transferOwnership(sys.outsider)).wait();
      expect(checkAuditedPayloads(contract, started!)).to.deep.equal([]);
      const accepted = await (await contract.connect(sys.outsider).acceptOwnership()).wait();
      expect(checkAuditedPayloads(contract, accepted!)).to.deep.equal(["OwnershipTransferred"]);
      const fold = foldAuditLogs(await contract.queryFilter(contract.filters.AuditRecorded()));
      expect(fold.firstBreak).to.equal(null);
      expect(fold.head).to.equal(await contract.auditHead());
    });
  }
});
