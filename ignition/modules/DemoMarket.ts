import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { IgnitionModule, IgnitionModuleResult } from "@nomicfoundation/ignition-core";
import { DEMO_MARKET, FEED_DECIMALS, marketAssets, type DemoMarket } from "../../src/chain/demoMarket.ts";
import { UNISWAP_ARTIFACTS } from "../../src/chain/externalArtifacts.ts";
import UniswapV2Module from "./UniswapV2.ts";

/** The module of {@link buildDemoMarketModule}: results `<SYMBOL>Token`, `<SYMBOL>Feed`, `<SYMBOL>Pair`. */
export type DemoMarketModule = IgnitionModule<"DemoMarket", string, IgnitionModuleResult<string>>;

/**
 * The demo market of `market` (src/chain/demoMarket.ts): per asset a `MockERC20` (open mint) and a
 * `MockAggregator` feed at its price; per risky asset a Uniswap V2 pair with the base asset, seeded
 * at the feed price by minting both sides into the pair and calling `pair.mint` (what the router
 * does after its transfers). The oracle learns the feeds in the DAO's first proposal
 * (src/chain/genesisCalls.ts). Mocks: local chains only. No parameters.
 *
 * @example
 * ```ts
 * const module = buildDemoMarketModule({ ...DEMO_MARKET, poolDepthUsd: 1_000_000 });
 * ```
 */
export function buildDemoMarketModule(market: DemoMarket): DemoMarketModule {
  const [base, ...risky] = marketAssets(market);
  if (base === undefined) throw new Error("unreachable: a market always has its base asset");
  return buildModule("DemoMarket", (m) => {
    const deployer = m.getAccount(0);
    const { uniswapV2Factory } = m.useModule(UniswapV2Module);
    const results: IgnitionModuleResult<string> = {};

    const listed = [base, ...risky].map((asset) => {
      const name = asset.isBase ? "USD Coin (demo)" : `${asset.symbol} (tokenised, demo)`;
      const token = m.contract("MockERC20", [name, asset.symbol, asset.decimals], { id: `${asset.symbol}Token` });
      const feed = m.contract("MockAggregator", [FEED_DECIMALS, asset.feedAnswer], { id: `${asset.symbol}Feed` });
      results[`${asset.symbol}Token`] = token;
      results[`${asset.symbol}Feed`] = feed;
      return { asset, token };
    });

    const [baseListing, ...riskyListings] = listed;
    if (baseListing === undefined) throw new Error("unreachable");
    for (const { asset, token } of riskyListings) {
      const created = m.call(uniswapV2Factory, "createPair", [baseListing.token, token], {
        id: `CreatePair_${asset.symbol}`,
      });
      const address = m.readEventArgument(created, "PairCreated", "pair", { id: `PairAddress_${asset.symbol}` });
      const pair = m.contractAt("UniswapV2Pair", UNISWAP_ARTIFACTS.UniswapV2Pair, address, {
        id: `${asset.symbol}Pair`,
      });
      const funded = [
        m.call(baseListing.token, "mint", [address, base.poolDepth], { id: `SeedBase_${asset.symbol}` }),
        m.call(token, "mint", [address, asset.poolDepth], { id: `SeedAsset_${asset.symbol}` }),
      ];
      m.call(pair, "mint", [deployer], { id: `MintLiquidity_${asset.symbol}`, after: funded });
      results[`${asset.symbol}Pair`] = pair;
    }
    return results;
  });
}

/** The market of `npm run demo`: USDC and five tokenised equities. */
export default buildDemoMarketModule(DEMO_MARKET);
