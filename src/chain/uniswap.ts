// The real Uniswap V2 contracts (factory, pairs, Router02, WETH9) from the bytecode shipped in
// @uniswap/v2-core and @uniswap/v2-periphery (compiled with solc 0.5.16 / 0.6.6 by Uniswap; we do not
// recompile them). The system and the demo deploy them with the Ignition module
// ignition/modules/UniswapV2.ts; `deployUniswapV2` and `seedPool` serve the test fixtures that build
// other systems on a bare signer (settlement tests against a mock registry, keeper tests on a raw
// JSON-RPC node) and the gas bench.
import { ContractFactory, keccak256, type Contract, type Signer } from "ethers";
import type { Artifact } from "@nomicfoundation/ignition-core";
import { UNISWAP_ARTIFACTS } from "./externalArtifacts.ts";

const FACTORY = UNISWAP_ARTIFACTS.UniswapV2Factory;
const PAIR = UNISWAP_ARTIFACTS.UniswapV2Pair;
const ROUTER = UNISWAP_ARTIFACTS.UniswapV2Router02;
const WETH = UNISWAP_ARTIFACTS.WETH9;

/**
 * keccak256 of the shipped pair creation code: the CREATE2 init-code hash of every pair the shipped
 * factory deploys. It equals the hash hard-coded in the shipped Router02's UniswapV2Library
 * (`0x96e8ac42…845f`), so the router and our adapter agree on pair addresses.
 */
export const PAIR_INIT_CODE_HASH: string = keccak256(PAIR.bytecode);

/** The canonical init-code hash hard-coded in UniswapV2Library.pairFor on mainnet. */
export const CANONICAL_INIT_CODE_HASH = "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f";

/** The deployed Uniswap V2 system. */
export interface UniswapV2 {
  readonly factory: Contract;
  readonly router: Contract;
  readonly weth: Contract;
  /** The init-code hash pairs are created with (see {@link PAIR_INIT_CODE_HASH}). */
  readonly initCodeHash: string;
}

/** Whether the shipped Router02 bytecode embeds the shipped pair's init-code hash. */
export function routerMatchesPairBytecode(): boolean {
  return ROUTER.bytecode.toLowerCase().includes(PAIR_INIT_CODE_HASH.slice(2).toLowerCase());
}

/**
 * Deploys WETH9, UniswapV2Factory (fee switch off, `feeToSetter` = deployer) and UniswapV2Router02.
 *
 * @example
 * ```ts
 * const { ethers } = await network.create();
 * const [deployer] = await ethers.getSigners();
 * const uni = await deployUniswapV2(deployer);
 * ```
 */
export async function deployUniswapV2(deployer: Signer): Promise<UniswapV2> {
  const deployerAddress = await deployer.getAddress();
  const weth = await deploy(WETH, deployer);
  const factory = await deploy(FACTORY, deployer, deployerAddress);
  const router = await deploy(ROUTER, deployer, await factory.getAddress(), await weth.getAddress());
  return { factory, router, weth, initCodeHash: PAIR_INIT_CODE_HASH };
}

/** The pair contract of two tokens (created by the factory if missing). */
export async function pairOf(uni: UniswapV2, tokenA: string, tokenB: string, signer: Signer): Promise<Contract> {
  let address = (await uni.factory.getFunction("getPair")(tokenA, tokenB)) as string;
  if (BigInt(address) === 0n) {
    await (await uni.factory.getFunction("createPair")(tokenA, tokenB)).wait();
    address = (await uni.factory.getFunction("getPair")(tokenA, tokenB)) as string;
  }
  return new ContractFactory(PAIR.abi, PAIR.bytecode, signer).attach(address) as Contract;
}

/** The minimal ERC-20 surface the seeding needs: our mocks all have it. */
export interface MintableToken {
  getAddress(): Promise<string>;
  mint(to: string, amount: bigint): Promise<{ wait(): Promise<unknown> }>;
}

/**
 * Creates the pair if needed and adds `amountA`/`amountB` (raw token units) of liquidity by minting
 * straight into the pair and calling `pair.mint`, the way the router does after its transfers.
 */
export async function seedPool(
  uni: UniswapV2,
  tokenA: MintableToken,
  amountA: bigint,
  tokenB: MintableToken,
  amountB: bigint,
  provider: Signer,
): Promise<Contract> {
  const pair = await pairOf(uni, await tokenA.getAddress(), await tokenB.getAddress(), provider);
  const pairAddress = await pair.getAddress();
  await (await tokenA.mint(pairAddress, amountA)).wait();
  await (await tokenB.mint(pairAddress, amountB)).wait();
  await (await pair.getFunction("mint")(await provider.getAddress())).wait();
  return pair;
}

async function deploy(art: Artifact, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const contract = await new ContractFactory(art.abi, art.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}
