import { expect } from "chai";
import type { Address } from "viem";
import GovernanceModule from "../../../ignition/modules/Governance.ts";
import { connection, ethers, genesisFor } from "./fixture.ts";

describe("Governance: Ignition module", () => {
  it("deploys the same wiring as deployGovernance: governor-only proposer/executor, guardian canceller, admin renounced", async () => {
    const [deployer, , , guardian] = await ethers.getSigners();
    const { timelock, governor, registry, token } = await connection.ignition.deploy(GovernanceModule, {
      parameters: { Governance: { guardian: guardian!.address, genesis: genesisFor([], []) as never } },
      displayUi: false,
    });
    const governorAddress = await governor.getAddress();
    const has = (role: string, account: string): Promise<boolean> =>
      timelock.getFunction("hasRole")(role, account) as Promise<boolean>;
    const role = (name: string): Promise<string> => timelock.getFunction(name)() as Promise<string>;
    expect(await has(await role("PROPOSER_ROLE"), governorAddress)).to.equal(true);
    expect(await has(await role("EXECUTOR_ROLE"), governorAddress)).to.equal(true);
    expect(await has(await role("CANCELLER_ROLE"), guardian!.address)).to.equal(true);
    expect(await has(await role("PROPOSER_ROLE"), guardian!.address)).to.equal(false);
    expect(await has(await role("DEFAULT_ADMIN_ROLE"), deployer!.address)).to.equal(false);
    expect(await registry.getFunction("owner")()).to.equal(await timelock.getAddress());
    expect(await governor.getFunction("token")()).to.equal(await token.getAddress());
    expect((await registry.getFunction("keepers")()) as Address[]).to.deep.equal([]);
  });
});
