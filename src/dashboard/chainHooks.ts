import { erc20Abi, formatUnits, type Address, type Hex, type PublicClient } from "viem";
import type { GovernanceDeployment } from "../chain/governance/deployment.ts";
import { OPEN_STATES, listProposals } from "../chain/governance/proposals.ts";
import { chainlinkPriceOracleAbi, portfolioVaultAbi, settlementAbi } from "../protocol/abi.ts";
import type { SnapshotHooks } from "./chainSource.ts";
import type { AssetWeight, ProposalView, SettlementRecord } from "./snapshot.ts";
import { ROLLBACK_REASONS } from "../protocol/enums.ts";
import { WAD } from "../protocol/fixedPoint.ts";

/** Parameters of {@link chainHooks}. */
export interface ChainHooksParameters {
  readonly client: PublicClient;
  /** The PortfolioVault the dashboard shows. */
  readonly vault: Address;
  readonly settlement: Address;
  /** The IPriceOracle the settlement uses (values NAV exactly as the post-trade checks do). */
  readonly oracle: Address;
  /** First block of the log scans (the deployment block). */
  readonly fromBlock: bigint;
  /**
   * Sector of each asset symbol, or a function read on every snapshot (`constraintSetSectors`, the
   * groups of the registry's constraint set; `busHooks(…).sectors`, the keeper's labels of them);
   * absent assets show "other".
   */
  readonly sectors?:
    | Readonly<Record<string, string>>
    | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);
  /** Governance contracts, for the open proposals panel. */
  readonly governance?: GovernanceDeployment;
}

const wad = (v: bigint): number => Number(formatUnits(v, 18));

/**
 * Dashboard sections read from the chain: current weights (vault balances at oracle prices) against
 * the targets of the last `PortfolioOptimized`, the settlement history from the settlement's events,
 * and open governance proposals. Every number comes from a contract read or a log.
 *
 * @example
 * ```ts
 * const source = new ChainSnapshotSource({ client, portfolio, registry, hooks: chainHooks({ client, vault, settlement, oracle, fromBlock }) });
 * ```
 */
export function chainHooks(p: ChainHooksParameters): SnapshotHooks {
  const { client, vault, settlement, oracle, fromBlock } = p;
  const events = { address: settlement, abi: settlementAbi, fromBlock, toBlock: "latest", strict: true } as const;

  async function weights(): Promise<AssetWeight[] | null> {
    const [tokens, balances] = await client.readContract({
      address: vault,
      abi: portfolioVaultAbi,
      functionName: "holdings",
    });
    if (tokens.length === 0) return null;
    const [prices, symbols, optimized] = await Promise.all([
      Promise.all(
        tokens.map((t) =>
          client.readContract({ address: oracle, abi: chainlinkPriceOracleAbi, functionName: "priceOf", args: [t] }),
        ),
      ),
      Promise.all(tokens.map((t) => client.readContract({ address: t, abi: erc20Abi, functionName: "symbol" }))),
      client.getContractEvents({ ...events, eventName: "PortfolioOptimized", args: { portfolio: vault } }),
    ]);
    // value (WAD) = raw amount × price / 1e18, as IPriceOracle defines it.
    const values = tokens.map((_, i) => ((balances[i] ?? 0n) * (prices[i] ?? 0n)) / WAD);
    const nav = values.reduce((a, b) => a + b, 0n);
    const targets = optimized.at(-1)?.args.targetWeights;
    const sectors = typeof p.sectors === "function" ? await p.sectors() : p.sectors;
    return tokens.map((_, i) => ({
      symbol: symbols[i] ?? tokens[i] ?? "",
      sector: sectors?.[symbols[i] ?? ""] ?? "other",
      weight: nav === 0n ? 0 : Number(((values[i] ?? 0n) * WAD) / nav) / 1e18,
      target: targets === undefined ? 0 : wad(targets[i] ?? 0n),
    }));
  }

  async function settlements(): Promise<SettlementRecord[] | null> {
    const [issued, locked, finalized, rolledBack] = await Promise.all([
      client.getContractEvents({ ...events, eventName: "RebalanceInstructionIssued", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "EscrowLocked", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "SettlementFinalized", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "RolledBack", args: { portfolio: vault } }),
    ]);
    if (issued.length === 0) return null;
    const timeOf = async (blockNumber: bigint): Promise<string> =>
      new Date(Number((await client.getBlock({ blockNumber })).timestamp) * 1000).toISOString();
    const gasOf = async (hash: Hex): Promise<number> => Number((await client.getTransactionReceipt({ hash })).gasUsed);
    const records = await Promise.all(
      issued.map(async (log): Promise<SettlementRecord> => {
        const id = log.args.id;
        const done = finalized.find((l) => l.args.id === id);
        // A two-step (RFQ) settlement escrows one token per leg; an atomic one reports one amount out per leg.
        const legs = locked.find((l) => l.args.id === id)?.args.tokens.length ?? done?.args.amountsOut.length ?? 0;
        const back = rolledBack.find((l) => l.args.id === id);
        const end = done ?? back;
        return {
          instructionId: id,
          status: done !== undefined ? "finalized" : back !== undefined ? "rolled-back" : "pending",
          issuedAt: await timeOf(log.blockNumber),
          legs,
          ...(end === undefined
            ? {}
            : {
                finalizedAt: await timeOf(end.blockNumber),
                txHash: end.transactionHash,
                gasUsed: await gasOf(end.transactionHash),
              }),
          ...(back === undefined ? {} : { reason: ROLLBACK_REASONS[back.args.reason] ?? `reason ${back.args.reason}` }),
        };
      }),
    );
    return records.reverse();
  }

  async function proposals(): Promise<ProposalView[] | null> {
    if (p.governance === undefined) return null;
    const all = await listProposals(client, p.governance);
    return all
      .filter((x) => OPEN_STATES.includes(x.state))
      .map((x) => ({
        id: x.id.toString(),
        description: x.description,
        state: x.state,
        ...(x.eta === null ? {} : { eta: new Date(Number(x.eta) * 1000).toISOString() }),
        votesFor: formatUnits(x.votes.for, 18),
        votesAgainst: formatUnits(x.votes.against, 18),
        votesAbstain: formatUnits(x.votes.abstain, 18),
      }));
  }

  return { weights, settlements, proposals };
}
