import { readFileSync } from "node:fs";
import { ContractFactory, type BaseContract, type InterfaceAbi, type Signer } from "ethers";

/** ABI and creation bytecode of one of our compiled contracts. */
export interface Artifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

/**
 * Reads `artifacts/contracts/<source>/<name>.json` as written by `npx hardhat build`. Deployment code
 * reads artifacts from disk rather than through Hardhat so that it runs against any JSON-RPC node.
 *
 * @example
 * ```ts
 * const { abi } = loadArtifact("vault/PortfolioVault.sol", "PortfolioVault");
 * ```
 */
export function loadArtifact(source: string, name: string): Artifact {
  const url = new URL(`../../artifacts/contracts/${source}/${name}.json`, import.meta.url);
  let text: string;
  try {
    text = readFileSync(url, "utf8");
  } catch (cause) {
    throw new Error(`missing artifact ${name}: run \`npx hardhat build\` first`, { cause });
  }
  const parsed = JSON.parse(text) as Artifact;
  return { abi: parsed.abi, bytecode: parsed.bytecode };
}

/**
 * Deploys a compiled contract and waits for it to be mined; `T` is its TypeChain type.
 *
 * @example
 * ```ts
 * const oracle = await deployArtifact<ChainlinkPriceOracle>(deployer, "oracle/ChainlinkPriceOracle.sol", "ChainlinkPriceOracle", [owner]);
 * ```
 */
export async function deployArtifact<T>(
  deployer: Signer,
  source: string,
  name: string,
  args: readonly unknown[],
): Promise<T> {
  const { abi, bytecode } = loadArtifact(source, name);
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract as BaseContract as T;
}
