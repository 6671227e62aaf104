import { expect } from "chai";
import type { Address } from "viem";
import GovernanceModule from "../../../ignition/modules/Governance.ts";
import { genesisParameter } from "../../../src/chain/systemParameters.ts";
import { connection, ethers, genesisFor } from "./fixture.ts";

describe("Governance: Ignition module", () => {
  it("deploys a 2-of-3 guardian Safe and governance: governor-only proposer/executor, guardian canceller, admin renounced", async () => {
    const [deployer, , , o1, o2, o3] = await ethers.getSigners();
    const { timelock, governor, registry, token, guardianSafe } = await connection.ignition.deploy(GovernanceModule, {
      parameters: {
        GuardianSafe: { owners: [o1!.address, o2!.address, o3!.address] },
        Governance: { genesis: genesisParameter(genesisFor([], [])) },
      },
      displayUi: false,
    });
    const guardian = { address: await guardianSafe.getAddress() };
    expect(await guardianSafe.getFunction("getThreshold")()).to.equal(2n);
    expect(await guardianSafe.getFunction("getOwners")()).to.deep.equal([o1!.address, o2!.address, o3!.address]);
    const governorAddress = await governor.getAddress();
    const has = (role: string, account: string): Promise<boolean> =>
      timelock.getFunction("hasRole")(role, account) as Promise<boolean>;
    const role = (name: string): Promise<string> => timelock.getFunction(name)() as Promise<string>;
    expect(await has(await role("PROPOSER_ROLE"), governorAddress)).to.equal(true);
    expect(await has(await role("EXECUTOR_ROLE"), governorAddress)).to.equal(true);
    expect(await has(await role("CANCELLER_ROLE"), guardian.address)).to.equal(true);
    expect(await has(await role("PROPOSER_ROLE"), guardian.address)).to.equal(false);
    expect(await has(await role("DEFAULT_ADMIN_ROLE"), deployer!.address)).to.equal(false);
    expect(await registry.getFunction("owner")()).to.equal(await timelock.getAddress());
    expect(await governor.getFunction("token")()).to.equal(await token.getAddress());
    expect((await registry.getFunction("keepers")()) as Address[]).to.deep.equal([]);
  });
});
