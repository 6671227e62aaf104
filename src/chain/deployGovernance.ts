import { Contract } from "ethers";
import { getAddress, type Address } from "viem";
import type {
  ModelRegistry,
  PortfolioGovernor,
  PortfolioTimelock,
  PortfolioToken,
} from "../../types/ethers-contracts/index.ts";
import GovernanceModule from "../../ignition/modules/Governance.ts";
import { InputError } from "../errors.ts";
import type { DeploymentConnection } from "./deploySystem.ts";
import { SAFE_ARTIFACTS } from "./externalArtifacts.ts";
import { assertGovernanceRoles } from "./governance/assertRoles.ts";
import { governanceDeployment, type GovernanceDeployment } from "./governance/deployment.ts";
import type { RegistryGenesis } from "./governance/types.ts";
import type { SafeInfrastructure } from "./safe.ts";
import { genesisParameter } from "./systemParameters.ts";

/** The timelock's delay: 48 h, in seconds. */
export const TIMELOCK_DELAY_SECONDS = 48n * 3600n;

/**
 * Parameters of {@link deployGovernance}: the `GuardianSafe` and `Governance` module parameters.
 * Durations in seconds, token amounts in wei (18 decimals); defaults are the module's.
 */
export interface DeployGovernanceParameters {
  /** Owners of the guardian Safe (CANCELLER_ROLE on the timelock, pause power on the registry). */
  readonly safeOwners: readonly Address[];
  /** Owner signatures a Safe transaction needs; default 2. */
  readonly safeThreshold?: number;
  /** What the registry starts with. */
  readonly genesis: RegistryGenesis;
  /** Receives the whole token supply; defaults to the deployer (account 0). */
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
  /** Ignition deployment id (journal directory on http networks); default a fresh one per call. */
  readonly deploymentId?: string;
}

/** Result of {@link deployGovernance}: the contracts bound to the deployer, and the deployment record. */
export interface DeployGovernanceReturnType {
  readonly token: PortfolioToken;
  readonly timelock: PortfolioTimelock;
  readonly governor: PortfolioGovernor;
  readonly registry: ModelRegistry;
  /** The guardian Safe. */
  readonly safe: Contract;
  readonly safeInfra: SafeInfrastructure;
  readonly deployment: GovernanceDeployment;
}

/**
 * Deploys the DAO's governance with the Ignition module ignition/modules/Governance.ts: a guardian
 * Safe, then token → timelock (48 h, deployer as temporary admin) → governor → registry (owned by the
 * timelock); the governor becomes the timelock's only proposer and executor (and a canceller), the
 * Safe a canceller only; the deployer renounces DEFAULT_ADMIN_ROLE, leaving the timelock its own
 * admin. Checks the resulting roles before returning. Account 0 of the connection deploys.
 *
 * @throws {InputError} `SAFE_OWNERS_INVALID` when there are fewer owners than the threshold.
 * @example
 * ```ts
 * const { registry, deployment } = await deployGovernance(await network.create(), { safeOwners: [a, b, c], genesis });
 * writeFileSync("deployments/localhost.json", JSON.stringify(deployment, null, 2));
 * ```
 */
export async function deployGovernance(
  connection: DeploymentConnection,
  parameters: DeployGovernanceParameters,
): Promise<DeployGovernanceReturnType> {
  const threshold = parameters.safeThreshold ?? 2;
  if (!Number.isInteger(threshold) || threshold < 1 || parameters.safeOwners.length < threshold) {
    throw new InputError(
      "SAFE_OWNERS_INVALID",
      `a ${threshold}-of-${parameters.safeOwners.length} guardian Safe is impossible`,
      "safeOwners",
    );
  }
  const { ethers } = connection;
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("deployGovernance needs a connection with at least one account");
  const { chainId } = await ethers.provider.getNetwork();
  const blockNumber = (await ethers.provider.getBlockNumber()) + 1;
  const optional: readonly (keyof DeployGovernanceParameters & string)[] = [
    "tokenHolder",
    "tokenName",
    "tokenSymbol",
    "tokenSupply",
    "votingDelay",
    "votingPeriod",
    "proposalThreshold",
    "quorumPercent",
    "timelockDelay",
  ];

  const deployed = await connection.ignition.deploy(GovernanceModule, {
    parameters: {
      GuardianSafe: { owners: [...parameters.safeOwners], threshold },
      Governance: {
        genesis: genesisParameter(parameters.genesis),
        ...Object.fromEntries(optional.flatMap((k) => (parameters[k] === undefined ? [] : [[k, parameters[k]]]))),
      },
    },
    deploymentId: parameters.deploymentId ?? `governance-${chainId}-${Date.now()}`,
    config: { blockPollingInterval: 50 },
  });
  const address = async (c: { getAddress(): Promise<string> }): Promise<Address> => getAddress(await c.getAddress());
  const a = {
    token: await address(deployed.token),
    timelock: await address(deployed.timelock),
    governor: await address(deployed.governor),
    registry: await address(deployed.registry),
    safe: await address(deployed.guardianSafe),
  };
  const timelock = await ethers.getContractAt("PortfolioTimelock", a.timelock, deployer);
  await assertGovernanceRoles(timelock, { governor: a.governor, guardian: a.safe, deployer: deployer.address });

  const deployment = governanceDeployment(Number(chainId), a, blockNumber, parameters.genesis.optimizerBuildHash);
  return {
    token: await ethers.getContractAt("PortfolioToken", a.token, deployer),
    timelock,
    governor: await ethers.getContractAt("PortfolioGovernor", a.governor, deployer),
    registry: await ethers.getContractAt("ModelRegistry", a.registry, deployer),
    safe: new Contract(a.safe, SAFE_ARTIFACTS.Safe.abi, deployer),
    safeInfra: {
      singleton: await address(deployed.safeSingleton),
      factory: await address(deployed.safeProxyFactory),
      multiSendCallOnly: await address(deployed.multiSendCallOnly),
    },
    deployment,
  };
}
