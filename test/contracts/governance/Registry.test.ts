import { expect } from "chai";
import { encodeAbiParameters, keccak256, parseAbiParameters, type Hex } from "viem";
import { foldAuditChain, type AuditEntry } from "../../../src/audit/chain.ts";
import { WAD } from "../../../src/chain/governance/types.ts";
import { PARAMETERS, deployFixture, ethers, networkHelpers, type GovernanceFixture } from "./fixture.ts";

describe("ModelRegistry: access, validation and audit chain", () => {
  let f: GovernanceFixture;

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
  });

  it("reverts every setter called by anyone but the timelock with OwnableUnauthorizedAccount", async () => {
    const r = f.registry.connect(f.voter);
    const calls = [
      () => r.pinOptimizerBuild(ethers.id("x"), "9"),
      () => r.addViewSigner(f.outsider.address),
      () => r.removeViewSigner(f.outsider.address),
      () => r.addKeeper(f.outsider.address),
      () => r.removeKeeper(f.outsider.address),
      () => r.setStrategyParameters(PARAMETERS),
      () => r.setConstraintSet({ contentHash: ethers.id("c"), uri: "u", maxPositionWeight: WAD, maxTurnover: WAD }),
      () => r.setGuardian(f.outsider.address),
      () => r.unpause(),
      () => r.transferOwnership(f.voter.address),
    ];
    for (const call of calls) {
      await expect(call())
        .to.be.revertedWithCustomError(f.registry, "OwnableUnauthorizedAccount")
        .withArgs(f.voter.address);
    }
    await expect(r.pause()).to.be.revertedWithCustomError(f.registry, "GuardianPausable__NotGuardianOrGovernance");
  });

  it("validates as the timelock would see it: diagnostics name the field and bounds", async () => {
    const timelock = await ethers.getImpersonatedSigner(await f.timelock.getAddress());
    await networkHelpers.setBalance(await timelock.getAddress(), WAD);
    const r = f.registry.connect(timelock);
    await expect(r.setStrategyParameters({ ...PARAMETERS, tau: WAD + 1n }))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__ParameterOutOfRange")
      .withArgs("tau", WAD + 1n, 1n, WAD);
    await expect(r.setStrategyParameters({ ...PARAMETERS, maxSlippageBps: 10_001 }))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__ParameterOutOfRange")
      .withArgs("maxSlippageBps", 10_001n, 1n, 10_000n);
    await expect(r.setStrategyParameters({ ...PARAMETERS, rebalanceCalendar: "" }))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__InvalidStringLength")
      .withArgs("rebalanceCalendar", 0n, 64n);
    await expect(r.setStrategyParameters({ ...PARAMETERS, rebalanceCalendar: "0 0 * * * 1" }))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__InvalidCalendar")
      .withArgs("0 0 * * * 1", 6n);
    await expect(r.pinOptimizerBuild(ethers.ZeroHash, "1"))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__ZeroHash")
      .withArgs("optimizerBuildHash");
    await expect(r.renounceOwnership()).to.be.revertedWithCustomError(f.registry, "ModelRegistry__RenounceDisabled");
    await expect(r.strategyParametersAt(2n))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistry__UnknownVersion")
      .withArgs(2n, 1n);
  });

  it("records every change in the audit chain: the fold of the logs equals auditHead()", async () => {
    const timelock = await ethers.getImpersonatedSigner(await f.timelock.getAddress());
    await networkHelpers.setBalance(await timelock.getAddress(), WAD);
    const r = f.registry.connect(timelock);
    await r.addKeeper(f.outsider.address);
    await r.setStrategyParameters({ ...PARAMETERS, optimizerType: 2 });
    await r.pause();

    const logs = await f.registry.queryFilter(f.registry.filters.AuditRecorded());
    const entries: AuditEntry[] = logs.map((log) => ({
      index: log.args.index,
      eventType: log.args.eventType as Hex,
      prevHead: log.args.prevHead as Hex,
      payloadHash: log.args.payloadHash as Hex,
      head: log.args.head as Hex,
    }));
    const fold = foldAuditChain(entries);
    expect(fold.firstBreak).to.equal(null);
    expect(fold.head).to.equal(await f.registry.auditHead());
    expect(BigInt(fold.count)).to.equal(await f.registry.auditCount());

    // The payload of StrategyParametersUpdated is abi.encode(version, parameters), as docs/audit-chain.md says.
    const last = logs.findLast(
      (l) => l.args.eventType === f.registry.interface.getEvent("StrategyParametersUpdated").topicHash,
    );
    const p = { ...PARAMETERS, optimizerType: 2 };
    const expected = keccak256(
      encodeAbiParameters(
        parseAbiParameters(
          "uint256, (uint8 optimizerType, uint256 riskAversion, uint256 tau, bytes32 riskBudgetsHash, uint256 driftThreshold, uint256 volatilityBudget, string rebalanceCalendar, uint16 maxSlippageBps)",
        ),
        [2n, p],
      ),
    );
    expect(last?.args.payloadHash).to.equal(expected);
  });
});
