import { expect } from "chai";
import { execSafeTransaction } from "../../../src/chain/safe.ts";
import { TIMELOCK_DELAY_SECONDS } from "../../../src/chain/deployGovernance.ts";
import type { Settlement } from "../../../types/ethers-contracts/index.ts";
import { deployFixture, ethers, networkHelpers, type GovernanceFixture } from "./fixture.ts";
import { descriptionHash, proposeAndPass, queue, type Proposal } from "./proposal.ts";

const { time } = networkHelpers;

describe("Governance: the guardian Safe cannot keep itself in office", () => {
  let f: GovernanceFixture;
  let settlement: Settlement;
  let newGuardian: string;

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
    const timelock = await f.timelock.getAddress();
    const oracle = await ethers.deployContract("ChainlinkPriceOracle", [timelock]);
    const rfqEscrow = await ethers.deployContract("RfqEscrow");
    settlement = await ethers.deployContract(
      "Settlement",
      [await f.registry.getAddress(), await oracle.getAddress(), timelock, await f.safe.getAddress()],
      { libraries: { RfqEscrow: await rfqEscrow.getAddress() } },
    );
    newGuardian = f.outsider.address;
  });

  /** The timelock operation id GovernorTimelockControl uses: salt = governor address ^ description hash. */
  async function operationId(p: Proposal): Promise<string> {
    const salt = (BigInt(await f.governor.getAddress()) << 96n) ^ BigInt(descriptionHash(p));
    return f.timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, ethers.toBeHex(salt, 32));
  }

  async function replacement(): Promise<Proposal> {
    const timelock = await f.timelock.getAddress();
    const canceller = await f.timelock.CANCELLER_ROLE();
    return {
      targets: [await f.registry.getAddress(), await settlement.getAddress(), timelock, timelock],
      values: [0n, 0n, 0n, 0n],
      calldatas: [
        f.registry.interface.encodeFunctionData("setGuardian", [newGuardian]),
        settlement.interface.encodeFunctionData("setGuardian", [newGuardian]),
        f.timelock.interface.encodeFunctionData("grantRole", [canceller, newGuardian]),
        f.timelock.interface.encodeFunctionData("revokeRole", [canceller, await f.safe.getAddress()]),
      ],
      description: "Replace the guardian Safe",
    };
  }

  async function safeCancel(opId: string): ReturnType<typeof execSafeTransaction> {
    return execSafeTransaction(f.safe, [f.safeOwners[0]!, f.safeOwners[2]!], {
      to: await f.timelock.getAddress(),
      data: f.timelock.interface.encodeFunctionData("cancel", [opId]),
    });
  }

  it("guardian cancelling its own replacement: the Safe transaction reverts with the named error; the replacement executes", async () => {
    const p = await replacement();
    const id = await proposeAndPass(f.governor, f.voter, p);
    const opId = await operationId(p);
    await expect(f.governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p)))
      .to.emit(f.timelock, "GuardianProtectedOperationScheduled")
      .withArgs(opId);
    expect(await f.governor.state(id)).to.equal(5n); // Queued
    expect(await f.timelock.isGuardianProtected(opId)).to.equal(true);

    // Two owners sign a real SafeTx; with safeTxGas = 0 the Safe 1.5 bubbles the timelock's revert data.
    const safe = await f.safe.getAddress();
    await expect(safeCancel(opId))
      .to.be.revertedWithCustomError(f.timelock, "PortfolioTimelock__GuardianCannotCancel")
      .withArgs(opId, safe);
    // The same revert data, decoded by hand from a simulated call as the Safe.
    const data = f.timelock.interface.encodeFunctionData("cancel", [opId]);
    const revert = await ethers.provider.call({ from: safe, to: await f.timelock.getAddress(), data }).then(
      () => null,
      (e: { data?: string }) => e.data ?? null,
    );
    const decoded = f.timelock.interface.parseError(revert!);
    expect(decoded?.name).to.equal("PortfolioTimelock__GuardianCannotCancel");
    expect(decoded?.args.toArray()).to.deep.equal([opId, safe]);
    expect(await f.timelock.isOperationPending(opId)).to.equal(true);

    await time.increase(TIMELOCK_DELAY_SECONDS);
    await f.governor.execute(p.targets, p.values, p.calldatas, descriptionHash(p));
    expect(await f.governor.state(id)).to.equal(7n); // Executed
    expect(await f.registry.guardian()).to.equal(newGuardian);
    expect(await settlement.guardian()).to.equal(newGuardian);
    const canceller = await f.timelock.CANCELLER_ROLE();
    expect(await f.timelock.hasRole(canceller, safe)).to.equal(false);
    expect(await f.timelock.hasRole(canceller, newGuardian)).to.equal(true);
  });

  it("still lets the Safe cancel an ordinary queued proposal", async () => {
    const p: Proposal = {
      targets: [await settlement.getAddress()],
      values: [0n],
      calldatas: [settlement.interface.encodeFunctionData("transferOwnership", [f.outsider.address])],
      description: "Hand the settlement to an outsider (malicious)",
    };
    const id = await proposeAndPass(f.governor, f.voter, p);
    await queue(f.governor, p);
    const opId = await operationId(p);
    expect(await f.timelock.isGuardianProtected(opId)).to.equal(false);

    await expect(safeCancel(opId)).to.emit(f.timelock, "Cancelled").withArgs(opId);
    expect(await f.governor.state(id)).to.equal(2n); // Canceled
  });

  it("still lets the Safe cancel a proposal that hides a setGuardian next to an ordinary call", async () => {
    const p: Proposal = {
      targets: [await f.registry.getAddress(), await settlement.getAddress()],
      values: [0n, 0n],
      calldatas: [
        f.registry.interface.encodeFunctionData("setGuardian", [await f.safe.getAddress()]),
        settlement.interface.encodeFunctionData("transferOwnership", [f.outsider.address]),
      ],
      description: "Keep the guardian, hand the settlement to an outsider (malicious)",
    };
    const id = await proposeAndPass(f.governor, f.voter, p);
    await queue(f.governor, p);
    await expect(safeCancel(await operationId(p))).to.emit(f.timelock, "Cancelled");
    expect(await f.governor.state(id)).to.equal(2n); // Canceled
  });
});
