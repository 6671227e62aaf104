import { ZeroAddress, type Signer } from "ethers";
import type { Address, Hex } from "viem";
import type {
  ModelRegistry,
  PortfolioGovernor,
  PortfolioTimelock,
  PortfolioToken,
} from "../../types/ethers-contracts/index.ts";
import type { GovernanceDeployment } from "./governance/deployment.ts";
import type { RegistryGenesis } from "./governance/types.ts";
import { WAD } from "./governance/types.ts";
import { InputError } from "../errors.ts";
import { deployArtifact as deploy } from "./artifacts.ts";

/** The timelock's delay: 48 h, in seconds. */
export const TIMELOCK_DELAY_SECONDS = 48n * 3600n;

/** Parameters of {@link deployGovernance}. Durations in seconds, token amounts in wei (18 decimals). */
export interface DeployGovernanceParameters {
  /** The guardian multisig (a Safe): CANCELLER_ROLE on the timelock and pause power on the registry. */
  readonly guardian: Address;
  /** What the registry starts with. */
  readonly genesis: RegistryGenesis;
  /** Receives the whole token supply; defaults to the deployer. */
  readonly tokenHolder?: Address;
  readonly tokenName?: string;
  readonly tokenSymbol?: string;
  /** Default 1 000 000 tokens. */
  readonly tokenSupply?: bigint;
  /** Default 1 day. */
  readonly votingDelay?: bigint;
  /** Default 5 days. */
  readonly votingPeriod?: bigint;
  /** Votes needed to propose; default 10 000 tokens (1% of the default supply). */
  readonly proposalThreshold?: bigint;
  /** Quorum as a percentage of the supply; default 4. */
  readonly quorumPercent?: bigint;
  /** Timelock delay, at least 48 h (the contract refuses less); default 48 h. */
  readonly timelockDelay?: bigint;
}

/** Result of {@link deployGovernance}: the contracts bound to the deployer, and the deployment record. */
export interface DeployGovernanceReturnType {
  readonly token: PortfolioToken;
  readonly timelock: PortfolioTimelock;
  readonly governor: PortfolioGovernor;
  readonly registry: ModelRegistry;
  readonly deployment: GovernanceDeployment;
}

/**
 * Deploys the DAO's governance and wires its roles:
 * token → timelock (48 h, deployer as temporary admin) → governor → registry (owned by the timelock);
 * the governor becomes the timelock's only proposer and executor (and a canceller), the guardian a
 * canceller only; finally the deployer renounces DEFAULT_ADMIN_ROLE, leaving the timelock as its own
 * admin. Checks the resulting roles before returning.
 *
 * @example
 * ```ts
 * const { registry, deployment } = await deployGovernance(deployer, { guardian: safeAddress, genesis });
 * writeFileSync("deployments/localhost.json", JSON.stringify(deployment, null, 2));
 * ```
 */
export async function deployGovernance(
  deployer: Signer,
  parameters: DeployGovernanceParameters,
): Promise<DeployGovernanceReturnType> {
  if (BigInt(parameters.guardian) === 0n) {
    throw new InputError("GUARDIAN_MISSING", "the guardian Safe must be deployed first", "guardian");
  }
  const deployerAddress = await deployer.getAddress();
  const provider = deployer.provider;
  if (provider === null) throw new Error("deployGovernance needs a signer connected to a provider");
  const { chainId } = await provider.getNetwork();

  const token = await deploy<PortfolioToken>(deployer, "governance/PortfolioToken.sol", "PortfolioToken", [
    parameters.tokenName ?? "Portfolio DAO",
    parameters.tokenSymbol ?? "PDAO",
    parameters.tokenHolder ?? deployerAddress,
    parameters.tokenSupply ?? 1_000_000n * WAD,
  ]);
  // Log scans start at the token's block: nothing of this deployment can be older.
  const blockNumber = (await token.deploymentTransaction()?.wait())?.blockNumber ?? (await provider.getBlockNumber());
  const timelock = await deploy<PortfolioTimelock>(deployer, "governance/PortfolioTimelock.sol", "PortfolioTimelock", [
    parameters.timelockDelay ?? TIMELOCK_DELAY_SECONDS,
    [],
    [],
    deployerAddress,
  ]);
  const governor = await deploy<PortfolioGovernor>(deployer, "governance/PortfolioGovernor.sol", "PortfolioGovernor", [
    await token.getAddress(),
    await timelock.getAddress(),
    parameters.votingDelay ?? 86_400n,
    parameters.votingPeriod ?? 5n * 86_400n,
    parameters.proposalThreshold ?? 10_000n * WAD,
    parameters.quorumPercent ?? 4n,
  ]);
  const registry = await deploy<ModelRegistry>(deployer, "registry/ModelRegistry.sol", "ModelRegistry", [
    await timelock.getAddress(),
    parameters.guardian,
    parameters.genesis,
  ]);

  const governorAddress = await governor.getAddress();
  const [proposer, executor, canceller, admin] = await Promise.all([
    timelock.PROPOSER_ROLE(),
    timelock.EXECUTOR_ROLE(),
    timelock.CANCELLER_ROLE(),
    timelock.DEFAULT_ADMIN_ROLE(),
  ]);
  for (const [role, account] of [
    [proposer, governorAddress],
    [executor, governorAddress],
    [canceller, governorAddress],
    [canceller, parameters.guardian],
  ] as const) {
    await (await timelock.grantRole(role, account)).wait();
  }
  await (await timelock.renounceRole(admin, deployerAddress)).wait();

  await assertRoles(timelock, { governor: governorAddress, guardian: parameters.guardian, deployer: deployerAddress });
  const deployment: GovernanceDeployment = {
    chainId: Number(chainId),
    contracts: {
      ModelRegistry: (await registry.getAddress()) as Address,
      PortfolioGovernor: governorAddress as Address,
      TimelockController: (await timelock.getAddress()) as Address,
      PortfolioToken: (await token.getAddress()) as Address,
      GuardianSafe: parameters.guardian,
    },
    blockNumber,
    optimizerBuildHash: parameters.genesis.optimizerBuildHash.toLowerCase() as Hex,
  };
  return { token, timelock, governor, registry, deployment };
}

/** Fails loudly if setup left any role other than the intended ones. */
async function assertRoles(
  timelock: PortfolioTimelock,
  who: { governor: string; guardian: string; deployer: string },
): Promise<void> {
  const [proposer, executor, canceller, admin] = await Promise.all([
    timelock.PROPOSER_ROLE(),
    timelock.EXECUTOR_ROLE(),
    timelock.CANCELLER_ROLE(),
    timelock.DEFAULT_ADMIN_ROLE(),
  ]);
  const expectations: [string, string, string, boolean][] = [
    ["PROPOSER_ROLE", proposer, who.governor, true],
    ["EXECUTOR_ROLE", executor, who.governor, true],
    ["PROPOSER_ROLE", proposer, who.guardian, false],
    ["EXECUTOR_ROLE", executor, ZeroAddress, false],
    ["CANCELLER_ROLE", canceller, who.guardian, true],
    ["DEFAULT_ADMIN_ROLE", admin, who.deployer, false],
    ["DEFAULT_ADMIN_ROLE", admin, await timelock.getAddress(), true],
  ];
  for (const [name, role, account, expected] of expectations) {
    if ((await timelock.hasRole(role, account)) !== expected) {
      throw new Error(`governance setup: ${account} should ${expected ? "" : "not "}hold ${name}`);
    }
  }
}
