import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import GovernanceModule from "./Governance.ts";

/**
 * The Chainlink-style price oracle and the atomic settlement, reading the governance module's
 * registry and pausable by its guardian Safe. The deployer owns both until the timelock accepts
 * them (two-step ownership; see ignition/modules/System.ts): it still has feeds, portfolios and
 * venues to wire. No parameters of its own.
 */
export default buildModule("Settlement", (m) => {
  const deployer = m.getAccount(0);
  const { registry, guardianSafe } = m.useModule(GovernanceModule);
  const oracle = m.contract("ChainlinkPriceOracle", [deployer]);
  // The RFQ escrow book is an external library linked into the settlement (contract size limit).
  const rfqEscrow = m.library("RfqEscrow");
  const settlement = m.contract("Settlement", [registry, oracle, deployer, guardianSafe], {
    libraries: { RfqEscrow: rfqEscrow },
  });
  return { oracle, settlement };
});
