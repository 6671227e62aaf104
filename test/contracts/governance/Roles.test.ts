import { expect } from "chai";
import type { Address } from "viem";
import { deployGovernance } from "../../../src/chain/deployGovernance.ts";
import { InputError } from "../../../src/errors.ts";
import { connection, deployFixture, genesisFor, networkHelpers, type GovernanceFixture } from "./fixture.ts";

describe("Governance: roles after setup", () => {
  let f: GovernanceFixture;

  beforeEach(async () => {
    f = await networkHelpers.loadFixture(deployFixture);
  });

  it("leaves the deployer with no timelock role and the timelock as its own admin", async () => {
    const roles = await Promise.all([
      f.timelock.DEFAULT_ADMIN_ROLE(),
      f.timelock.PROPOSER_ROLE(),
      f.timelock.EXECUTOR_ROLE(),
      f.timelock.CANCELLER_ROLE(),
    ]);
    for (const role of roles) expect(await f.timelock.hasRole(role, f.deployer.address)).to.equal(false);
    expect(await f.timelock.hasRole(roles[0], await f.timelock.getAddress())).to.equal(true);
  });

  it("makes the governor the only proposer and executor, and the guardian a canceller only", async () => {
    const governor = await f.governor.getAddress();
    const guardian = await f.safe.getAddress();
    expect(await f.timelock.hasRole(await f.timelock.PROPOSER_ROLE(), governor)).to.equal(true);
    expect(await f.timelock.hasRole(await f.timelock.EXECUTOR_ROLE(), governor)).to.equal(true);
    expect(await f.timelock.hasRole(await f.timelock.EXECUTOR_ROLE(), "0x" + "00".repeat(20))).to.equal(false);
    expect(await f.timelock.hasRole(await f.timelock.CANCELLER_ROLE(), guardian)).to.equal(true);
    expect(await f.timelock.hasRole(await f.timelock.PROPOSER_ROLE(), guardian)).to.equal(false);
    expect(await f.timelock.hasRole(await f.timelock.EXECUTOR_ROLE(), guardian)).to.equal(false);
    expect(await f.timelock.getMinDelay()).to.equal(48n * 3600n);
  });

  it("gives the registry to the timelock and the pause power to the guardian", async () => {
    expect(await f.registry.owner()).to.equal(await f.timelock.getAddress());
    expect(await f.registry.guardian()).to.equal(await f.safe.getAddress());
    expect(await f.registry.paused()).to.equal(false);
  });

  it("mints the fixed supply once, to the holder, with a timestamp votes clock", async () => {
    expect(await f.token.totalSupply()).to.equal(await f.token.balanceOf(f.voter.address));
    expect(await f.token.CLOCK_MODE()).to.equal("mode=timestamp");
    expect(await f.governor.CLOCK_MODE()).to.equal("mode=timestamp");
  });

  it("refuses a guardian Safe with fewer owners than its threshold, naming the field", async () => {
    const error = await deployGovernance(connection, {
      safeOwners: [f.safeOwners[0]!.address as Address],
      genesis: genesisFor([], []),
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).code).to.equal("SAFE_OWNERS_INVALID");
    expect((error as InputError).message).to.contain("2-of-1");
  });
});
