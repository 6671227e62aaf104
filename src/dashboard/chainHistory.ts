// Dashboard sections from the chain's history: the drift series (held weights against each
// instruction's targets, before and after it settled) and alerts (the settlement's and registry's
// refusals, rollbacks, halts and pauses). Every point comes from a log or a read at its block.
import { formatUnits, type Address, type PublicClient } from "viem";
import { weightDrift } from "../analytics/weightMetrics.ts";
import { chainlinkPriceOracleAbi, modelRegistryAbi, portfolioVaultAbi, settlementAbi } from "../protocol/abi.ts";
import { ROLLBACK_REASONS, SETTLEMENT_CHECKS } from "../protocol/enums.ts";
import { WAD } from "../protocol/fixedPoint.ts";
import type { AlertView, DriftPoint } from "./snapshot.ts";

/** Parameters of {@link chainDrift} and {@link chainAlerts}. */
export interface ChainHistoryParameters {
  readonly client: PublicClient;
  readonly vault: Address;
  readonly settlement: Address;
  readonly oracle: Address;
  /** The ModelRegistry, whose pauses are alerts too. */
  readonly registry?: Address;
  readonly fromBlock: bigint;
}

const MAX_UINT = 2n ** 256n - 1n;

/** Weights (fractions) of raw `balances` of `tokens` at the oracle's prices at `blockNumber`. */
async function weightsAt(
  client: PublicClient,
  oracle: Address,
  tokens: readonly Address[],
  balances: readonly bigint[],
  blockNumber: bigint,
): Promise<Float64Array> {
  const prices = await Promise.all(
    tokens.map((t) =>
      client.readContract({
        address: oracle,
        abi: chainlinkPriceOracleAbi,
        functionName: "priceOf",
        args: [t],
        blockNumber,
      }),
    ),
  );
  // value (WAD) = raw amount × price / 1e18, as IPriceOracle defines it.
  const values = tokens.map((_, i) => ((balances[i] ?? 0n) * (prices[i] ?? 0n)) / WAD);
  const nav = values.reduce((a, b) => a + b, 0n);
  return Float64Array.from(values, (v) => (nav === 0n ? 0 : Number((v * WAD) / nav) / 1e18));
}

/**
 * The drift series from the chain: for each `PortfolioOptimized`, the vault's holdings just before
 * its block against the previous targets and then against the new ones (the drift the rebalance
 * closes), and the holdings its
 * `SettlementFinalized` records against the same targets (what is left); then the holdings now
 * against the last targets. Prices are the oracle's at each block. Points of one block are read
 * once: history does not change.
 *
 * @example
 * ```ts
 * const drift = chainDrift({ client, vault, settlement, oracle, fromBlock });
 * await drift(); // [{ time, maxDrift, l1Drift }, …]
 * ```
 */
export function chainDrift(p: ChainHistoryParameters): () => Promise<DriftPoint[] | null> {
  const { client, vault, settlement, oracle, fromBlock } = p;
  const events = { address: settlement, abi: settlementAbi, fromBlock, toBlock: "latest", strict: true } as const;
  const cache = new Map<string, DriftPoint>();
  const timeOf = async (blockNumber: bigint): Promise<string> =>
    new Date(Number((await client.getBlock({ blockNumber })).timestamp) * 1000).toISOString();
  const point = async (
    key: string,
    blockNumber: bigint,
    balances: () => Promise<readonly [readonly Address[], readonly bigint[]]>,
    targets: Float64Array,
  ): Promise<DriftPoint> => {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const [tokens, amounts] = await balances();
    const drift = weightDrift(await weightsAt(client, oracle, tokens, amounts, blockNumber), targets);
    const value = { time: await timeOf(blockNumber), maxDrift: drift.maxAbs, l1Drift: drift.l1 };
    cache.set(key, value);
    return value;
  };
  const holdingsAt = (blockNumber: bigint) => () =>
    client.readContract({ address: vault, abi: portfolioVaultAbi, functionName: "holdings", blockNumber });
  return async () => {
    const [optimized, finalized] = await Promise.all([
      client.getContractEvents({ ...events, eventName: "PortfolioOptimized", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "SettlementFinalized", args: { portfolio: vault } }),
    ]);
    if (optimized.length === 0) return null;
    const points: DriftPoint[] = [];
    let previous: Float64Array | undefined;
    for (const log of optimized) {
      const targets = Float64Array.from(log.args.targetWeights, (w) => Number(formatUnits(w, 18)));
      const before = log.blockNumber - 1n;
      // Against the targets in force until then, and then the new ones: the series steps up where a
      // new target appears instead of ramping from the last settlement.
      if (previous !== undefined) points.push(await point(`held:${log.args.id}`, before, holdingsAt(before), previous));
      points.push(await point(`before:${log.args.id}`, before, holdingsAt(before), targets));
      previous = targets;
      const done = finalized.find((f) => f.args.id === log.args.id);
      if (done !== undefined) {
        const [tokens] = await holdingsAt(done.blockNumber)();
        points.push(
          await point(`after:${log.args.id}`, done.blockNumber, async () => [tokens, done.args.holdings], targets),
        );
      }
    }
    const last = optimized.at(-1);
    if (last !== undefined) {
      const latest = await client.getBlockNumber();
      const targets = Float64Array.from(last.args.targetWeights, (w) => Number(formatUnits(w, 18)));
      points.push(await point(`now:${latest}`, latest, holdingsAt(latest), targets));
    }
    return points.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  };
}

/**
 * Alerts from the chain's events: a `ConstraintBreached` or `PortfolioHalted` (critical), a
 * `RolledBack` (warning; not the rollback a breach causes, which is that breach's alert) or
 * `PaymentDeferred` (warning), and a pause of the settlement or the registry
 * (critical), newest first. An empty list means the chain records none, not "no data".
 *
 * @example
 * ```ts
 * const alerts = chainAlerts({ client, vault, settlement, oracle, registry, fromBlock });
 * await alerts(); // [] after a clean run
 * ```
 */
export function chainAlerts(p: ChainHistoryParameters): () => Promise<AlertView[]> {
  const { client, vault, settlement, registry, fromBlock } = p;
  const events = { address: settlement, abi: settlementAbi, fromBlock, toBlock: "latest", strict: true } as const;
  const times = new Map<bigint, string>();
  const timeOf = async (blockNumber: bigint): Promise<string> => {
    const known = times.get(blockNumber);
    if (known !== undefined) return known;
    const at = new Date(Number((await client.getBlock({ blockNumber })).timestamp) * 1000).toISOString();
    times.set(blockNumber, at);
    return at;
  };
  return async () => {
    const [breached, halted, rolledBack, deferred, settlementPaused, registryPaused] = await Promise.all([
      client.getContractEvents({ ...events, eventName: "ConstraintBreached", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "PortfolioHalted", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "RolledBack", args: { portfolio: vault } }),
      client.getContractEvents({ ...events, eventName: "PaymentDeferred" }),
      client.getContractEvents({ ...events, eventName: "Paused" }),
      registry === undefined
        ? Promise.resolve([])
        : client.getContractEvents({
            address: registry,
            abi: modelRegistryAbi,
            eventName: "Paused",
            fromBlock,
            toBlock: "latest",
            strict: true,
          }),
    ]);
    const alerts: AlertView[] = [];
    for (const log of breached) {
      const { check, asset, observed, limit } = log.args;
      const where = asset === MAX_UINT ? "the portfolio" : `asset ${asset}`;
      alerts.push({
        kind: "constraint-breach",
        severity: "critical",
        message: `settlement refused instruction ${log.args.id}: ${SETTLEMENT_CHECKS[check] ?? `check ${check}`} breached on ${where} (observed ${observed}, limit ${limit})`,
        at: await timeOf(log.blockNumber),
      });
    }
    for (const log of halted) {
      alerts.push({
        kind: "halted",
        severity: "critical",
        message: `settlement halted the portfolio after instruction ${log.args.id}; governance must resume it`,
        at: await timeOf(log.blockNumber),
      });
    }
    for (const log of rolledBack) {
      // A breach's rollback is the breach's alert already.
      if (ROLLBACK_REASONS[log.args.reason] === "ConstraintBreached") continue;
      alerts.push({
        kind: "rolled-back",
        severity: "warning",
        message: `instruction ${log.args.id} rolled back: ${ROLLBACK_REASONS[log.args.reason] ?? `reason ${log.args.reason}`}`,
        at: await timeOf(log.blockNumber),
      });
    }
    for (const log of deferred) {
      alerts.push({
        kind: "payment-deferred",
        severity: "warning",
        message: `a payment of ${log.args.amount} units of ${log.args.token} to ${log.args.counterparty} was refused and waits to be claimed`,
        at: await timeOf(log.blockNumber),
      });
    }
    for (const [name, logs] of [
      ["Settlement", settlementPaused],
      ["ModelRegistry", registryPaused],
    ] as const) {
      for (const log of logs) {
        alerts.push({
          kind: "paused",
          severity: "critical",
          message: `${name} paused by ${log.args.account}`,
          at: await timeOf(log.blockNumber),
        });
      }
    }
    return alerts.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  };
}
