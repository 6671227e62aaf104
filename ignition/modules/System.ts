import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import {
  isCallableContractFuture,
  type IgnitionModule,
  type IgnitionModuleResult,
} from "@nomicfoundation/ignition-core";
import { DEMO_MARKET, marketAssets, type DemoMarket } from "../../src/chain/demoMarket.ts";
import { PAIR_INIT_CODE_HASH } from "../../src/chain/uniswap.ts";
import { buildDemoMarketModule } from "./DemoMarket.ts";
import GovernanceModule from "./Governance.ts";
import SettlementModule from "./Settlement.ts";
import UniswapV2Module from "./UniswapV2.ts";

/** The module of {@link buildSystemModule}. */
export type SystemModule = IgnitionModule<"System", string, IgnitionModuleResult<string>>;

/**
 * The whole system, composed of the other modules: GuardianSafe (2-of-3 Safe) → Governance (token,
 * 48 h timelock, governor, registry) → Settlement (oracle, settlement) → UniswapV2 (WETH9, factory,
 * Router02) → DemoMarket (tokens, feeds, seeded pools); then one PortfolioVault over the market's
 * assets, the Uniswap V2 adapter (pair init-code hash of the shipped bytecode) and the vault's
 * initial holdings. Every owned contract is owned by the timelock from its constructor and the
 * deployer renounces the timelock's admin role, so the deployer holds nothing at any point. Nothing
 * is wired yet: the DAO's first proposal sets the oracle's feeds and allows the vault (with its loss
 * budget and pacing) and the adapter (src/chain/genesisCalls.ts); until then nothing can settle.
 *
 * Parameters: `GuardianSafe.owners` and `Governance.genesis` are required; see
 * ignition/parameters/system.localhost.json and the other modules for the optional ones.
 *
 *   npx hardhat ignition deploy ignition/modules/System.ts --network localhost --parameters ignition/parameters/system.localhost.json
 *
 * @example
 * ```ts
 * const contracts = await connection.ignition.deploy(buildSystemModule(DEMO_MARKET), { parameters });
 * ```
 */
export function buildSystemModule(market: DemoMarket): SystemModule {
  const assets = marketAssets(market);
  const marketModule = buildDemoMarketModule(market);
  return buildModule("System", (m) => {
    const governance = m.useModule(GovernanceModule);
    const { oracle, settlement } = m.useModule(SettlementModule);
    const uniswap = m.useModule(UniswapV2Module);
    const listed = m.useModule(marketModule);
    const tokens = assets.map((a) => {
      const token = listed[`${a.symbol}Token`];
      if (token === undefined || !isCallableContractFuture(token))
        throw new Error(`DemoMarket has no ${a.symbol}Token`);
      return token;
    });

    // Owned by the timelock from its constructor, like every other contract of the system.
    const vault = m.contract("PortfolioVault", [governance.timelock, settlement, tokens]);
    const adapter = m.contract("UniswapV2Adapter", [uniswap.uniswapV2Factory, PAIR_INIT_CODE_HASH, settlement]);
    assets.forEach((asset, i) => {
      const token = tokens[i];
      if (asset.holding > 0n && token !== undefined)
        m.call(token, "mint", [vault, asset.holding], { id: `FundVault_${asset.symbol}` });
    });

    return { ...governance, oracle, settlement, vault, adapter, ...uniswap, ...listed };
  });
}

/** The system `npm run demo` deploys (src/chain/demoMarket.ts `DEMO_MARKET`). */
export default buildSystemModule(DEMO_MARKET);
