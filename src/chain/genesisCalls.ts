// The DAO's first proposal: the wiring a deployer would otherwise do while it owned the contracts.
// The system's contracts are owned by the timelock from their constructors, so the deployer never
// holds a lever; these calls are what the timelock executes before anything can be priced or settled.
import { getAddress, type Address, type Hex } from "viem";
import type {
  ChainlinkPriceOracle,
  PortfolioVault,
  Settlement,
  UniswapV2Adapter,
} from "../../types/ethers-contracts/index.ts";
import { WAD } from "../protocol/fixedPoint.ts";
import type { GovernanceCall } from "./systemRecord.ts";

/** A portfolio's loss budget (WAD fraction of NAV), its refill window and pacing (seconds). */
export interface PortfolioPolicy {
  readonly lossBudget: bigint;
  readonly lossWindow: bigint;
  readonly minInterval: bigint;
}

/**
 * The vault's default loss budget and pacing: at most 2 % of NAV lost per 7 days at oracle prices
 * (refilling linearly), and no pacing, so the demo's cycles may follow each other.
 */
export const DEFAULT_PORTFOLIO_POLICY: PortfolioPolicy = {
  lossBudget: 20_000_000_000_000_000n,
  lossWindow: 7n * 86_400n,
  minInterval: 0n,
};

/** Oldest feed answer the oracle accepts by default, seconds. */
export const DEFAULT_FEED_MAX_AGE_SECONDS = 3600;

/** What {@link genesisCalls} wires. */
export interface GenesisWiring {
  readonly oracle: ChainlinkPriceOracle;
  readonly settlement: Settlement;
  readonly vault: PortfolioVault;
  readonly adapter: UniswapV2Adapter;
  /** Every vault asset with its feed, base asset first. */
  readonly feeds: readonly { readonly symbol: string; readonly token: Address; readonly feed: Address }[];
  /** Default {@link DEFAULT_FEED_MAX_AGE_SECONDS}. */
  readonly feedMaxAgeSeconds?: number;
  /** Default {@link DEFAULT_PORTFOLIO_POLICY}. */
  readonly policy?: PortfolioPolicy;
}

/**
 * The calls of the DAO's first proposal, in order: one `oracle.setFeed` per asset, then
 * `settlement.setPortfolio(vault)`, `settlement.setPortfolioPolicy(vault, policy)` and
 * `settlement.setVenue(adapter)`. Each is audited on its contract's chain.
 *
 * @example
 * ```ts
 * const proposal = withExtraCalls(registryProposal, genesisCalls({ oracle, settlement, vault, adapter, feeds }));
 * ```
 */
export function genesisCalls(w: GenesisWiring): GovernanceCall[] {
  const maxAge = w.feedMaxAgeSeconds ?? DEFAULT_FEED_MAX_AGE_SECONDS;
  const policy = w.policy ?? DEFAULT_PORTFOLIO_POLICY;
  const at = (contract: { readonly target: unknown }): Address => getAddress(String(contract.target));
  const [oracle, settlement, vault, adapter] = [at(w.oracle), at(w.settlement), at(w.vault), at(w.adapter)];
  const calls: GovernanceCall[] = w.feeds.map((f) => ({
    target: oracle,
    data: w.oracle.interface.encodeFunctionData("setFeed", [f.token, f.feed, maxAge]) as Hex,
    description: `ChainlinkPriceOracle.setFeed(${f.symbol}, ${f.feed}, ${maxAge} s)`,
  }));
  const percent = Number((policy.lossBudget * 10_000n) / WAD) / 100;
  calls.push(
    {
      target: settlement,
      data: w.settlement.interface.encodeFunctionData("setPortfolio", [vault, true]) as Hex,
      description: `Settlement.setPortfolio(${vault}, true)`,
    },
    {
      target: settlement,
      data: w.settlement.interface.encodeFunctionData("setPortfolioPolicy", [vault, { ...policy }]) as Hex,
      description: `Settlement.setPortfolioPolicy(${vault}, ${percent}% per ${policy.lossWindow} s, min interval ${policy.minInterval} s)`,
    },
    {
      target: settlement,
      data: w.settlement.interface.encodeFunctionData("setVenue", [adapter, true]) as Hex,
      description: `Settlement.setVenue(${adapter}, true)`,
    },
  );
  return calls;
}
