import type { Contract, Signer } from "ethers";
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
import { InputError } from "../errors.ts";
import { deployArtifact } from "./artifacts.ts";
import { deployGovernance } from "./deployGovernance.ts";
import type { GovernanceDeployment } from "./governance/deployment.ts";
import { WAD, type ConstraintSet, type StrategyParameters } from "./governance/types.ts";
import { createSafe, deploySafeInfrastructure, type SafeInfrastructure } from "./safe.ts";
import { deployUniswapV2, seedPool, type UniswapV2 } from "./uniswap.ts";

/** Decimals of every demo price feed, as Chainlink's USD feeds use. */
export const FEED_DECIMALS = 8;

/** One asset of the demo system. */
export interface DemoAsset {
  readonly symbol: string;
  /** ERC-20 decimals (6, 8 or 18 in the demo set). */
  readonly decimals: number;
  /** USD per whole token, as a decimal string with at most {@link FEED_DECIMALS} decimals. */
  readonly priceUsd: string;
}

/** The USD base asset every pool pairs with (the keeper sells into it and buys out of it). */
export const DEMO_BASE_ASSET: DemoAsset = { symbol: "USDC", decimals: 6, priceUsd: "1" };

/**
 * Tokenised equities named after columns of PyPortfolioOpt's `stock_prices.csv`, priced at its last
 * row (2018-04-11) so that the optimiser's history and the chain's prices agree. Decimals vary on
 * purpose (6/8/18) to exercise unit conversion end to end.
 */
export const DEMO_ASSETS: readonly DemoAsset[] = [
  { symbol: "AAPL", decimals: 18, priceUsd: "172.440002" },
  { symbol: "AMZN", decimals: 8, priceUsd: "1427.050049" },
  { symbol: "JPM", decimals: 18, priceUsd: "110.620003" },
  { symbol: "XOM", decimals: 6, priceUsd: "77.43" },
  { symbol: "PFE", decimals: 8, priceUsd: "35.790001" },
];

/** Strategy parameters the demo registry starts with (MARKOWITZ, δ = 2.5, τ = 0.05). */
export const DEMO_GENESIS_PARAMETERS: StrategyParameters = {
  optimizerType: 0,
  riskAversion: (5n * WAD) / 2n,
  tau: WAD / 20n,
  riskBudgetsHash: `0x${"00".repeat(32)}`,
  driftThreshold: WAD / 50n,
  volatilityBudget: WAD / 4n,
  rebalanceCalendar: "0 0 * * 1",
  maxSlippageBps: 100,
};

/** Constraint set the demo registry starts with: at most 40% per asset, 100% one-way turnover. */
export const DEMO_GENESIS_CONSTRAINTS: ConstraintSet = {
  contentHash: `0x${"11".repeat(32)}`,
  uri: "ipfs://demo-constraints-v1",
  maxPositionWeight: (40n * WAD) / 100n,
  maxTurnover: WAD,
};

/** Signers of {@link deploySystem}. */
export interface DeploySystemSigners {
  /** Sends every deployment transaction; owns the oracle, settlement and vault until governance accepts them. */
  readonly deployer: Signer;
  /** Owners of the 2-of-3 guardian Safe. */
  readonly safeOwners: readonly [Signer, Signer, Signer];
}

/** Options of {@link deploySystem}. USD amounts are plain numbers of dollars. */
export interface DeploySystemOptions {
  /** Network name recorded in the deployment file (`deployments/<network>.json`). */
  readonly network: string;
  /** sha256 of the optimiser bundle (`npm run build:optimizer`), pinned at genesis. */
  readonly optimizerBuildHash: Hex;
  readonly optimizerVersion: string;
  /** Registry keepers at genesis. */
  readonly keepers: readonly Address[];
  /** Registry view signers at genesis. */
  readonly viewSigners: readonly Address[];
  /** Receives the governance token supply; defaults to the deployer. */
  readonly tokenHolder?: Address;
  readonly parameters?: StrategyParameters;
  readonly constraints?: ConstraintSet;
  readonly base?: DemoAsset;
  readonly assets?: readonly DemoAsset[];
  /** Initial vault holdings, USD per asset: base first, then `assets` in order. */
  readonly holdingsUsd?: readonly number[];
  /** USD on each side of every base/asset pool. */
  readonly poolDepthUsd?: number;
  /** Oldest acceptable feed answer, seconds. */
  readonly feedMaxAgeSeconds?: number;
}

/** One deployed asset: token, feed and its pool against the base asset. */
export interface DeployedAsset extends DemoAsset {
  readonly address: Address;
  readonly token: MockERC20;
  readonly feed: MockAggregator;
  readonly feedAddress: Address;
  /** The Uniswap V2 pair with the base asset; null for the base asset itself. */
  readonly pair: Address | null;
  /** Feed answer, USD with {@link FEED_DECIMALS} decimals. */
  readonly feedAnswer: bigint;
}

/** A call the timelock must make (through a governance proposal) to complete the ownership handover. */
export interface GovernanceCall {
  readonly target: Address;
  readonly data: Hex;
  readonly description: string;
}

/** `deployments/<network>.json`: the governance record of docs/governance.md, extended. */
export interface SystemDeploymentJson extends GovernanceDeployment {
  readonly network: string;
  readonly contracts: GovernanceDeployment["contracts"] & {
    readonly Settlement: Address;
    readonly PortfolioVault: Address;
    readonly ChainlinkPriceOracle: Address;
    readonly UniswapV2Adapter: Address;
    readonly UniswapV2Factory: Address;
    readonly UniswapV2Router02: Address;
    readonly WETH9: Address;
    readonly SafeSingleton: Address;
    readonly SafeProxyFactory: Address;
    readonly MultiSendCallOnly: Address;
  };
  readonly optimizerVersion: string;
  /** What `portfolio keeper --deployment` reads (src/keeper/deployment.ts). */
  readonly keeper: {
    readonly settlement: Address;
    readonly vault: Address;
    readonly venue: Address;
    readonly router: Address;
    readonly baseToken: Address;
  };
  readonly baseAsset: string;
  readonly assets: readonly {
    readonly symbol: string;
    readonly address: Address;
    readonly decimals: number;
    readonly priceFeed: Address;
    readonly priceUsd: string;
    readonly pair: Address | null;
  }[];
}

/** Everything {@link deploySystem} deployed, bound to the deployer. */
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
   * `acceptOwnership()` on the oracle, settlement and vault: they are pending transfer to the
   * timelock, which takes them over in the first executed proposal.
   */
  readonly ownershipHandover: readonly GovernanceCall[];
  /** The governance record (what `portfolio gov --deployment` reads). */
  readonly governance: GovernanceDeployment;
  toDeploymentJson(): SystemDeploymentJson;
}

/** `priceUsd` ("172.440002") as a feed answer with `decimals` decimals, exactly. */
export function parsePriceUsd(priceUsd: string, decimals: number = FEED_DECIMALS): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(priceUsd);
  if (match === null || (match[2] ?? "").length > decimals) {
    throw new InputError("PRICE_INVALID", `not a USD price with at most ${decimals} decimals: ${priceUsd}`, "priceUsd");
  }
  const [, whole = "0", fraction = ""] = match;
  const answer = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (answer === 0n) throw new InputError("PRICE_INVALID", "price must be positive", "priceUsd");
  return answer;
}

/** Raw token units worth `usd` dollars of an asset whose feed answers `answer` (8 decimals). */
export function unitsForUsd(usd: number, decimals: number, answer: bigint): bigint {
  return (BigInt(Math.round(usd)) * 10n ** BigInt(decimals + FEED_DECIMALS)) / answer;
}

/**
 * Deploys the whole system on a fresh chain, in this order: the Safe singleton/factory and a 2-of-3
 * guardian Safe; governance (token, 48 h timelock, governor, registry with the genesis parameters,
 * keepers, view signers and the pinned optimiser build hash, via {@link deployGovernance}); the
 * Chainlink-style oracle; settlement; one vault; real Uniswap V2 (factory, Router02, WETH9); the
 * Uniswap V2 adapter; one ERC-20 and one price feed per asset; a base/asset pool per asset seeded at
 * the feed price; the vault's initial holdings. The deployer wires the oracle feeds, the vault and
 * the venue, then starts a two-step ownership transfer of oracle, settlement and vault to the
 * timelock: {@link SystemDeployment.ownershipHandover} holds the calls the first proposal makes.
 *
 * Demo assets are `MockERC20` (open mint) and feeds `MockAggregator`: local chains only.
 *
 * @example
 * ```ts
 * const system = await deploySystem(
 *   { deployer, safeOwners: [a, b, c] },
 *   { network: "localhost", optimizerBuildHash, optimizerVersion: "0.1.0", keepers: [keeper], viewSigners: [signer] },
 * );
 * writeFileSync("deployments/localhost.json", JSON.stringify(system.toDeploymentJson(), null, 2));
 * ```
 */
export async function deploySystem(
  signers: DeploySystemSigners,
  options: DeploySystemOptions,
): Promise<SystemDeployment> {
  const { deployer, safeOwners } = signers;
  const base = options.base ?? DEMO_BASE_ASSET;
  const specs = [base, ...(options.assets ?? DEMO_ASSETS)];
  const holdingsUsd = options.holdingsUsd ?? [450_000, 150_000, 150_000, 100_000, 100_000, 50_000];
  if (holdingsUsd.length !== specs.length) {
    throw new InputError(
      "HOLDINGS_LENGTH",
      `${holdingsUsd.length} holdings for ${specs.length} assets (base first)`,
      "holdingsUsd",
    );
  }
  const poolDepthUsd = options.poolDepthUsd ?? 100_000_000;
  const feedMaxAge = options.feedMaxAgeSeconds ?? 3600;
  const deployerAddress = await deployer.getAddress();
  const provider = deployer.provider;
  if (provider === null) throw new Error("deploySystem needs a signer connected to a provider");
  // Nothing of this deployment is older than the next block: log scans start there.
  const blockNumber = (await provider.getBlockNumber()) + 1;

  const safeInfra = await deploySafeInfrastructure(deployer);
  const safe = await createSafe(deployer, safeInfra, {
    owners: await Promise.all(safeOwners.map((o) => o.getAddress())),
    threshold: 2,
  });
  const guardian = getAddress(await safe.getAddress());

  const gov = await deployGovernance(deployer, {
    guardian,
    ...(options.tokenHolder === undefined ? {} : { tokenHolder: options.tokenHolder }),
    genesis: {
      optimizerBuildHash: options.optimizerBuildHash,
      optimizerVersion: options.optimizerVersion,
      parameters: options.parameters ?? DEMO_GENESIS_PARAMETERS,
      constraints: options.constraints ?? DEMO_GENESIS_CONSTRAINTS,
      viewSigners: options.viewSigners,
      keepers: options.keepers,
    },
  });
  const timelockAddress = getAddress(await gov.timelock.getAddress());
  const registryAddress = await gov.registry.getAddress();

  const oracle = await deployArtifact<ChainlinkPriceOracle>(
    deployer,
    "oracle/ChainlinkPriceOracle.sol",
    "ChainlinkPriceOracle",
    [deployerAddress],
  );
  const settlement = await deployArtifact<Settlement>(deployer, "settlement/Settlement.sol", "Settlement", [
    registryAddress,
    await oracle.getAddress(),
    deployerAddress,
    guardian,
  ]);
  const settlementAddress = await settlement.getAddress();

  // Base first: every pool pairs with it.
  const assets: DeployedAsset[] = [];
  for (const spec of specs) {
    const feedAnswer = parsePriceUsd(spec.priceUsd);
    const token = await deployArtifact<MockERC20>(deployer, "mocks/MockERC20.sol", "MockERC20", [
      spec === base ? "USD Coin (demo)" : `${spec.symbol} (tokenised, demo)`,
      spec.symbol,
      spec.decimals,
    ]);
    const feed = await deployArtifact<MockAggregator>(deployer, "mocks/MockAggregator.sol", "MockAggregator", [
      FEED_DECIMALS,
      feedAnswer,
    ]);
    const address = getAddress(await token.getAddress());
    const feedAddress = getAddress(await feed.getAddress());
    await (await oracle.setFeed(address, feedAddress, feedMaxAge)).wait();
    assets.push({ ...spec, address, token, feed, feedAddress, pair: null, feedAnswer });
  }
  const [baseAsset, ...riskyAssets] = assets;
  if (baseAsset === undefined) throw new Error("unreachable: the base asset is always deployed");

  const vault = await deployArtifact<PortfolioVault>(deployer, "vault/PortfolioVault.sol", "PortfolioVault", [
    deployerAddress,
    settlementAddress,
    assets.map((a) => a.address),
  ]);
  await (await settlement.setPortfolio(await vault.getAddress(), true)).wait();

  const uniswap = await deployUniswapV2(deployer);
  const adapter = await deployArtifact<UniswapV2Adapter>(deployer, "venues/UniswapV2Adapter.sol", "UniswapV2Adapter", [
    await uniswap.factory.getAddress(),
    uniswap.initCodeHash,
    settlementAddress,
  ]);
  await (await settlement.setVenue(await adapter.getAddress(), true)).wait();

  const baseDepth = unitsForUsd(poolDepthUsd, baseAsset.decimals, baseAsset.feedAnswer);
  for (const [i, asset] of riskyAssets.entries()) {
    const depth = unitsForUsd(poolDepthUsd, asset.decimals, asset.feedAnswer);
    const pair = await seedPool(uniswap, baseAsset.token, baseDepth, asset.token, depth, deployer);
    assets[i + 1] = { ...asset, pair: getAddress(await pair.getAddress()) };
  }
  const vaultAddress = await vault.getAddress();
  for (const [i, asset] of assets.entries()) {
    const usd = holdingsUsd[i] ?? 0;
    if (usd > 0)
      await (await asset.token.mint(vaultAddress, unitsForUsd(usd, asset.decimals, asset.feedAnswer))).wait();
  }

  const ownershipHandover: GovernanceCall[] = [];
  for (const [name, contract] of [
    ["ChainlinkPriceOracle", oracle],
    ["Settlement", settlement],
    ["PortfolioVault", vault],
  ] as const) {
    await (await contract.transferOwnership(timelockAddress)).wait();
    ownershipHandover.push({
      target: getAddress(await contract.getAddress()),
      data: contract.interface.encodeFunctionData("acceptOwnership") as Hex,
      description: `${name}.acceptOwnership()`,
    });
  }

  const governance = gov.deployment;
  const contracts: SystemDeploymentJson["contracts"] = {
    ...governance.contracts,
    Settlement: getAddress(settlementAddress),
    PortfolioVault: getAddress(vaultAddress),
    ChainlinkPriceOracle: getAddress(await oracle.getAddress()),
    UniswapV2Adapter: getAddress(await adapter.getAddress()),
    UniswapV2Factory: getAddress(await uniswap.factory.getAddress()),
    UniswapV2Router02: getAddress(await uniswap.router.getAddress()),
    WETH9: getAddress(await uniswap.weth.getAddress()),
    SafeSingleton: getAddress(safeInfra.singleton),
    SafeProxyFactory: getAddress(safeInfra.factory),
    MultiSendCallOnly: getAddress(safeInfra.multiSendCallOnly),
  };
  const json: SystemDeploymentJson = {
    ...governance,
    network: options.network,
    contracts,
    blockNumber,
    optimizerVersion: options.optimizerVersion,
    keeper: {
      settlement: contracts.Settlement,
      vault: contracts.PortfolioVault,
      venue: contracts.UniswapV2Adapter,
      router: contracts.UniswapV2Router02,
      baseToken: baseAsset.address,
    },
    baseAsset: base.symbol,
    assets: assets.map((a) => ({
      symbol: a.symbol,
      address: a.address,
      decimals: a.decimals,
      priceFeed: a.feedAddress,
      priceUsd: a.priceUsd,
      pair: a.pair,
    })),
  };
  return {
    network: options.network,
    chainId: governance.chainId,
    blockNumber,
    optimizerBuildHash: governance.optimizerBuildHash,
    optimizerVersion: options.optimizerVersion,
    token: gov.token,
    timelock: gov.timelock,
    governor: gov.governor,
    registry: gov.registry,
    safe,
    safeInfra,
    oracle,
    settlement,
    vault,
    adapter,
    uniswap,
    assets,
    ownershipHandover,
    governance,
    toDeploymentJson: () => json,
  };
}
