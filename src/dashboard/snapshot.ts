/**
 * What the dashboard shows, as one typed, JSON-serialisable value. Every data source (a static file,
 * the chain, the analytics bus) produces a {@link DashboardSnapshot}; the page renders nothing else.
 *
 * Units, everywhere in this file unless a field says otherwise:
 * - weights, shares, drifts, turnover and volatilities are FRACTIONS (0.25 = 25 %), not percent and
 *   not WAD; volatilities and returns are ANNUALISED;
 * - slippage is in basis points (1 bp = 0.0001);
 * - times are ISO 8601 UTC strings (`2026-11-24T01:00:00Z`);
 * - token amounts that can exceed 2^53 (votes) are decimal strings in whole tokens.
 *
 * A section that is `null` has no data yet: the page says so instead of showing zeros.
 */
import type { Address, Hex } from "viem";
import type { OptimizerTypeName } from "../protocol/enums.ts";

/** Version of the snapshot format; bumped on any incompatible change. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Which portfolio the snapshot describes. */
export interface PortfolioIdentity {
  /** Stable identifier, e.g. the vault's name or the id used on the `analytics.portfolio` topic. */
  readonly id: string;
  /** The vault contract, or `null` before deployment. */
  readonly address: Address | null;
  /** EIP-155 chain id, or `null` when unknown (a snapshot file). */
  readonly chainId: number | null;
  /** Symbol of the accounting (base) token, e.g. "USDC". */
  readonly baseSymbol?: string;
  /** Net asset value in base-token units (whole tokens, not base units). */
  readonly nav?: number;
}

/** One asset's current and target weight. */
export interface AssetWeight {
  readonly symbol: string;
  /** Sector or asset class used for sector risk budgets, e.g. "L1". */
  readonly sector: string;
  /** Current weight, fraction of NAV at the oracle price. */
  readonly weight: number;
  /** Target weight of the last accepted optimisation, fraction of NAV. */
  readonly target: number;
}

/** One risk contribution: Euler decomposition `RC_i = w_i (Σw)_i / σ_p` of portfolio volatility. */
export interface RiskContribution {
  /** Asset symbol or sector name. */
  readonly name: string;
  /** Contribution to annualised portfolio volatility, fraction (the contributions sum to `volatility`). */
  readonly contribution: number;
  /** Share of total risk, fraction (the shares sum to 1). */
  readonly share: number;
  /** Risk budget as a share of total risk, fraction, or `null` when this item has no budget. */
  readonly budget: number | null;
}

/** Risk decomposition of the current portfolio. */
export interface RiskView {
  /** Annualised portfolio volatility σ_p, fraction. */
  readonly volatility: number;
  readonly byAsset: readonly RiskContribution[];
  readonly bySector: readonly RiskContribution[];
}

/** A point in (annualised volatility, annualised expected return) space, both fractions. */
export interface FrontierPoint {
  readonly volatility: number;
  readonly return: number;
}

/** The efficient frontier with the portfolios of interest on it. */
export interface FrontierView {
  /** Frontier points in increasing volatility. */
  readonly points: readonly FrontierPoint[];
  /** The current (held) portfolio. */
  readonly current: FrontierPoint;
  /** The target portfolio of the last optimisation, when it differs from the current one. */
  readonly target?: FrontierPoint;
  readonly minVariance: FrontierPoint;
  /** Absent when no feasible portfolio returns more than the risk-free rate. */
  readonly maxSharpe?: FrontierPoint;
  /** Annualised risk-free rate used for the Sharpe ratio, fraction. */
  readonly riskFreeRate: number;
}

/** Drift of the held weights from the targets at one time. */
export interface DriftPoint {
  /** ISO 8601 UTC. */
  readonly time: string;
  /** max_i |w_i − target_i|, fraction: what the drift trigger compares with its threshold. */
  readonly maxDrift: number;
  /** Σ_i |w_i − target_i|, fraction (twice the one-way turnover needed to rebalance). */
  readonly l1Drift: number;
}

/** Lifecycle of a rebalance instruction in the settlement contract. */
export type SettlementStatus = "finalized" | "rolled-back" | "pending";

/** One rebalance instruction and how it settled. */
export interface SettlementRecord {
  /** The instruction id (bytes32) emitted by the settlement contract. */
  readonly instructionId: Hex;
  readonly status: SettlementStatus;
  /** When the keeper issued the instruction, ISO 8601 UTC. */
  readonly issuedAt: string;
  /** When it was finalized or rolled back, ISO 8601 UTC; absent while pending. */
  readonly finalizedAt?: string;
  /** Number of swap legs. */
  readonly legs: number;
  /** Gas used by the settling transaction(s), in gas units. */
  readonly gasUsed?: number;
  /** Worst realised slippage of any leg against the oracle price, basis points (positive = worse). */
  readonly slippageBps?: number;
  /** Why it rolled back, e.g. the decoded custom error. */
  readonly reason?: string;
  /** The transaction that finalized or rolled it back. */
  readonly txHash?: Hex;
}

/** Where an audit chain first stops being consistent (see `src/audit/chain.ts`). */
export interface AuditBreakView {
  /** Zero-based position of the first bad entry. */
  readonly position: number;
  readonly reason: string;
  readonly expected: string;
  readonly actual: string;
}

/** The audit hash chain of one contract, as recomputed from its logs. */
export interface AuditChainView {
  /** Contract name, e.g. "ModelRegistry". */
  readonly name: string;
  readonly address: Address;
  /** Head recomputed from the logs (bytes32). */
  readonly head: Hex;
  /** Number of entries folded. */
  readonly count: number;
  /** Whether every entry links and the fold equals the contract's own head and count. */
  readonly ok: boolean;
  readonly firstBreak?: AuditBreakView;
}

/** A governance proposal that is still open. */
export interface ProposalView {
  /** Governor proposal id (uint256) as a decimal string. */
  readonly id: string;
  readonly description: string;
  /** Governor state name: "Pending", "Active", "Succeeded", "Queued", … */
  readonly state: string;
  /** When a queued proposal becomes executable, ISO 8601 UTC. */
  readonly eta?: string;
  /** Votes in whole governance tokens, decimal string. */
  readonly votesFor: string;
  /** Votes in whole governance tokens, decimal string. */
  readonly votesAgainst: string;
  /** Votes in whole governance tokens, decimal string. */
  readonly votesAbstain?: string;
}

/** Optimiser types of `IModelRegistry.OptimizerType`, by name. */
export type { OptimizerTypeName };

/** The registry's current strategy parameters and constraint set, converted from WAD. */
export interface ParametersView {
  readonly optimizerType: OptimizerTypeName;
  /** Risk aversion δ of μ'w − (δ/2)·w'Σw, unitless. */
  readonly riskAversion: number;
  /** Black-Litterman τ, unitless. */
  readonly tau: number;
  /** Rebalance when some |w − target| exceeds this, fraction. */
  readonly driftThreshold: number;
  /** Annualised volatility budget, fraction. */
  readonly volatilityBudget: number;
  /** Five-field UTC cron expression of the calendar trigger. */
  readonly rebalanceCalendar: string;
  /** Maximum slippage per leg and NAV loss per rebalance, basis points. */
  readonly maxSlippageBps: number;
  /** keccak256 of the risk budgets, or the zero hash for equal budgets. */
  readonly riskBudgetsHash?: Hex;
  /** Version of the strategy parameters in the registry (0 before the first). */
  readonly parametersVersion: number;
  /** Version of the constraint set in the registry (0 before the first). */
  readonly constraintSetVersion: number;
  /** Version string of the pinned optimiser build, e.g. "0.1.0". */
  readonly optimizerVersion: string;
  /** sha256 of the pinned optimiser bundle. */
  readonly optimizerBuildHash?: Hex;
  /** Scalar limits of the current constraint set. */
  readonly constraints?: {
    /** Maximum weight of one asset, fraction. */
    readonly maxPositionWeight: number;
    /** Maximum one-way turnover per rebalance, fraction. */
    readonly maxTurnover: number;
    readonly uri: string;
    /** sha256 of the canonical ConstraintSet JSON. */
    readonly contentHash: Hex;
  };
}

/** Performance and operations metrics; a `null` metric has not been computed yet. */
export interface MetricsView {
  /** Annualised Sharpe ratio, unitless. */
  readonly sharpe: number | null;
  /** Annualised Sortino ratio, unitless. */
  readonly sortino: number | null;
  /** Annualised tracking error against the benchmark, fraction. */
  readonly trackingError: number | null;
  /** Beta against the benchmark, unitless. */
  readonly beta: number | null;
  /** Maximum drawdown, positive fraction (0.12 = a 12 % fall from the peak). */
  readonly maxDrawdown: number | null;
  /** 95th percentile of optimisation wall time, milliseconds. */
  readonly optimisationP95Ms: number | null;
  /** Solver iterations of the last optimisation. */
  readonly solverIterations: number | null;
  /** Median settlement latency, issued → finalized, seconds. */
  readonly settlementLatencySeconds: number | null;
  /** The window the return metrics are computed over, e.g. "252 trading days". */
  readonly window?: string;
  /** Why a metric is `null`, by field name, e.g. `{ trackingError: "no benchmark configured" }`. */
  readonly unavailable?: Readonly<Record<string, string>>;
}

/** How urgent an alert is. */
export type AlertSeverity = "info" | "warning" | "critical";

/** A breach published on the `alerts` topic. */
export interface AlertView {
  /** What was breached: "drift", "volatility", "slippage", "chain-break", … */
  readonly kind: string;
  readonly severity: AlertSeverity;
  /** Portfolio id, when the alert concerns one portfolio. */
  readonly portfolio?: string;
  readonly message: string;
  /** The observed value, in the unit of the kind (fraction for drift/volatility, bps for slippage). */
  readonly value?: number;
  /** The limit it was compared with, same unit as `value`. */
  readonly threshold?: number;
  /** ISO 8601 UTC. */
  readonly at: string;
}

/** Everything the dashboard shows at one moment. */
export interface DashboardSnapshot {
  readonly schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  /** When the snapshot was assembled, ISO 8601 UTC. */
  readonly generatedAt: string;
  readonly portfolio: PortfolioIdentity;
  readonly weights: readonly AssetWeight[] | null;
  readonly risk: RiskView | null;
  readonly frontier: FrontierView | null;
  /** Drift series in increasing time. */
  readonly drift: readonly DriftPoint[] | null;
  /** Settlements, most recent first. */
  readonly settlements: readonly SettlementRecord[] | null;
  readonly audit: readonly AuditChainView[] | null;
  readonly proposals: readonly ProposalView[] | null;
  readonly parameters: ParametersView | null;
  readonly metrics: MetricsView | null;
  /** Alerts, most recent first. */
  readonly alerts: readonly AlertView[] | null;
}

/**
 * Where the dashboard gets its data. `snapshot()` is called on every page load, API request and SSE
 * tick; a source that learns of a change between ticks (an alert on the bus) calls the listener
 * given to `subscribe` so that open pages update at once.
 *
 * @example
 * ```ts
 * const source: SnapshotSource = { snapshot: async () => JSON.parse(await readFile("snap.json", "utf8")) };
 * ```
 */
export interface SnapshotSource {
  snapshot(): Promise<DashboardSnapshot>;
  /** Registers a change listener; returns the function that unregisters it. */
  subscribe?(listener: () => void): () => void;
}

/**
 * A snapshot with every data section empty: what a source starts from before it has read anything.
 *
 * @example
 * ```ts
 * const snap = emptySnapshot({ id: "main", address: null, chainId: 31337 });
 * ```
 */
export function emptySnapshot(portfolio: PortfolioIdentity, generatedAt: Date = new Date()): DashboardSnapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: generatedAt.toISOString(),
    portfolio,
    weights: null,
    risk: null,
    frontier: null,
    drift: null,
    settlements: null,
    audit: null,
    proposals: null,
    parameters: null,
    metrics: null,
    alerts: null,
  };
}
