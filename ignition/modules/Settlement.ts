import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import GovernanceModule from "./Governance.ts";

/**
 * The Chainlink-style price oracle and the settlement, reading the governance module's registry and
 * pausable by its guardian Safe. Both are owned by the timelock from their constructors: the deployer
 * never holds them. Their wiring (feeds, portfolios, policies, venues) is the DAO's first proposal
 * (src/chain/genesisCalls.ts). No parameters of its own.
 */
export default buildModule("Settlement", (m) => {
  const { registry, guardianSafe, timelock } = m.useModule(GovernanceModule);
  const oracle = m.contract("ChainlinkPriceOracle", [timelock]);
  // The RFQ escrow book is an external library linked into the settlement (contract size limit).
  const rfqEscrow = m.library("RfqEscrow");
  const settlement = m.contract("Settlement", [registry, oracle, timelock, guardianSafe], {
    libraries: { RfqEscrow: rfqEscrow },
  });
  return { oracle, settlement };
});
