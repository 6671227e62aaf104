// A complete settlement system on the in-process chain, over real Uniswap V2 pools: mock registry
// (test double of the registry's read side), Chainlink-style oracle with mock aggregators, the
// Settlement escrow, one PortfolioVault and the Uniswap V2 adapter. Shared by the settlement tests
// and scripts/gas-settlement.ts.
import type { network } from "hardhat";
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";
import type {
  ChainlinkPriceOracle,
  MockAggregator,
  MockERC20,
  MockModelRegistry,
  PortfolioVault,
  Settlement,
  UniswapV2Adapter,
} from "../../types/ethers-contracts/index.ts";
import { deployUniswapV2, seedPool, type UniswapV2 } from "../../src/chain/uniswap.ts";

/** The `ethers` handle of a connection from `network.create()`. */
export type Ethers = Awaited<ReturnType<typeof network.create>>["ethers"];

export const WAD = 10n ** 18n;

/** One vault asset: a mock ERC-20 priced by a mock aggregator (8 decimals). */
export interface AssetSpec {
  readonly symbol: string;
  readonly decimals: number;
  /** USD per whole token (integer). */
  readonly priceUsd: number;
}

/** Registry limits (see IModelRegistry): bps for NAV loss, WAD fractions for the rest. */
export interface Limits {
  readonly maxSlippageBps: number;
  readonly driftThreshold: bigint;
  readonly maxPositionWeight: bigint;
  readonly maxTurnover: bigint;
}

export const DEFAULT_LIMITS: Limits = {
  maxSlippageBps: 200,
  driftThreshold: (2n * WAD) / 100n,
  maxPositionWeight: (60n * WAD) / 100n,
  maxTurnover: WAD / 2n,
};

export const BUILD_HASH = "0x" + "ab".repeat(32);

/** A loose loss budget (100 % of NAV per day, no pacing): the tests of other checks never meet it. */
export const TEST_PORTFOLIO_POLICY = { lossBudget: WAD, lossWindow: 86_400n, minInterval: 0n };

export interface SystemOptions {
  readonly assets: readonly AssetSpec[];
  /** Vault holdings in USD per asset. */
  readonly holdingsUsd: readonly number[];
  /** USD on each side of every pool. */
  readonly poolDepthUsd: number;
  /** "star": a pool between asset 0 and each other asset; "all": a pool for every pair. */
  readonly pools: "star" | "all";
  readonly limits?: Limits;
}

export interface System {
  readonly ethers: Ethers;
  readonly governance: Signer;
  readonly keeper: Signer;
  readonly guardian: Signer;
  readonly outsider: Signer;
  readonly maker: Signer;
  readonly registry: MockModelRegistry;
  readonly oracle: ChainlinkPriceOracle;
  readonly settlement: Settlement;
  readonly vault: PortfolioVault;
  readonly adapter: UniswapV2Adapter;
  readonly uni: UniswapV2;
  readonly tokens: readonly MockERC20[];
  readonly aggregators: readonly MockAggregator[];
  readonly addresses: readonly string[];
}

/** Raw token units worth `usd` of `asset`. */
export function unitsFor(asset: AssetSpec, usd: number): bigint {
  return (BigInt(Math.round(usd)) * 10n ** BigInt(asset.decimals)) / BigInt(asset.priceUsd);
}

/**
 * Deploys and wires everything: governance owns the oracle, settlement and vault; `keeper` is a
 * registry keeper; pools are seeded at the oracle's prices.
 *
 * @example
 * ```ts
 * const sys = await deploySystem(ethers, { assets, holdingsUsd: [600_000, 400_000, 0], poolDepthUsd: 50e6, pools: "all" });
 * ```
 */
export async function deploySystem(ethers: Ethers, options: SystemOptions): Promise<System> {
  const [governance, keeper, guardian, outsider, maker] = await ethers.getSigners();
  if (!governance || !keeper || !guardian || !outsider || !maker) throw new Error("need 5 signers");
  const limits = options.limits ?? DEFAULT_LIMITS;

  const registry = await ethers.deployContract("MockModelRegistry");
  await (await registry.setOptimizerBuildHash(BUILD_HASH)).wait();
  await (await registry.setKeeper(keeper.address, true)).wait();
  await (
    await registry.setLimits(limits.maxSlippageBps, limits.driftThreshold, limits.maxPositionWeight, limits.maxTurnover)
  ).wait();

  const oracle = await ethers.deployContract("ChainlinkPriceOracle", [governance.address]);
  const rfqEscrow = await ethers.deployContract("RfqEscrow");
  const settlement = await ethers.deployContract(
    "Settlement",
    [await registry.getAddress(), await oracle.getAddress(), governance.address, guardian.address],
    { libraries: { RfqEscrow: await rfqEscrow.getAddress() } },
  );
  const settlementAddress = await settlement.getAddress();

  const tokens: MockERC20[] = [];
  const aggregators: MockAggregator[] = [];
  for (const asset of options.assets) {
    const token = await ethers.deployContract("MockERC20", [asset.symbol, asset.symbol, asset.decimals]);
    const aggregator = await ethers.deployContract("MockAggregator", [8, BigInt(asset.priceUsd) * 10n ** 8n]);
    await (await oracle.setFeed(await token.getAddress(), await aggregator.getAddress(), 3600)).wait();
    tokens.push(token);
    aggregators.push(aggregator);
  }
  const addresses = await Promise.all(tokens.map((t) => t.getAddress()));

  const vault = await ethers.deployContract("PortfolioVault", [governance.address, settlementAddress, addresses]);
  await (await settlement.setPortfolio(await vault.getAddress(), true)).wait();
  await (await settlement.setPortfolioPolicy(await vault.getAddress(), TEST_PORTFOLIO_POLICY)).wait();
  await (await settlement.setMaker(maker.address, true)).wait();

  const uni = await deployUniswapV2(governance);
  const adapter = await ethers.deployContract("UniswapV2Adapter", [
    await uni.factory.getAddress(),
    uni.initCodeHash,
    settlementAddress,
  ]);
  await (await settlement.setVenue(await adapter.getAddress(), true)).wait();

  const n = options.assets.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (options.pools === "star" && i !== 0) continue;
      const a = options.assets[i]!;
      const b = options.assets[j]!;
      await seedPool(
        uni,
        tokens[i]!,
        unitsFor(a, options.poolDepthUsd),
        tokens[j]!,
        unitsFor(b, options.poolDepthUsd),
        governance,
      );
    }
  }

  const vaultAddress = await vault.getAddress();
  for (let i = 0; i < n; i++) {
    const usd = options.holdingsUsd[i] ?? 0;
    if (usd > 0) await (await tokens[i]!.mint(vaultAddress, unitsFor(options.assets[i]!, usd))).wait();
  }

  return {
    ethers,
    governance,
    keeper,
    guardian,
    outsider,
    maker,
    registry,
    oracle,
    settlement,
    vault,
    adapter,
    uni,
    tokens,
    aggregators,
    addresses,
  };
}

export interface Leg {
  sellToken: string;
  buyToken: string;
  amountIn: bigint;
  minAmountOut: bigint;
  venue: string;
}

export interface Instruction {
  id: string;
  portfolio: string;
  optimiserBuildHash: string;
  inputsHash: string;
  targetWeights: bigint[];
  legs: Leg[];
  deadline: bigint;
  nonce: bigint;
}

/** The EIP-712 types of RebalanceInstructionLib. */
export const INSTRUCTION_TYPES: Record<string, TypedDataField[]> = {
  RebalanceInstruction: [
    { name: "id", type: "bytes32" },
    { name: "portfolio", type: "address" },
    { name: "optimiserBuildHash", type: "bytes32" },
    { name: "inputsHash", type: "bytes32" },
    { name: "targetWeights", type: "uint256[]" },
    { name: "legs", type: "Leg[]" },
    { name: "deadline", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Leg: [
    { name: "sellToken", type: "address" },
    { name: "buyToken", type: "address" },
    { name: "amountIn", type: "uint256" },
    { name: "minAmountOut", type: "uint256" },
    { name: "venue", type: "address" },
  ],
};

/** The settlement's EIP-712 domain. */
export async function domainOf(sys: System): Promise<TypedDataDomain> {
  const { chainId } = await sys.ethers.provider.getNetwork();
  return {
    name: "PortfolioSettlement",
    version: "1",
    chainId,
    verifyingContract: await sys.settlement.getAddress(),
  };
}

/** A keeper's EIP-712 signature over `instruction`. */
export async function signInstruction(sys: System, signer: Signer, instruction: Instruction): Promise<string> {
  return signer.signTypedData(await domainOf(sys), INSTRUCTION_TYPES, instruction);
}

/** The RFQ path's EIP-712 types: the same fields under the primary type `RfqRebalanceInstruction`. */
export const RFQ_INSTRUCTION_TYPES: Record<string, TypedDataField[]> = {
  RfqRebalanceInstruction: INSTRUCTION_TYPES["RebalanceInstruction"]!,
  Leg: INSTRUCTION_TYPES["Leg"]!,
};

/** A keeper's signature of `instruction` for `lockSigned` (the RFQ path). */
export async function signRfqInstruction(sys: System, signer: Signer, instruction: Instruction): Promise<string> {
  return signer.signTypedData(await domainOf(sys), RFQ_INSTRUCTION_TYPES, instruction);
}

/** What Router02 quotes for selling `amountIn` of `sell` for `buy` (raw units). */
export async function quote(sys: System, sell: string, buy: string, amountIn: bigint): Promise<bigint> {
  const amounts = (await sys.uni.router.getFunction("getAmountsOut")(amountIn, [sell, buy])) as bigint[];
  return amounts[1] ?? 0n;
}

/** A leg through the Uniswap V2 adapter with `minAmountOut` = router quote × (1 − slippageBps). */
export async function uniLeg(
  sys: System,
  sellIndex: number,
  buyIndex: number,
  amountIn: bigint,
  slippageBps = 50n,
): Promise<Leg> {
  const sell = sys.addresses[sellIndex]!;
  const buy = sys.addresses[buyIndex]!;
  const out = await quote(sys, sell, buy, amountIn);
  return {
    sellToken: sell,
    buyToken: buy,
    amountIn,
    minAmountOut: (out * (10_000n - slippageBps)) / 10_000n,
    venue: await sys.adapter.getAddress(),
  };
}

let idCounter = 0;

/** An instruction for the system's vault with a fresh id and the next nonce. */
export async function makeInstruction(
  sys: System,
  targetWeights: bigint[],
  legs: Leg[],
  overrides: Partial<Instruction> = {},
): Promise<Instruction> {
  const portfolio = await sys.vault.getAddress();
  const block = await sys.ethers.provider.getBlock("latest");
  idCounter += 1;
  return {
    id: sys.ethers.keccak256(sys.ethers.toUtf8Bytes(`instruction-${idCounter}-${Date.now()}`)),
    portfolio,
    optimiserBuildHash: BUILD_HASH,
    inputsHash: sys.ethers.keccak256(sys.ethers.toUtf8Bytes("inputs")),
    targetWeights,
    legs,
    deadline: BigInt((block?.timestamp ?? 0) + 3600),
    nonce: (await sys.settlement.lastNonce(portfolio)) + 1n,
    ...overrides,
  };
}

/** Per-asset vault balances, in raw units. */
export async function vaultBalances(sys: System): Promise<bigint[]> {
  const [, balances] = await sys.vault.holdings();
  return [...balances];
}

/** The settlement (escrow) contract's balance of every asset, in raw units. */
export async function escrowBalances(sys: System): Promise<bigint[]> {
  const escrow = await sys.settlement.getAddress();
  return Promise.all(sys.tokens.map((t) => t.balanceOf(escrow)));
}
