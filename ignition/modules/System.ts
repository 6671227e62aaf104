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
 * assets, the Uniswap V2 adapter (pair init-code hash of the shipped bytecode), both allowed by the
 * settlement, the vault's initial holdings, and a two-step ownership transfer of oracle, settlement
 * and vault to the timelock, which accepts in its first executed proposal.
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
    const deployer = m.getAccount(0);
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

    const vault = m.contract("PortfolioVault", [deployer, settlement, tokens]);
    const allowPortfolio = m.call(settlement, "setPortfolio", [vault, true], { id: "AllowVault" });
    // The vault's loss budget and pacing (docs/settlement.md): WAD fraction of NAV, seconds, seconds.
    const policy = m.call(
      settlement,
      "setPortfolioPolicy",
      [
        vault,
        {
          lossBudget: m.getParameter("lossBudget", DEFAULT_PORTFOLIO_POLICY.lossBudget),
          lossWindow: m.getParameter("lossWindow", DEFAULT_PORTFOLIO_POLICY.lossWindow),
          minInterval: m.getParameter("minInterval", DEFAULT_PORTFOLIO_POLICY.minInterval),
        },
      ],
      { id: "VaultPolicy" },
    );
    const adapter = m.contract("UniswapV2Adapter", [uniswap.uniswapV2Factory, PAIR_INIT_CODE_HASH, settlement]);
    const allowVenue = m.call(settlement, "setVenue", [adapter, true], { id: "AllowUniswapV2Adapter" });
    assets.forEach((asset, i) => {
      const token = tokens[i];
      if (asset.holding > 0n && token !== undefined)
        m.call(token, "mint", [vault, asset.holding], { id: `FundVault_${asset.symbol}` });
    });

    // Ownable2Step: the deployer stays the owner until the timelock accepts, so the ordering is for
    // the reader: nothing is handed over before the wiring it owns is done.
    const wired = [allowPortfolio, policy, allowVenue, marketModule];
    for (const [name, contract] of [
      ["Oracle", oracle],
      ["Settlement", settlement],
      ["Vault", vault],
    ] as const) {
      m.call(contract, "transferOwnership", [governance.timelock], { id: `Handover${name}`, after: wired });
    }

    return { ...governance, oracle, settlement, vault, adapter, ...uniswap, ...listed };
  });
}

/**
 * The vault's default loss budget and pacing: at most 2 % of NAV lost per 7 days at oracle prices
 * (refilling linearly), and no pacing, so the demo's cycles may follow each other.
 */
export const DEFAULT_PORTFOLIO_POLICY = {
  lossBudget: 20_000_000_000_000_000n,
  lossWindow: 7n * 86_400n,
  minInterval: 0n,
} as const;

/** The system `npm run demo` deploys (src/chain/demoMarket.ts `DEMO_MARKET`). */
export default buildSystemModule(DEMO_MARKET);
