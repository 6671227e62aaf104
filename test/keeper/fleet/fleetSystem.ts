// Many portfolios on one deployed system, for the fleet's tests and bench: the first is the keeper
// system's own vault; each further one is a new PortfolioVault over the same assets, allowed on the
// same Settlement (setPortfolio + setPortfolioPolicy) and funded like the first ($600k USDC, $400k
// WETH), so it shares the registry, oracle, pools and adapter. One deployment file per portfolio.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, ContractFactory } from "ethers";
import { createPublicClient, http, parseEventLogs, type Address } from "viem";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { readArtifact, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { KEEPER_ASSETS, type KeeperSystem } from "../../helpers/keeperSystem.ts";

/** A fleet's portfolios: their vaults and deployment files (all in `dir`). */
export interface FleetSystem {
  readonly dir: string;
  readonly vaults: readonly string[];
  readonly deploymentPaths: readonly string[];
}

interface DeploymentRecord {
  readonly chainId: number;
  readonly contracts: Record<string, string>;
  readonly keeper: Record<string, string>;
}

/**
 * Adds portfolios to `sys` until it has `n`, and writes `<dir>/portfolio-<i>.json` for each (the
 * first with the system's own vault).
 *
 * @example
 * ```ts
 * const fleet = await addPortfolios(await deployKeeperSystem(node), 10);
 * ```
 */
export async function addPortfolios(sys: KeeperSystem, n: number): Promise<FleetSystem> {
  const dir = join(sys.dir, "deployments");
  mkdirSync(dir, { recursive: true });
  const base = JSON.parse(readFileSync(sys.deploymentPath, "utf8")) as DeploymentRecord;
  const { abi, bytecode } = readArtifact("contracts/vault/PortfolioVault.sol/PortfolioVault.json");
  const governance = sys.governance;
  const govAddress = await governance.getAddress();
  const settlementAddress = await sys.settlement.getAddress();
  const assets = await Promise.all(sys.tokens.map((t) => t.getAddress()));
  const units = (i: number, usd: number): bigint => {
    const a = KEEPER_ASSETS[i]!;
    return (BigInt(usd) * 10n ** BigInt(a.decimals)) / BigInt(a.priceUsd);
  };
  const vaults: string[] = [sys.addresses["vault"]!];
  for (let i = 1; i < n; i++) {
    const factory = new ContractFactory(abi as never, bytecode, governance);
    const vault = (await factory.deploy(govAddress, settlementAddress, assets)) as Contract;
    await vault.waitForDeployment();
    const address = await vault.getAddress();
    await (await sys.settlement.getFunction("setPortfolio")(address, true)).wait();
    await (
      await sys.settlement.getFunction("setPortfolioPolicy")(address, {
        lossBudget: 10n ** 17n,
        lossWindow: 86_400n,
        minInterval: 0n,
      })
    ).wait();
    await (await sys.tokens[0]!.getFunction("mint")(address, units(0, 600_000))).wait();
    await (await sys.tokens[1]!.getFunction("mint")(address, units(1, 400_000))).wait();
    vaults.push(address);
  }
  const deploymentPaths = vaults.map((vault, i) => {
    const path = join(dir, `portfolio-${String(i).padStart(2, "0")}.json`);
    const record = {
      ...base,
      contracts: { ...base.contracts, PortfolioVault: vault },
      keeper: { ...base.keeper, vault },
    };
    writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
    return path;
  });
  return { dir, vaults, deploymentPaths };
}

/**
 * Settled instruction ids per vault (lower case), from the Settlement's `SettlementFinalized` events.
 *
 * @example
 * ```ts
 * const settled = await settlementsByVault(node, sys); // Map { "0xabc…" => ["0x12…"] }
 * ```
 */
export async function settlementsByVault(node: HardhatNode, sys: KeeperSystem): Promise<Map<string, string[]>> {
  const client = createPublicClient({ transport: http(node.url) });
  const logs = await client.getLogs({ address: sys.addresses["settlement"] as Address, fromBlock: 0n });
  const byVault = new Map<string, string[]>();
  for (const e of parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" })) {
    const vault = e.args.portfolio.toLowerCase();
    byVault.set(vault, [...(byVault.get(vault) ?? []), e.args.id]);
  }
  return byVault;
}
