import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toHex } from "viem";
import GuardianSafeModule from "./GuardianSafe.ts";

/**
 * The DAO's governance: the guardian Safe (module `GuardianSafe`), then token → 48 h timelock (the
 * deployer its temporary admin) → governor → registry owned by the timelock; the governor becomes
 * the only proposer and executor (and a canceller), the guardian Safe a canceller only; the deployer
 * then renounces DEFAULT_ADMIN_ROLE. Parameters (module `Governance`): `genesis` is required (the
 * registry's `RegistryGenesis`: optimiser build hash, parameters, constraint set, view signers,
 * keepers), the rest default as below; durations in seconds, amounts in wei. See
 * ignition/parameters/governance.example.json.
 *
 *   npx hardhat ignition deploy ignition/modules/Governance.ts --network localhost --parameters ignition/parameters/governance.example.json
 */
const PROPOSER_ROLE = keccak256(toHex("PROPOSER_ROLE"));
const EXECUTOR_ROLE = keccak256(toHex("EXECUTOR_ROLE"));
const CANCELLER_ROLE = keccak256(toHex("CANCELLER_ROLE"));
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

export default buildModule("Governance", (m) => {
  const deployer = m.getAccount(0);
  const safe = m.useModule(GuardianSafeModule);
  const { guardianSafe } = safe;
  const genesis = m.getParameter("genesis");

  const token = m.contract("PortfolioToken", [
    m.getParameter("tokenName", "Portfolio DAO"),
    m.getParameter("tokenSymbol", "PDAO"),
    m.getParameter("tokenHolder", deployer), // receives the whole supply
    m.getParameter("tokenSupply", 1_000_000n * 10n ** 18n),
  ]);
  const timelock = m.contract("PortfolioTimelock", [m.getParameter("timelockDelay", 172_800n), [], [], deployer]);
  const governor = m.contract("PortfolioGovernor", [
    token,
    timelock,
    m.getParameter("votingDelay", 86_400n),
    m.getParameter("votingPeriod", 432_000n),
    m.getParameter("proposalThreshold", 10_000n * 10n ** 18n),
    m.getParameter("quorumPercent", 4n),
  ]);
  const registry = m.contract("ModelRegistry", [timelock, guardianSafe, genesis]);

  const grants = [
    m.call(timelock, "grantRole", [PROPOSER_ROLE, governor], { id: "GrantProposerToGovernor" }),
    m.call(timelock, "grantRole", [EXECUTOR_ROLE, governor], { id: "GrantExecutorToGovernor" }),
    m.call(timelock, "grantRole", [CANCELLER_ROLE, governor], { id: "GrantCancellerToGovernor" }),
    m.call(timelock, "grantRole", [CANCELLER_ROLE, guardianSafe], { id: "GrantCancellerToGuardian" }),
  ];
  m.call(timelock, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], {
    id: "RenounceDeployerAdmin",
    after: [...grants, registry],
  });

  return { ...safe, token, timelock, governor, registry };
});
