// The standard three-asset system of the settlement tests, as a loadFixture-able deployment.
import type { Ethers, System } from "../../helpers/settlement.ts";
import { deploySystem, WAD } from "../../helpers/settlement.ts";

export const ASSETS = [
  { symbol: "USDC", decimals: 6, priceUsd: 1 },
  { symbol: "WETH", decimals: 18, priceUsd: 2000 },
  { symbol: "WBTC", decimals: 8, priceUsd: 40_000 },
] as const;

export const USDC = 0;
export const WETH = 1;
export const WBTC = 2;

/** Targets 40/40/20 from holdings 60/40/0 of $1M: sell $200k USDC for WBTC. */
export const TARGETS: bigint[] = [(40n * WAD) / 100n, (40n * WAD) / 100n, (20n * WAD) / 100n];

/** $1M vault (600k USDC, $400k WETH) over $50M-deep pools for every pair. */
export function standardSystem(ethers: Ethers): () => Promise<System> {
  return async function standard(): Promise<System> {
    return deploySystem(ethers, {
      assets: ASSETS,
      holdingsUsd: [600_000, 400_000, 0],
      poolDepthUsd: 50_000_000,
      pools: "all",
    });
  };
}

/** Raw USDC units of `usd`. */
export function usdc(usd: number): bigint {
  return BigInt(usd) * 10n ** 6n;
}
