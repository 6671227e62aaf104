// A complete system for keeper-cycle tests on a real `hardhat node`: the real ModelRegistry (not the
// mock) with a constraint-set file, Chainlink-style oracle, Settlement, PortfolioVault, shipped
// Uniswap V2 pools and adapter, two funded keeper accounts, a view signer, a pinned optimiser bundle,
// a price CSV and a deployment file.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, ContractFactory, JsonRpcProvider, type Signer } from "ethers";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex } from "viem";
import { buildOptimizerBundle } from "../../src/protocol/optimizerBundle.ts";
import { sha256Hex } from "../../src/protocol/inputs.ts";
import { readArtifact, type HardhatNode } from "./hardhatNode.ts";
import { deployUniswapV2, seedPool, type MintableToken } from "../../src/chain/uniswap.ts";

const WAD = 10n ** 18n;

export const KEEPER_ASSETS = [
  { symbol: "USDC", decimals: 6, priceUsd: 1 },
  { symbol: "WETH", decimals: 18, priceUsd: 2000 },
  { symbol: "WBTC", decimals: 8, priceUsd: 40_000 },
] as const;

/** What a keeper-cycle test gets back. */
export interface KeeperSystem {
  readonly dir: string;
  readonly deploymentPath: string;
  readonly pricesPath: string;
  readonly bundlePath: string;
  readonly buildHash: Hex;
  readonly constraintSetPath: string;
  readonly keepers: readonly PrivateKeyAccount[];
  readonly keeperKeys: readonly Hex[];
  readonly viewSignerKey: Hex;
  readonly registry: Contract;
  readonly settlement: Contract;
  readonly vault: Contract;
  readonly tokens: readonly Contract[];
  readonly addresses: Record<string, string>;
  readonly governance: Signer;
}

let cachedBundle: { code: Uint8Array; buildHash: Hex } | undefined;

/** The optimiser bundle built once per test process (esbuild, deterministic). */
export async function testBundle(): Promise<{ code: Uint8Array; buildHash: Hex }> {
  cachedBundle ??= await buildOptimizerBundle({
    root: join(import.meta.dirname, "../.."),
    entry: "src/optimizer/optimize.ts",
  });
  return cachedBundle;
}

function factory(path: string, signer: Signer): ContractFactory {
  const { abi, bytecode } = readArtifact(path);
  return new ContractFactory(abi as never, bytecode, signer);
}

/** Deploys an artifact whose bytecode links external libraries (`name → address`). */
async function deployLinked(
  path: string,
  libraries: Record<string, string>,
  signer: Signer,
  ...args: unknown[]
): Promise<Contract> {
  const { abi, bytecode, linkReferences } = readArtifact(path);
  let linked: string = bytecode;
  for (const byName of Object.values(linkReferences)) {
    for (const [name, spots] of Object.entries(byName)) {
      const address = libraries[name];
      if (address === undefined) throw new Error(`no address for library ${name}`);
      for (const { start, length } of spots) {
        const at = 2 + start * 2;
        linked = linked.slice(0, at) + address.slice(2).toLowerCase() + linked.slice(at + length * 2);
      }
    }
  }
  const c = await new ContractFactory(abi as never, linked, signer).deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

async function deploy(path: string, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const c = await factory(path, signer).deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

/** Deterministic daily prices: geometric random walks with a seeded LCG (USDC ≈ 1; WETH falling, WBTC rising, so the optimiser wants a trade). */
export function syntheticPricesCsv(days = 300, seed = 7): string {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  let eth = 2000;
  let btc = 40_000;
  const lines = ["date,USDC,WETH,WBTC"];
  const start = Date.UTC(2025, 0, 1);
  for (let d = 0; d < days; d++) {
    const common = gauss();
    eth *= Math.exp(-0.001 + 0.03 * (0.6 * common + 0.8 * gauss()));
    btc *= Math.exp(0.002 + 0.025 * (0.6 * common + 0.8 * gauss()));
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    // A stablecoin wobbling by ~5 bps: a flat series would make the covariance singular.
    const usdc = 1 + 0.0005 * gauss();
    lines.push(`${date},${usdc.toFixed(6)},${eth.toFixed(4)},${btc.toFixed(4)}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface KeeperSystemOptions {
  /** The two keepers' keys (default fresh random ones); fixed keys let a test redeploy the same system on a restarted node. */
  readonly keeperKeys?: readonly [Hex, Hex];
  /** Registry maxSlippageBps (default 80: 30 bps pool fee + impact + room). */
  readonly maxSlippageBps?: number;
  /** Pool depth per side of each pair, USD (default 500M: a $500k leg then moves the price ~0.1 %). */
  readonly poolDepthUsd?: number;
  /** Pin this build hash instead of the test bundle's. */
  readonly pinnedHash?: Hex;
  /** Leave the router out of the deployment file (no quote check: the simulation is the only guard). */
  readonly withoutRouter?: boolean;
  /** Registry optimizer type: 0 MARKOWITZ (default), 1 BLACK_LITTERMAN, 2 ERC, 3 HRP. */
  readonly optimizerType?: number;
  /** Annualised volatility budget, fraction (default 2). */
  readonly volatilityBudget?: number;
  /** Registry riskBudgetsHash (default 0: equal budgets). */
  readonly riskBudgetsHash?: Hex;
  /** `riskBudgets` of the constraint-set JSON (fractions, vault order); absent by default. */
  readonly riskBudgets?: readonly number[];
  /** `constraints.groups` of the constraint-set JSON (sector labels); absent by default. */
  readonly groups?: readonly {
    readonly name: string;
    readonly assets: readonly string[];
    readonly lower?: number;
    readonly upper?: number;
  }[];
}

/**
 * Deploys the system on `node` with $1M in the vault (600k USDC, 400k WETH, 0 WBTC) and writes the
 * deployment file, the price CSV, the constraint-set JSON and the bundle into a fresh temp dir.
 */
export async function deployKeeperSystem(node: HardhatNode, options: KeeperSystemOptions = {}): Promise<KeeperSystem> {
  const dir = mkdtempSync(join(tmpdir(), "keeper-cycle-"));
  const provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
  const governance = await provider.getSigner(0);
  const govAddress = await governance.getAddress();

  const bundle = await testBundle();
  const bundlePath = join(dir, "optimizer.mjs");
  writeFileSync(bundlePath, bundle.code);

  const constraintSetPath = join(dir, "constraint-set.json");
  const constraintJson = {
    name: "test",
    constraints: {
      bounds: { lower: 0, upper: 0.55 },
      ...(options.groups === undefined ? {} : { groups: options.groups }),
    },
    minTradeValueUsd: 100,
    ...(options.riskBudgets === undefined ? {} : { riskBudgets: options.riskBudgets }),
  };
  const constraintText = `${JSON.stringify(constraintJson, null, 2)}\n`;
  writeFileSync(constraintSetPath, constraintText);

  const keeperKeys = [...(options.keeperKeys ?? [generatePrivateKey(), generatePrivateKey()])];
  const keepers = keeperKeys.map((k) => privateKeyToAccount(k));
  for (const k of keepers) await node.rpc("hardhat_setBalance", [k.address, "0x56BC75E2D63100000"]);
  const viewSignerKey = generatePrivateKey();

  const registry = await deploy(
    "contracts/registry/ModelRegistry.sol/ModelRegistry.json",
    governance,
    govAddress,
    govAddress,
    {
      optimizerBuildHash: options.pinnedHash ?? bundle.buildHash,
      optimizerVersion: "test",
      parameters: {
        optimizerType: options.optimizerType ?? 0,
        riskAversion: 3n * WAD,
        tau: WAD / 20n,
        riskBudgetsHash: options.riskBudgetsHash ?? `0x${"00".repeat(32)}`,
        driftThreshold: WAD / 10n,
        volatilityBudget: BigInt(Math.round((options.volatilityBudget ?? 2) * 1e6)) * 10n ** 12n,
        rebalanceCalendar: "0 0 * * 1",
        maxSlippageBps: options.maxSlippageBps ?? 80,
      },
      constraints: {
        contentHash: sha256Hex(constraintText),
        uri: constraintSetPath,
        maxPositionWeight: (7n * WAD) / 10n,
        maxTurnover: (8n * WAD) / 10n,
      },
      viewSigners: [privateKeyToAccount(viewSignerKey).address],
      keepers: keepers.map((k) => k.address),
    },
  );
  const oracle = await deploy(
    "contracts/oracle/ChainlinkPriceOracle.sol/ChainlinkPriceOracle.json",
    governance,
    govAddress,
  );
  const rfqEscrow = await deploy("contracts/settlement/RfqEscrow.sol/RfqEscrow.json", governance);
  const settlement = await deployLinked(
    "contracts/settlement/Settlement.sol/Settlement.json",
    { RfqEscrow: await rfqEscrow.getAddress() },
    governance,
    await registry.getAddress(),
    await oracle.getAddress(),
    govAddress,
    govAddress,
  );
  const tokens: Contract[] = [];
  for (const a of KEEPER_ASSETS) {
    const token = await deploy(
      "contracts/mocks/MockERC20.sol/MockERC20.json",
      governance,
      a.symbol,
      a.symbol,
      a.decimals,
    );
    const agg = await deploy(
      "contracts/mocks/MockAggregator.sol/MockAggregator.json",
      governance,
      8,
      BigInt(a.priceUsd) * 10n ** 8n,
    );
    // A long max age: the node's clock moves with tests that mine blocks.
    await (await oracle.getFunction("setFeed")(await token.getAddress(), await agg.getAddress(), 30 * 86_400)).wait();
    tokens.push(token);
  }
  const addrs = await Promise.all(tokens.map((t) => t.getAddress()));
  const vault = await deploy(
    "contracts/vault/PortfolioVault.sol/PortfolioVault.json",
    governance,
    govAddress,
    await settlement.getAddress(),
    addrs,
  );
  await (await settlement.getFunction("setPortfolio")(await vault.getAddress(), true)).wait();
  await (
    await settlement.getFunction("setPortfolioPolicy")(await vault.getAddress(), {
      lossBudget: 10n ** 17n,
      lossWindow: 86_400n,
      minInterval: 0n,
    })
  ).wait();
  const uni = await deployUniswapV2(governance);
  const adapter = await deploy(
    "contracts/venues/UniswapV2Adapter.sol/UniswapV2Adapter.json",
    governance,
    await uni.factory.getAddress(),
    uni.initCodeHash,
    await settlement.getAddress(),
  );
  await (await settlement.getFunction("setVenue")(await adapter.getAddress(), true)).wait();
  const units = (i: number, usd: number): bigint => {
    const a = KEEPER_ASSETS[i]!;
    return (BigInt(usd) * 10n ** BigInt(a.decimals)) / BigInt(a.priceUsd);
  };
  const depth = options.poolDepthUsd ?? 500_000_000;
  for (let i = 0; i < tokens.length; i++) {
    for (let j = i + 1; j < tokens.length; j++) {
      await seedPool(
        uni,
        tokens[i] as unknown as MintableToken,
        units(i, depth),
        tokens[j] as unknown as MintableToken,
        units(j, depth),
        governance,
      );
    }
  }
  const vaultAddress = await vault.getAddress();
  await (await tokens[0]!.getFunction("mint")(vaultAddress, units(0, 600_000))).wait();
  await (await tokens[1]!.getFunction("mint")(vaultAddress, units(1, 400_000))).wait();

  const router: { router?: string } = options.withoutRouter === true ? {} : { router: await uni.router.getAddress() };
  const keeper = {
    settlement: await settlement.getAddress(),
    vault: vaultAddress,
    venue: await adapter.getAddress(),
    ...router,
  };
  const contracts = {
    ModelRegistry: await registry.getAddress(),
    Settlement: keeper.settlement,
    PortfolioVault: keeper.vault,
    UniswapV2Adapter: keeper.venue,
    ...(router.router === undefined ? {} : { UniswapV2Router02: router.router }),
  };
  const addresses: Record<string, string> = {
    registry: contracts.ModelRegistry,
    settlement: keeper.settlement,
    vault: keeper.vault,
    venue: keeper.venue,
    ...router,
  };
  // The shape of deployments/<network>.json (src/protocol/deployment.ts).
  const deploymentPath = join(dir, "deployment.json");
  writeFileSync(deploymentPath, `${JSON.stringify({ chainId: 31337, contracts, keeper }, null, 2)}\n`);
  const pricesPath = join(dir, "prices.csv");
  writeFileSync(pricesPath, syntheticPricesCsv());
  return {
    dir,
    deploymentPath,
    pricesPath,
    bundlePath,
    buildHash: bundle.buildHash,
    constraintSetPath,
    keepers,
    keeperKeys,
    viewSignerKey,
    registry,
    settlement,
    vault,
    tokens,
    addresses,
    governance,
  };
}
