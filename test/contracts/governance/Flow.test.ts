import { expect } from "chai";
import { TIMELOCK_DELAY_SECONDS } from "../../../src/chain/deployGovernance.ts";
import { WAD } from "../../../src/chain/governance/types.ts";
import { PARAMETERS, deployFixture, ethers, networkHelpers, type GovernanceFixture } from "./fixture.ts";
import { descriptionHash, proposeAndPass, queue, type Proposal } from "./proposal.ts";

const { time } = networkHelpers;

describe("Governance: propose → vote → queue → 48 h → execute", () => {
  let f: GovernanceFixture;
  let proposal: Proposal;
  const newParameters = { ...PARAMETERS, riskAversion: 3n * WAD, maxSlippageBps: 30 };

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
    proposal = {
      targets: [await f.registry.getAddress()],
      values: [0n],
      calldatas: [f.registry.interface.encodeFunctionData("setStrategyParameters", [newParameters])],
      description: "Raise risk aversion to 3, cut slippage to 30 bps",
    };
  });

  it("changes the registry's parameters only after the vote and the full 48 h delay", async () => {
    const id = await proposeAndPass(f.governor, f.voter, proposal);
    expect(await f.governor.state(id)).to.equal(4n); // Succeeded
    await queue(f.governor, proposal);
    expect(await f.governor.state(id)).to.equal(5n); // Queued
    const eta = await f.governor.proposalEta(id);
    expect(eta - BigInt(await time.latest())).to.equal(TIMELOCK_DELAY_SECONDS);

    await time.increaseTo(eta);
    await expect(
      f.governor.execute(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
    ).to.emit(f.registry, "StrategyParametersUpdated");
    expect(await f.governor.state(id)).to.equal(7n); // Executed
    expect(await f.registry.parametersVersion()).to.equal(2n);
    const current = await f.registry.strategyParameters();
    expect(current.riskAversion).to.equal(3n * WAD);
    expect(current.maxSlippageBps).to.equal(30n);
    expect((await f.registry.strategyParametersAt(1n)).riskAversion).to.equal(PARAMETERS.riskAversion);
  });

  it("reverts an execute one second before the 48 h are over, and leaves the registry unchanged", async () => {
    const id = await proposeAndPass(f.governor, f.voter, proposal);
    await queue(f.governor, proposal);
    const eta = await f.governor.proposalEta(id);
    await time.setNextBlockTimestamp(eta - 1n);
    await expect(
      f.governor.execute(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
    ).to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState");
    expect(await f.registry.parametersVersion()).to.equal(1n);
  });

  it("cannot execute a proposal that was never queued", async () => {
    await proposeAndPass(f.governor, f.voter, proposal);
    await time.increase(TIMELOCK_DELAY_SECONDS);
    await expect(
      f.governor.execute(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
    ).to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState");
  });

  it("lets no one but the governor schedule or execute on the timelock", async () => {
    const salt = ethers.ZeroHash;
    const [target] = proposal.targets;
    const [data] = proposal.calldatas;
    await expect(
      f.timelock.connect(f.voter).schedule(target!, 0n, data!, ethers.ZeroHash, salt, TIMELOCK_DELAY_SECONDS),
    ).to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount");
    await expect(
      f.timelock.connect(f.outsider).execute(target!, 0n, data!, ethers.ZeroHash, salt),
    ).to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount");
  });

  it("refuses a proposal to cut the delay below 48 h (the timelock's floor)", async () => {
    const cut: Proposal = {
      targets: [await f.timelock.getAddress()],
      values: [0n],
      calldatas: [f.timelock.interface.encodeFunctionData("updateDelay", [3600n])],
      description: "Cut the delay to one hour",
    };
    const id = await proposeAndPass(f.governor, f.voter, cut);
    await queue(f.governor, cut);
    await time.increaseTo(await f.governor.proposalEta(id));
    await expect(f.governor.execute(cut.targets, cut.values, cut.calldatas, descriptionHash(cut)))
      .to.be.revertedWithCustomError(f.timelock, "PortfolioTimelock__DelayBelowFloor")
      .withArgs(3600n, TIMELOCK_DELAY_SECONDS);
    expect(await f.timelock.getMinDelay()).to.equal(TIMELOCK_DELAY_SECONDS);
  });

  it("defeats a proposal that misses quorum", async () => {
    await f.token.connect(f.voter).transfer(f.outsider.address, 30_000n * WAD); // 3% < 4% quorum
    await f.token.connect(f.outsider).delegate(f.outsider.address);
    await f.token.connect(f.voter).delegate(ethers.ZeroAddress);
    await time.increase(1);
    const p = { ...proposal, description: "small" };
    await f.governor.connect(f.outsider).propose(p.targets, p.values, p.calldatas, p.description);
    const id = await f.governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p));
    await time.increase((await f.governor.votingDelay()) + 1n);
    await f.governor.connect(f.outsider).castVote(id, 1);
    await time.increase(await f.governor.votingPeriod());
    expect(await f.governor.state(id)).to.equal(3n); // Defeated
  });

  it("lets the proposer withdraw a proposal before voting starts; it can then never be queued", async () => {
    await f.governor
      .connect(f.voter)
      .propose(proposal.targets, proposal.values, proposal.calldatas, proposal.description);
    const id = await f.governor.hashProposal(
      proposal.targets,
      proposal.values,
      proposal.calldatas,
      descriptionHash(proposal),
    );
    await expect(
      f.governor
        .connect(f.voter)
        .cancel(proposal.targets, proposal.values, proposal.calldatas, descriptionHash(proposal)),
    )
      .to.emit(f.governor, "ProposalCanceled")
      .withArgs(id);
    expect(await f.governor.state(id)).to.equal(2n); // Canceled
    await expect(queue(f.governor, proposal)).to.be.revertedWithCustomError(
      f.governor,
      "GovernorUnexpectedProposalState",
    );
  });

  it("counts ERC-2612 permits with the token's nonces (ERC20Permit and Votes share them)", async () => {
    const owner = f.voter;
    const spender = f.outsider.address;
    const { chainId } = await ethers.provider.getNetwork();
    const deadline = (await time.latest()) + 3600;
    expect(await f.token.nonces(owner.address)).to.equal(0n);
    const domain = { name: await f.token.name(), version: "1", chainId, verifyingContract: await f.token.getAddress() };
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const value = 5n * WAD;
    const signature = ethers.Signature.from(
      await owner.signTypedData(domain, types, { owner: owner.address, spender, value, nonce: 0n, deadline }),
    );
    await f.token.permit(owner.address, spender, value, deadline, signature.v, signature.r, signature.s);
    expect(await f.token.allowance(owner.address, spender)).to.equal(value);
    expect(await f.token.nonces(owner.address)).to.equal(1n);
  });
});
