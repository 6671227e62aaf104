// Which source fills which dashboard section for `portfolio dashboard --rpc`: the chain always
// (weights, settlements, proposals, drift, its own alerts, sectors from the pinned constraint set),
// then a metrics store and/or the keeper's bus for the keeper's metrics, risk, frontier and alerts.
import type { Address, PublicClient } from "viem";
import type { GovernanceDeployment } from "../chain/governance/deployment.ts";
import type { BusHooks } from "./busHooks.ts";
import { chainAlerts, chainDrift } from "./chainHistory.ts";
import { chainHooks } from "./chainHooks.ts";
import type { SnapshotHooks } from "./chainSource.ts";
import { constraintSetSectors } from "./constraintSectors.ts";
import type { AlertView } from "./snapshot.ts";
import type { StoreHooks } from "./storeHooks.ts";

/** Parameters of {@link liveHooks}. */
export interface LiveHooksParameters {
  readonly client: PublicClient;
  readonly contracts: {
    readonly vault: Address;
    readonly settlement: Address;
    readonly oracle: Address;
    readonly registry?: Address;
  };
  readonly fromBlock: bigint;
  readonly governance?: GovernanceDeployment;
  /** Directory of content-addressed constraint sets: sector names from the registry's. */
  readonly constraintSetsDir?: string;
  readonly store?: StoreHooks;
  readonly bus?: BusHooks;
}

/** Alerts of several sources, newest first; `null` only when no source has a list. */
function mergeAlerts(
  sources: readonly (() => Promise<readonly AlertView[] | null>)[],
): () => Promise<AlertView[] | null> {
  return async () => {
    const lists = await Promise.all(sources.map((s) => s()));
    if (lists.every((l) => l === null)) return null;
    return lists.flatMap((l) => l ?? []).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  };
}

/**
 * The hooks of the live dashboard. Drift and alerts come from the chain, so they are never empty
 * after a rebalance; the store's and the bus's alerts join the chain's. Sector names come from the
 * constraint-set directory when given, else from the keeper's labels (store, then bus).
 *
 * @example
 * ```ts
 * const hooks = liveHooks({ client, contracts: { vault, settlement, oracle, registry }, fromBlock, constraintSetsDir: "out/demo/constraint-sets", store });
 * ```
 */
export function liveHooks(p: LiveHooksParameters): SnapshotHooks {
  const { client, contracts, fromBlock, store, bus } = p;
  const history = { client, ...contracts, fromBlock };
  const sectors =
    p.constraintSetsDir !== undefined && contracts.registry !== undefined
      ? constraintSetSectors(client, contracts.registry, p.constraintSetsDir)
      : store !== undefined
        ? () => store.sectors()
        : bus !== undefined
          ? () => bus.sectors()
          : undefined;
  const fromChain = chainHooks({
    client,
    vault: contracts.vault,
    settlement: contracts.settlement,
    oracle: contracts.oracle,
    fromBlock,
    ...(p.governance === undefined ? {} : { governance: p.governance }),
    ...(sectors === undefined ? {} : { sectors }),
  });
  const alerts = mergeAlerts([
    chainAlerts(history),
    ...(store?.hooks.alerts === undefined ? [] : [store.hooks.alerts]),
    ...(bus?.hooks.alerts === undefined ? [] : [bus.hooks.alerts]),
  ]);
  const keeper = { ...store?.hooks, ...bus?.hooks };
  return {
    ...fromChain,
    ...(keeper.metrics === undefined ? {} : { metrics: keeper.metrics }),
    ...(keeper.risk === undefined ? {} : { risk: keeper.risk }),
    ...(keeper.frontier === undefined ? {} : { frontier: keeper.frontier }),
    drift: chainDrift(history),
    alerts,
  };
}
