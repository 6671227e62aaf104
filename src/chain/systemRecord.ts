import { getAddress, type Address, type Hex } from "viem";
import type { GovernanceDeployment } from "./governance/deployment.ts";

/** A call the timelock makes through a governance proposal (e.g. the genesis wiring, src/chain/genesisCalls.ts). */
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

/** Inputs of {@link systemDeploymentJson}: addresses of the system module's contracts. */
export interface SystemRecordInput {
  readonly governance: GovernanceDeployment;
  readonly network: string;
  readonly options: { readonly optimizerVersion: string };
  readonly addresses: {
    readonly settlement: Address;
    readonly vault: Address;
    readonly oracle: Address;
    readonly adapter: Address;
    readonly factory: Address;
    readonly router: Address;
    readonly weth: Address;
    readonly safeSingleton: Address;
    readonly safeProxyFactory: Address;
    readonly multiSendCallOnly: Address;
  };
  /** Base asset first. */
  readonly assets: readonly {
    readonly symbol: string;
    readonly address: Address;
    readonly decimals: number;
    readonly feedAddress: Address;
    readonly priceUsd: string;
    readonly pair: Address | null;
  }[];
}

/**
 * The deployment record `portfolio gov`, `portfolio keeper` and `portfolio audit` read.
 *
 * @example
 * ```ts
 * writeFileSync("deployments/localhost.json", JSON.stringify(systemDeploymentJson(input), null, 2));
 * ```
 */
export function systemDeploymentJson(input: SystemRecordInput): SystemDeploymentJson {
  const { governance, addresses: a, assets } = input;
  const [base] = assets;
  if (base === undefined) throw new Error("a system record needs its base asset");
  const contracts: SystemDeploymentJson["contracts"] = {
    ...governance.contracts,
    Settlement: getAddress(a.settlement),
    PortfolioVault: getAddress(a.vault),
    ChainlinkPriceOracle: getAddress(a.oracle),
    UniswapV2Adapter: getAddress(a.adapter),
    UniswapV2Factory: getAddress(a.factory),
    UniswapV2Router02: getAddress(a.router),
    WETH9: getAddress(a.weth),
    SafeSingleton: getAddress(a.safeSingleton),
    SafeProxyFactory: getAddress(a.safeProxyFactory),
    MultiSendCallOnly: getAddress(a.multiSendCallOnly),
  };
  return {
    ...governance,
    network: input.network,
    contracts,
    optimizerVersion: input.options.optimizerVersion,
    keeper: {
      settlement: contracts.Settlement,
      vault: contracts.PortfolioVault,
      venue: contracts.UniswapV2Adapter,
      router: contracts.UniswapV2Router02,
      baseToken: base.address,
    },
    baseAsset: base.symbol,
    assets: assets.map((x) => ({
      symbol: x.symbol,
      address: x.address,
      decimals: x.decimals,
      priceFeed: x.feedAddress,
      priceUsd: x.priceUsd,
      pair: x.pair,
    })),
  };
}
