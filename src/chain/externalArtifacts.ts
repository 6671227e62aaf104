// Prebuilt contracts we deploy but do not compile: the Safe 1.5 singleton, proxy factory and
// MultiSendCallOnly from @safe-global/safe-smart-account, and Uniswap V2 (solc 0.5.16 / 0.6.6
// builds) from @uniswap/v2-core and @uniswap/v2-periphery. They are exposed in Hardhat's artifact
// format, which both Ignition's `m.contract(name, artifact, args)` and ethers' ContractFactory take.
import type { Artifact } from "@nomicfoundation/ignition-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The shape of a Waffle build file (`@uniswap/*\/build/*.json`). */
interface WaffleBuild {
  readonly abi: Artifact["abi"];
  readonly bytecode: string;
  readonly evm: { readonly deployedBytecode: { readonly object: string } };
}

function hex(code: string): string {
  return code.startsWith("0x") ? code : `0x${code}`;
}

function safeArtifact(path: string): Artifact {
  return require(`@safe-global/safe-smart-account/build/artifacts/contracts/${path}`) as Artifact;
}

function uniswapArtifact(pkg: "v2-core" | "v2-periphery", contractName: string): Artifact {
  const build = require(`@uniswap/${pkg}/build/${contractName}.json`) as WaffleBuild;
  return {
    _format: "hh-sol-artifact-1",
    contractName,
    sourceName: `@uniswap/${pkg}/contracts/${contractName}.sol`,
    abi: build.abi,
    bytecode: hex(build.bytecode),
    deployedBytecode: hex(build.evm.deployedBytecode.object),
    linkReferences: {},
    deployedLinkReferences: {},
  };
}

/** Safe 1.5: the singleton every proxy delegates to, the proxy factory, and the batching library. */
export const SAFE_ARTIFACTS = {
  Safe: safeArtifact("Safe.sol/Safe.json"),
  SafeProxyFactory: safeArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
  MultiSendCallOnly: safeArtifact("libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json"),
} as const;

/** Uniswap V2 as Uniswap built it: the Router02 embeds the shipped pair's init-code hash. */
export const UNISWAP_ARTIFACTS = {
  UniswapV2Factory: uniswapArtifact("v2-core", "UniswapV2Factory"),
  UniswapV2Pair: uniswapArtifact("v2-core", "UniswapV2Pair"),
  UniswapV2Router02: uniswapArtifact("v2-periphery", "UniswapV2Router02"),
  WETH9: uniswapArtifact("v2-periphery", "WETH9"),
} as const;
