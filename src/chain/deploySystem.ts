import { Contract, type BaseContract } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, type Address, type Hex } from "viem";
import type {
  ChainlinkPriceOracle,
  MockAggregator,
  MockERC20,
  ModelRegistry,
  PortfolioGovernor,
  PortfolioTimelock,
  PortfolioToken,
  PortfolioVault,
  Settlement,
  UniswapV2Adapter,
} from "../../types/ethers-contracts/index.ts";
import { buildSystemModule } from "../../ignition/modules/System.ts";
import { DEMO_MARKET, marketAssets, type DemoAsset, type DemoMarket } from "./demoMarket.ts";
import { SAFE_ARTIFACTS, UNISWAP_ARTIFACTS } from "./externalArtifacts.ts";
import { assertGovernanceRoles } from "./governance/assertRoles.ts";
import { governanceDeployment, type GovernanceDeployment } from "./governance/deployment.ts";
import { genesisCalls, type PortfolioPolicy } from "./genesisCalls.ts";
import type { SafeInfrastructure } from "./safe.ts";
import { systemParameters, type SystemParametersOptions } from "./systemParameters.ts";
import { systemDeploymentJson, type GovernanceCall, type SystemDeploymentJson } from "./systemRecord.ts";
import { PAIR_INIT_CODE_HASH, type UniswapV2 } from "./uniswap.ts";

export { DEMO_ASSETS, DEMO_BASE_ASSET, FEED_DECIMALS, parsePriceUsd, unitsForUsd } from "./demoMarket.ts";
export type { DemoAsset } from "./demoMarket.ts";
export { DEMO_GENESIS_CONSTRAINTS, DEMO_GENESIS_PARAMETERS } from "./systemParameters.ts";
export type { GovernanceCall, SystemDeploymentJson } from "./systemRecord.ts";
export { DEFAULT_PORTFOLIO_POLICY, type PortfolioPolicy } from "./genesisCalls.ts";

/** What {@link deploySystem} needs of a Hardhat network connection (`await network.create()`). */
export type DeploymentConnection = Pick<NetworkConnection, "ethers" | "ignition">;

/** Options of {@link deploySystem}: the system module's parameters, the market, and the record's name. */
export interface DeploySystemOptions extends SystemParametersOptions {
  /** Network name recorded in the deployment file (`deployments/<network>.json`). */
  readonly network: string;
  /** Tokens, prices, pool depths and vault holdings; default {@link DEMO_MARKET}. */
  readonly market?: DemoMarket;
  /**
   * Ignition deployment id: on an http network the journal goes to `ignition/deployments/<id>/` and
   * a second run with the same id resumes (or reuses) that deployment. Default: a fresh id per call
   * (`system-<chainId>-<unix ms>`), since every call means a new system. In-process (EDR) networks
   * keep no journal.
   */
  readonly deploymentId?: string;
  /** Oldest acceptable feed answer, seconds, in the genesis `setFeed` calls; default 3600. */
  readonly feedMaxAgeSeconds?: number;
  /** The vault's loss budget and pacing in the genesis calls; default `DEFAULT_PORTFOLIO_POLICY`. */
  readonly policy?: PortfolioPolicy;
}

/** One deployed asset: token, feed and its pool against the base asset. */
export interface DeployedAsset extends DemoAsset {
  readonly address: Address;
  readonly token: MockERC20;
  readonly feed: MockAggregator;
  readonly feedAddress: Address;
  /** The Uniswap V2 pair with the base asset; null for the base asset itself. */
  readonly pair: Address | null;
  /** Feed answer, USD with 8 decimals. */
  readonly feedAnswer: bigint;
}

/** Everything {@link deploySystem} deployed, bound to the deployer (account 0 of the connection). */
export interface SystemDeployment {
  readonly network: string;
  readonly chainId: number;
  /** First block of the deployment: where log scans start. */
  readonly blockNumber: number;
  readonly optimizerBuildHash: Hex;
  readonly optimizerVersion: string;
  readonly token: PortfolioToken;
  readonly timelock: PortfolioTimelock;
  readonly governor: PortfolioGovernor;
  readonly registry: ModelRegistry;
  readonly safe: Contract;
  readonly safeInfra: SafeInfrastructure;
  readonly oracle: ChainlinkPriceOracle;
  readonly settlement: Settlement;
  readonly vault: PortfolioVault;
  readonly adapter: UniswapV2Adapter;
  readonly uniswap: UniswapV2;
  /** Base asset first, then the risky assets, in vault order. */
  readonly assets: readonly DeployedAsset[];
  /**
   * The DAO's first proposal's calls (src/chain/genesisCalls.ts): the oracle's feeds, the vault
   * with its loss budget and pacing, the adapter. The timelock owns every contract from its
   * constructor, so nothing is priced or settles until they execute.
   */
  readonly genesisCalls: readonly GovernanceCall[];
  /** The governance record (what `portfolio gov --deployment` reads). */
  readonly governance: GovernanceDeployment;
  toDeploymentJson(): SystemDeploymentJson;
}

/**
 * Deploys the whole system with the Ignition system module (ignition/modules/System.ts): a 2-of-3
 * guardian Safe; governance (token, 48 h timelock, governor, registry with the genesis parameters,
 * keepers, view signers and the pinned optimiser build hash); oracle and settlement; real Uniswap V2
 * (factory, Router02, WETH9); the market's tokens, feeds and seeded pools; one vault with its initial
 * holdings; the Uniswap V2 adapter. The timelock owns every contract from its constructor; the
 * wiring is the first proposal's ({@link SystemDeployment.genesisCalls}). Checks, before returning,
 * the timelock's roles and that the timelock owns registry, oracle, settlement and vault with no
 * transfer pending: the deployer (account 0 of the connection) holds nothing.
 *
 * Demo assets are `MockERC20` (open mint) and feeds `MockAggregator`: local chains only.
 *
 * @example
 * ```ts
 * const connection = await network.create();
 * const system = await deploySystem(connection, {
 *   network: "hardhat", safeOwners: [a, b, c], optimizerBuildHash, optimizerVersion: "0.1.0",
 *   keepers: [keeper], viewSigners: [signer],
 * });
 * writeFileSync("deployments/hardhat.json", JSON.stringify(system.toDeploymentJson(), null, 2));
 * ```
 */
export async function deploySystem(
  connection: DeploymentConnection,
  options: DeploySystemOptions,
): Promise<SystemDeployment> {
  const market = options.market ?? DEMO_MARKET;
  const specs = marketAssets(market);
  const { ethers } = connection;
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("deploySystem needs a connection with at least one account");
  const { chainId } = await ethers.provider.getNetwork();
  // Nothing of this deployment is older than the next block: log scans start there.
  const blockNumber = (await ethers.provider.getBlockNumber()) + 1;

  const deployed = await connection.ignition.deploy(buildSystemModule(market), {
    parameters: systemParameters(options),
    deploymentId: options.deploymentId ?? `system-${chainId}-${Date.now()}`,
    // Against an automining node a transaction is mined at once: poll for it often.
    config: { blockPollingInterval: 50 },
  });
  const addressOf = async (name: string): Promise<Address> => {
    const contract: BaseContract | undefined = deployed[name];
    if (contract === undefined) throw new Error(`the system module returned no ${name}`);
    return getAddress(await contract.getAddress());
  };
  const at = <T>(name: Parameters<typeof ethers.getContractAt>[0], address: Address): Promise<T> =>
    ethers.getContractAt(name, address, deployer) as Promise<T>;

  const a = {
    token: await addressOf("token"),
    timelock: await addressOf("timelock"),
    governor: await addressOf("governor"),
    registry: await addressOf("registry"),
    safe: await addressOf("guardianSafe"),
    safeSingleton: await addressOf("safeSingleton"),
    safeProxyFactory: await addressOf("safeProxyFactory"),
    multiSendCallOnly: await addressOf("multiSendCallOnly"),
    oracle: await addressOf("oracle"),
    settlement: await addressOf("settlement"),
    vault: await addressOf("vault"),
    adapter: await addressOf("adapter"),
    weth: await addressOf("weth"),
    factory: await addressOf("uniswapV2Factory"),
    router: await addressOf("uniswapV2Router"),
  };
  const timelock = await at<PortfolioTimelock>("PortfolioTimelock", a.timelock);
  await assertGovernanceRoles(timelock, { governor: a.governor, guardian: a.safe, deployer: deployer.address });

  const assets: DeployedAsset[] = [];
  for (const spec of specs) {
    const address = await addressOf(`${spec.symbol}Token`);
    const feedAddress = await addressOf(`${spec.symbol}Feed`);
    assets.push({
      symbol: spec.symbol,
      decimals: spec.decimals,
      priceUsd: spec.priceUsd,
      feedAnswer: spec.feedAnswer,
      address,
      feedAddress,
      token: await at<MockERC20>("MockERC20", address),
      feed: await at<MockAggregator>("MockAggregator", feedAddress),
      pair: spec.isBase ? null : await addressOf(`${spec.symbol}Pair`),
    });
  }

  const oracle = await at<ChainlinkPriceOracle>("ChainlinkPriceOracle", a.oracle);
  const settlement = await at<Settlement>("Settlement", a.settlement);
  const vault = await at<PortfolioVault>("PortfolioVault", a.vault);
  const registry = await at<ModelRegistry>("ModelRegistry", a.registry);
  await assertOwnedBy(a.timelock, {
    ModelRegistry: registry,
    ChainlinkPriceOracle: oracle,
    Settlement: settlement,
    PortfolioVault: vault,
  });
  const adapter = await at<UniswapV2Adapter>("UniswapV2Adapter", a.adapter);
  const calls = genesisCalls({
    oracle,
    settlement,
    vault,
    adapter,
    feeds: assets.map((x) => ({ symbol: x.symbol, token: x.address, feed: x.feedAddress })),
    ...(options.feedMaxAgeSeconds === undefined ? {} : { feedMaxAgeSeconds: options.feedMaxAgeSeconds }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });

  const governance = governanceDeployment(Number(chainId), a, blockNumber, options.optimizerBuildHash);
  const json = systemDeploymentJson({ governance, network: options.network, addresses: a, assets, options });
  return {
    network: options.network,
    chainId: governance.chainId,
    blockNumber,
    optimizerBuildHash: governance.optimizerBuildHash,
    optimizerVersion: options.optimizerVersion,
    token: await at<PortfolioToken>("PortfolioToken", a.token),
    timelock,
    governor: await at<PortfolioGovernor>("PortfolioGovernor", a.governor),
    registry,
    safe: new Contract(a.safe, SAFE_ARTIFACTS.Safe.abi, deployer),
    safeInfra: { singleton: a.safeSingleton, factory: a.safeProxyFactory, multiSendCallOnly: a.multiSendCallOnly },
    oracle,
    settlement,
    vault,
    adapter,
    uniswap: {
      factory: new Contract(a.factory, UNISWAP_ARTIFACTS.UniswapV2Factory.abi, deployer),
      router: new Contract(a.router, UNISWAP_ARTIFACTS.UniswapV2Router02.abi, deployer),
      weth: new Contract(a.weth, UNISWAP_ARTIFACTS.WETH9.abi, deployer),
      initCodeHash: PAIR_INIT_CODE_HASH,
    },
    assets,
    genesisCalls: calls,
    governance,
    toDeploymentJson: () => json,
  };
}

/** Fails loudly unless `timelock` owns each contract outright, with no ownership transfer pending. */
async function assertOwnedBy(
  timelock: Address,
  contracts: Record<string, { owner(): Promise<string>; pendingOwner(): Promise<string> }>,
): Promise<void> {
  for (const [name, contract] of Object.entries(contracts)) {
    const [owner, pending] = await Promise.all([contract.owner(), contract.pendingOwner()]);
    if (getAddress(owner) !== timelock || BigInt(pending) !== 0n) {
      throw new Error(
        `deployment: ${name} should be owned by the timelock ${timelock} (owner ${owner}, pending ${pending})`,
      );
    }
  }
}
