import { formatUnits, type Address, type PublicClient } from "viem";
import { verifyAuditChain } from "../audit/verifyAuditChain.ts";
import { modelRegistryAbi } from "../protocol/abi.ts";
import {
  SNAPSHOT_SCHEMA_VERSION,
  type AuditChainView,
  type DashboardSnapshot,
  type ParametersView,
  type PortfolioIdentity,
  type SnapshotSource,
} from "./snapshot.ts";
import { enumName, OPTIMIZER_TYPES } from "../protocol/enums.ts";

/** Sections that the chain alone cannot give and that the keeper, settlement and analytics fill. */
export type HookSection =
  "weights" | "risk" | "frontier" | "drift" | "settlements" | "proposals" | "metrics" | "alerts";

/**
 * Providers of the sections the registry and the audit logs do not hold. Each returns the section's
 * value (units as documented on {@link DashboardSnapshot}) or `null` for "no data yet"; a section
 * without a hook shows "no data yet" on the page. Nothing is ever invented in their place.
 */
export type SnapshotHooks = { readonly [K in HookSection]?: () => Promise<DashboardSnapshot[K]> };

/** A contract whose audit chain the dashboard verifies. */
export interface AuditedContract {
  /** Display name, e.g. "ModelRegistry". */
  readonly name: string;
  readonly address: Address;
}

/** Options of {@link ChainSnapshotSource}. */
export interface ChainSnapshotSourceOptions {
  readonly client: PublicClient;
  readonly portfolio: PortfolioIdentity;
  /** The ModelRegistry; without it the parameters section shows "no data yet". */
  readonly registry?: Address;
  /** Contracts whose audit chains are recomputed on every snapshot. */
  readonly audited?: readonly AuditedContract[];
  /** First block of the log scans (the deployment block). */
  readonly fromBlock?: bigint;
  readonly hooks?: SnapshotHooks;
  /** Forwarded to the dashboard so that a hook's owner can push changes (a new alert) at once. */
  readonly subscribe?: (listener: () => void) => () => void;
  /** Clock for `generatedAt`; tests pass a fixed one. */
  readonly now?: () => Date;
}

/** A WAD (1e18 = 1) as a JavaScript number: exact enough for display (15–16 significant digits). */
function fromWad(value: bigint): number {
  return Number(formatUnits(value, 18));
}

/**
 * Reads the registry's current strategy parameters, constraint set and versions, converted from WAD to
 * plain fractions.
 *
 * @example
 * ```ts
 * const params = await readRegistryParameters(client, "0x9fE4…a6e0");
 * params.driftThreshold; // 0.05
 * ```
 */
export async function readRegistryParameters(client: PublicClient, registry: Address): Promise<ParametersView> {
  const read = { address: registry, abi: modelRegistryAbi } as const;
  const [params, parametersVersion, constraints, constraintSetVersion, optimizerVersion, optimizerBuildHash] =
    await Promise.all([
      client.readContract({ ...read, functionName: "strategyParameters" }),
      client.readContract({ ...read, functionName: "parametersVersion" }),
      client.readContract({ ...read, functionName: "constraintSet" }),
      client.readContract({ ...read, functionName: "constraintSetVersion" }),
      client.readContract({ ...read, functionName: "optimizerVersion" }),
      client.readContract({ ...read, functionName: "optimizerBuildHash" }),
    ]);
  const optimizerType = enumName(OPTIMIZER_TYPES, params.optimizerType, `registry ${registry}: optimizerType`);
  return {
    optimizerType,
    riskAversion: fromWad(params.riskAversion),
    tau: fromWad(params.tau),
    driftThreshold: fromWad(params.driftThreshold),
    volatilityBudget: fromWad(params.volatilityBudget),
    rebalanceCalendar: params.rebalanceCalendar,
    maxSlippageBps: params.maxSlippageBps,
    riskBudgetsHash: params.riskBudgetsHash,
    parametersVersion: Number(parametersVersion),
    constraintSetVersion: Number(constraintSetVersion),
    optimizerVersion,
    optimizerBuildHash,
    constraints: {
      maxPositionWeight: fromWad(constraints.maxPositionWeight),
      maxTurnover: fromWad(constraints.maxTurnover),
      uri: constraints.uri,
      contentHash: constraints.contentHash,
    },
  };
}

/**
 * Recomputes each contract's audit chain from its logs (`verifyAuditChain`) for the dashboard.
 *
 * @example
 * ```ts
 * const chains = await readAuditChains(client, [{ name: "ModelRegistry", address: registry }]);
 * ```
 */
export async function readAuditChains(
  client: PublicClient,
  contracts: readonly AuditedContract[],
  fromBlock?: bigint,
): Promise<AuditChainView[]> {
  return Promise.all(
    contracts.map(async ({ name, address }) => {
      const r = await verifyAuditChain(client, { address, ...(fromBlock === undefined ? {} : { fromBlock }) });
      return {
        name,
        address,
        head: r.head,
        count: r.count,
        ok: r.ok,
        ...(r.firstBreak === null ? {} : { firstBreak: { ...r.firstBreak } }),
      };
    }),
  );
}

/**
 * The live source behind `portfolio dashboard --rpc`: strategy parameters and versions from the
 * ModelRegistry, audit-chain status recomputed from logs, and every other section from the
 * {@link SnapshotHooks} the integrator supplies (settlement history, proposals, analytics metrics,
 * alerts). A section without a hook is `null` ("no data yet").
 *
 * @example
 * ```ts
 * const source = new ChainSnapshotSource({
 *   client: createReadClient("http://127.0.0.1:8545"),
 *   portfolio: { id: "dao-treasury", address: vault, chainId: 31337 },
 *   registry,
 *   audited: [{ name: "ModelRegistry", address: registry }],
 *   hooks: { alerts: async () => alertStore.latest(50) },
 * });
 * const snapshot = await source.snapshot();
 * ```
 */
export class ChainSnapshotSource implements SnapshotSource {
  readonly #options: ChainSnapshotSourceOptions;

  constructor(options: ChainSnapshotSourceOptions) {
    this.#options = options;
  }

  async snapshot(): Promise<DashboardSnapshot> {
    const { client, portfolio, registry, audited, fromBlock, hooks = {}, now = () => new Date() } = this.#options;
    const hook = <K extends HookSection>(key: K): Promise<DashboardSnapshot[K] | null> => {
      const provide = hooks[key] as (() => Promise<DashboardSnapshot[K]>) | undefined;
      return provide === undefined ? Promise.resolve(null) : provide();
    };
    const [parameters, audit, weights, risk, frontier, drift, settlements, proposals, metrics, alerts] =
      await Promise.all([
        registry === undefined ? null : readRegistryParameters(client, registry),
        audited === undefined ? null : readAuditChains(client, audited, fromBlock),
        hook("weights"),
        hook("risk"),
        hook("frontier"),
        hook("drift"),
        hook("settlements"),
        hook("proposals"),
        hook("metrics"),
        hook("alerts"),
      ]);
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      generatedAt: now().toISOString(),
      portfolio,
      weights,
      risk,
      frontier,
      drift,
      settlements,
      audit,
      proposals,
      parameters,
      metrics,
      alerts,
    };
  }

  subscribe(listener: () => void): () => void {
    return this.#options.subscribe?.(listener) ?? (() => undefined);
  }
}
