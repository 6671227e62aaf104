// The `analytics.portfolio` payload: the PortfolioMetrics record and its zod schema. It lives with
// the bus, which validates every topic it carries; src/analytics/ (a layer above) builds it.
import { z } from "zod";

const finite = z.number().finite();
const fraction = finite;
const isoTime = z.string().datetime({ offset: true });

/** Realised against target weights of one asset, fractions of portfolio value. */
export interface AssetWeight {
  /** Token address or symbol. */
  readonly asset: string;
  /** Realised weight, fraction of portfolio value (0.25 = 25 %). */
  readonly weight: number;
  /** Target weight from the last optimisation, fraction. */
  readonly target: number;
  /** Sector label used for the sector risk breakdown. */
  readonly sector?: string;
}

/** Slippage of one settled leg against the oracle price. */
export interface LegSlippage {
  /** Zero-based leg index in the rebalance instruction. */
  readonly leg: number;
  readonly tokenIn: string;
  readonly tokenOut: string;
  /** Basis points, positive = received less than the oracle price implies (cost), negative = improvement. */
  readonly bps: number;
}

/** A portfolio in (annualised volatility, annualised expected return) space, both fractions. */
export interface RiskReturnPoint {
  readonly volatility: number;
  readonly expectedReturn: number;
}

/** The efficient frontier of the cycle's inputs with the portfolios of interest on it; annualised fractions. */
export interface FrontierMetrics {
  /** Annual risk-free rate behind the Sharpe ratios, fraction. */
  readonly riskFreeRate: number;
  /** Frontier portfolios from the minimum-variance one to the highest attainable return. */
  readonly points: readonly RiskReturnPoint[];
  /** The portfolio held after the cycle (executed weights after a settlement) under the same expected returns and covariance. */
  readonly current: RiskReturnPoint;
  /** The optimiser's target portfolio. */
  readonly target?: RiskReturnPoint;
  readonly minVariance: RiskReturnPoint;
  /** `null` when no feasible portfolio beats the risk-free rate. */
  readonly maxSharpe: RiskReturnPoint | null;
}

/** Weights after a settled rebalance (measured on chain, at the oracle prices) against its targets. */
export interface PostTradeMetrics {
  /** The settled instruction. */
  readonly instructionId: string;
  /** Executed and target weights per asset, fractions. */
  readonly weights: readonly { readonly asset: string; readonly weight: number; readonly target: number }[];
  /** max |w − w*| and Σ|w − w*| of the executed weights, fractions. */
  readonly drift: { readonly maxAbs: number; readonly l1: number };
}

/**
 * The metrics of one portfolio at one time: the payload of `analytics.portfolio` and the row of
 * the metrics store. Every number is a plain fraction or a dimensionless ratio unless its name
 * says otherwise (`Ms`, `Seconds`, `Blocks`, `bps`); volatilities and tracking error are
 * annualised with `frequency`. A field is absent or `null` when it was not computed or is
 * mathematically undefined (e.g. Sharpe of a constant series); never NaN.
 */
export interface PortfolioMetrics {
  /** Portfolio identifier: the PortfolioVault address (0x…) or a configured name. */
  readonly portfolio: string;
  /** ISO-8601 time the metrics describe (end of the return window), e.g. `2026-11-24T00:00:00Z`. */
  readonly at: string;
  /** Return periods per year used for annualisation (252 = daily trading days). */
  readonly frequency: number;
  /** Number of return periods in the window. */
  readonly observations?: number;
  /** Annualised standard deviation of portfolio returns (sample, ddof = 1), fraction. */
  readonly volatility?: number | null;
  /** Annualised standard deviation of active returns (portfolio − benchmark), fraction. */
  readonly trackingError?: number | null;
  /** Annualised Sharpe ratio, dimensionless. */
  readonly sharpe?: number | null;
  /** Annualised Sortino ratio, dimensionless. */
  readonly sortino?: number | null;
  /** Beta against the benchmark, dimensionless. */
  readonly beta?: number | null;
  /** Maximum drawdown of cumulative wealth, fraction in [0, 1] (0.2 = a 20 % fall from a peak). */
  readonly maxDrawdown?: number | null;
  /** Realised vs target weight drift: max |w − w*| and Σ|w − w*|, fractions. */
  readonly drift?: { readonly maxAbs: number; readonly l1: number } | null;
  /** Realised and target weights per asset. */
  readonly weights?: readonly AssetWeight[];
  /** Relative risk contributions (each map sums to 1): RC_i = w_i (Σw)_i / w'Σw. */
  readonly riskContribution?: {
    readonly byAsset: Readonly<Record<string, number>>;
    readonly bySector: Readonly<Record<string, number>>;
  } | null;
  /** Optimiser runtime and iterations over the recent cycles. */
  readonly optimizer?: {
    /** 95th percentile (nearest rank) of optimisation wall time, milliseconds. */
    readonly runtimeP95Ms: number;
    /** Number of runtime samples behind the percentile. */
    readonly samples: number;
    /** Solver iterations of the last optimisation. */
    readonly iterations: number | null;
  } | null;
  /** Slippage per settled leg of the last rebalance. */
  readonly slippage?: readonly LegSlippage[];
  /** Latency of the last settlement, from instruction issued to finalized. */
  readonly settlement?: {
    readonly instructionId: string;
    readonly latencySeconds: number;
    readonly latencyBlocks: number;
  } | null;
  /** Audit-chain status as `portfolio audit verify` computes it. */
  readonly auditChain?: {
    readonly intact: boolean;
    readonly count: number;
    /** Position of the first inconsistent entry, `null` when intact. */
    readonly firstBreakPosition: number | null;
  } | null;
  /** Executed weights of the last settled rebalance against its targets. */
  readonly postTrade?: PostTradeMetrics | null;
  /** Efficient frontier with the current and target portfolios. */
  readonly frontier?: FrontierMetrics | null;
  /** Why a field is `null`, by field name, e.g. `{ trackingError: "no benchmark configured" }`. */
  readonly unavailable?: Readonly<Record<string, string>>;
}

const riskReturnPoint = z.object({ volatility: finite.nonnegative(), expectedReturn: finite }).strict();

/** Runtime schema of {@link PortfolioMetrics}: what the bus and the store accept. */
export const portfolioMetricsSchema: z.ZodType<PortfolioMetrics> = z
  .object({
    portfolio: z.string().min(1),
    at: isoTime,
    frequency: finite.positive(),
    observations: z.number().int().nonnegative().optional(),
    volatility: finite.nonnegative().nullable().optional(),
    trackingError: finite.nonnegative().nullable().optional(),
    sharpe: finite.nullable().optional(),
    sortino: finite.nullable().optional(),
    beta: finite.nullable().optional(),
    maxDrawdown: finite.min(0).max(1).nullable().optional(),
    drift: z.object({ maxAbs: fraction.nonnegative(), l1: fraction.nonnegative() }).strict().nullable().optional(),
    weights: z
      .array(
        z
          .object({
            asset: z.string().min(1),
            weight: fraction,
            target: fraction,
            sector: z.string().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    riskContribution: z
      .object({ byAsset: z.record(z.string(), finite), bySector: z.record(z.string(), finite) })
      .strict()
      .nullable()
      .optional(),
    optimizer: z
      .object({
        runtimeP95Ms: finite.nonnegative(),
        samples: z.number().int().nonnegative(),
        iterations: z.number().int().nonnegative().nullable(),
      })
      .strict()
      .nullable()
      .optional(),
    slippage: z
      .array(
        z
          .object({ leg: z.number().int().nonnegative(), tokenIn: z.string(), tokenOut: z.string(), bps: finite })
          .strict(),
      )
      .optional(),
    settlement: z
      .object({
        instructionId: z.string().min(1),
        latencySeconds: finite.nonnegative(),
        latencyBlocks: z.number().int().nonnegative(),
      })
      .strict()
      .nullable()
      .optional(),
    auditChain: z
      .object({
        intact: z.boolean(),
        count: z.number().int().nonnegative(),
        firstBreakPosition: z.number().int().nonnegative().nullable(),
      })
      .strict()
      .nullable()
      .optional(),
    postTrade: z
      .object({
        instructionId: z.string().min(1),
        weights: z.array(z.object({ asset: z.string().min(1), weight: fraction, target: fraction }).strict()),
        drift: z.object({ maxAbs: fraction.nonnegative(), l1: fraction.nonnegative() }).strict(),
      })
      .strict()
      .nullable()
      .optional(),
    frontier: z
      .object({
        riskFreeRate: finite,
        points: z.array(riskReturnPoint),
        current: riskReturnPoint,
        target: riskReturnPoint.optional(),
        minVariance: riskReturnPoint,
        maxSharpe: riskReturnPoint.nullable(),
      })
      .strict()
      .nullable()
      .optional(),
    unavailable: z.record(z.string(), z.string().min(1)).optional(),
  })
  .strict();
