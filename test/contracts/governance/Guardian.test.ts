import { expect } from "chai";
import { execSafeBatch, execSafeTransaction } from "../../../src/chain/safe.ts";
import { TIMELOCK_DELAY_SECONDS } from "../../../src/chain/deployGovernance.ts";
import { PARAMETERS, deployFixture, ethers, networkHelpers, type GovernanceFixture } from "./fixture.ts";
import { descriptionHash, proposeAndPass, queue, type Proposal } from "./proposal.ts";

const { time } = networkHelpers;

describe("Governance: guardian Safe (2-of-3)", () => {
  let f: GovernanceFixture;
  let proposal: Proposal;

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
    proposal = {
      targets: [await f.registry.getAddress()],
      values: [0n],
      calldatas: [
        f.registry.interface.encodeFunctionData("setStrategyParameters", [{ ...PARAMETERS, maxSlippageBps: 9_000 }]),
      ],
      description: "Allow 90% slippage (malicious)",
    };
  });

  /** The timelock operation id GovernorTimelockControl uses: salt = governor address ^ description hash. */
  async function operationId(p: Proposal): Promise<string> {
    const salt = (BigInt(await f.governor.getAddress()) << 96n) ^ BigInt(descriptionHash(p));
    return f.timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, ethers.toBeHex(salt, 32));
  }

  it("cancels a queued proposal through a Safe transaction signed by two owners; it never executes", async () => {
    const id = await proposeAndPass(f.governor, f.voter, proposal);
    await queue(f.governor, proposal);
    const opId = await operationId(proposal);
    expect(await f.timelock.isOperationPending(opId)).to.equal(true);

    const receipt = await execSafeTransaction(f.safe, [f.safeOwners[2]!, f.safeOwners[0]!], {
      to: await f.timelock.getAddress(),
      data: f.timelock.interface.encodeFunctionData("cancel", [opId]),
    });
    expect(receipt.status).to.equal(1);
    expect(await f.timelock.isOperation(opId)).to.equal(false);
    expect(await f.governor.state(id)).to.equal(2n); // Canceled

    await time.increase(TIMELOCK_DELAY_SECONDS * 2n);
    await expect(
      f.governor.execute(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
    ).to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState");
    expect(await f.registry.parametersVersion()).to.equal(1n);
  });

  it("cancels the queued proposal and pauses the registry in one Safe transaction (MultiSendCallOnly)", async () => {
    const id = await proposeAndPass(f.governor, f.voter, proposal);
    await queue(f.governor, proposal);
    const opId = await operationId(proposal);
    await expect(
      execSafeBatch(f.safe, [f.safeOwners[1]!, f.safeOwners[2]!], f.safeInfra, [
        { to: await f.timelock.getAddress(), data: f.timelock.interface.encodeFunctionData("cancel", [opId]) },
        { to: await f.registry.getAddress(), data: f.registry.interface.encodeFunctionData("pause") },
      ]),
    )
      .to.emit(f.timelock, "Cancelled")
      .withArgs(opId)
      .and.to.emit(f.registry, "Paused");
    expect(await f.governor.state(id)).to.equal(2n); // Canceled
    expect(await f.registry.paused()).to.equal(true);
  });

  it("makes a batch all-or-nothing: a refused call undoes the others", async () => {
    await expect(
      execSafeBatch(f.safe, [f.safeOwners[0]!, f.safeOwners[1]!], f.safeInfra, [
        { to: await f.registry.getAddress(), data: f.registry.interface.encodeFunctionData("pause") },
        { to: await f.registry.getAddress(), data: f.registry.interface.encodeFunctionData("unpause") },
      ]),
    ).to.be.revert(ethers);
    expect(await f.registry.paused()).to.equal(false);
  });

  it("needs two owner signatures: one is refused by the Safe", async () => {
    await expect(
      execSafeTransaction(f.safe, [f.safeOwners[0]!], {
        to: await f.registry.getAddress(),
        data: f.registry.interface.encodeFunctionData("pause"),
      }),
    ).to.be.revert(ethers);
    expect(await f.registry.paused()).to.equal(false);
  });

  it("pauses the registry; only a governance proposal unpauses it", async () => {
    await expect(
      execSafeTransaction(f.safe, [f.safeOwners[0]!, f.safeOwners[1]!], {
        to: await f.registry.getAddress(),
        data: f.registry.interface.encodeFunctionData("pause"),
      }),
    )
      .to.emit(f.registry, "Paused")
      .withArgs(await f.safe.getAddress());
    expect(await f.registry.paused()).to.equal(true);

    // The Safe may not unpause (a Safe tx whose inner call reverts is itself reverted: GS013).
    await expect(
      execSafeTransaction(f.safe, [f.safeOwners[0]!, f.safeOwners[1]!], {
        to: await f.registry.getAddress(),
        data: f.registry.interface.encodeFunctionData("unpause"),
      }),
    ).to.be.revert(ethers);
    await expect(f.registry.connect(f.voter).unpause())
      .to.be.revertedWithCustomError(f.registry, "OwnableUnauthorizedAccount")
      .withArgs(f.voter.address);

    const unpause: Proposal = {
      targets: [await f.registry.getAddress()],
      values: [0n],
      calldatas: [f.registry.interface.encodeFunctionData("unpause")],
      description: "Resume after incident review",
    };
    const id = await proposeAndPass(f.governor, f.voter, unpause);
    await queue(f.governor, unpause);
    await time.increaseTo(await f.governor.proposalEta(id));
    await f.governor.execute(unpause.targets, unpause.values, unpause.calldatas, descriptionHash(unpause));
    expect(await f.registry.paused()).to.equal(false);
  });

  it("cannot propose: no PROPOSER_ROLE on the timelock and no votes on the governor", async () => {
    await expect(
      execSafeTransaction(f.safe, [f.safeOwners[0]!, f.safeOwners[1]!], {
        to: await f.timelock.getAddress(),
        data: f.timelock.interface.encodeFunctionData("schedule", [
          proposal.targets[0]!,
          0n,
          proposal.calldatas[0]!,
          ethers.ZeroHash,
          ethers.ZeroHash,
          TIMELOCK_DELAY_SECONDS,
        ]),
      }),
    ).to.be.revert(ethers);
    // The same call made directly by a Safe owner shows the reason.
    await expect(
      f.timelock
        .connect(f.safeOwners[0]!)
        .schedule(
          proposal.targets[0]!,
          0n,
          proposal.calldatas[0]!,
          ethers.ZeroHash,
          ethers.ZeroHash,
          TIMELOCK_DELAY_SECONDS,
        ),
    ).to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount");

    await expect(
      execSafeTransaction(f.safe, [f.safeOwners[0]!, f.safeOwners[1]!], {
        to: await f.governor.getAddress(),
        data: f.governor.interface.encodeFunctionData("propose", [
          proposal.targets,
          proposal.values,
          proposal.calldatas,
          proposal.description,
        ]),
      }),
    ).to.be.revert(ethers);
    await expect(
      f.governor
        .connect(f.outsider)
        .propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description),
    ).to.be.revertedWithCustomError(f.governor, "GovernorInsufficientProposerVotes");
  });
});
