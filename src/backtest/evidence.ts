// Evidence on a governance proposal: the backtest of the current and the proposed problem over the
// same history, as a report whose canonical bytes any voter can recompute and hash.
import type { Hex } from "viem";
import { canonicalJson } from "../bus/common.ts";
import { InputError } from "../errors.ts";
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";
import { sha256Hex } from "../protocol/inputs.ts";
import type { BacktestMetrics } from "./metrics.ts";
import { runBacktest, type BacktestInputs } from "./runBacktest.ts";
import type { OptimizeFn } from "./target.ts";
import type { CostModel } from "./types.ts";

/** Report format version; a verifier refuses another. */
export const EVIDENCE_VERSION = 1;

/** What both backtests share, and the two problems compared. */
export interface EvidenceInputs extends Omit<BacktestInputs, "problem"> {
  /** The problem under the parameters and constraint set in force. */
  readonly current: unknown;
  /** The problem under the proposal's parameters and constraint set. */
  readonly proposed: unknown;
}

/** One side of the comparison: its statistics and each rebalance, without wall-clock times. */
export interface EvidenceSide {
  /** The problem backtested, so a verifier can rerun it from the report and the prices alone. */
  readonly problem: unknown;
  readonly problemSha256: Hex;
  /** NAV at each close of the report's `dates`, currency. */
  readonly nav: readonly number[];
  readonly metrics: BacktestMetrics;
  readonly rebalances: readonly {
    readonly date: string;
    readonly reasons: readonly string[];
    readonly targetWeights: readonly number[];
    readonly turnover: number;
    readonly cost: number;
  }[];
}

/** The comparison report: deterministic for given inputs and optimiser code. */
export interface EvidenceReport {
  readonly version: typeof EVIDENCE_VERSION;
  readonly inputs: {
    /** sha256 of the canonical JSON of the price table `{dates, columns, rows}`. */
    readonly pricesSha256: Hex;
    readonly benchmarkSha256: Hex | null;
    readonly assets: readonly string[];
    readonly rebalance: string;
    readonly lookback: number;
    readonly from: string | null;
    readonly to: string | null;
    readonly costs: CostModel;
    readonly initialNav: number;
    readonly riskFreeRate: number;
  };
  /** The simulated closes, the same for both sides. */
  readonly dates: readonly string[];
  readonly current: EvidenceSide;
  readonly proposed: EvidenceSide;
  /** {@link evidenceSummary} of the two sides, the line for the proposal description. */
  readonly summary: string;
}

const tableHash = (t: PriceTable): Hex =>
  sha256Hex(canonicalJson({ dates: t.dates, columns: t.columns, rows: t.rows }));

function side(
  problem: unknown,
  inputs: EvidenceInputs,
  optimizeFn: OptimizeFn,
): EvidenceSide & { dates: readonly string[] } {
  const report = runBacktest({ ...inputs, problem }, optimizeFn);
  return {
    dates: report.series.dates,
    problem,
    problemSha256: sha256Hex(canonicalJson(problem)),
    nav: report.series.nav,
    metrics: report.metrics,
    rebalances: report.series.rebalances.map((k) => ({
      date: k.date,
      reasons: k.reasons,
      targetWeights: k.targetWeights,
      turnover: k.turnover,
      cost: k.cost,
    })),
  };
}

const pct = (v: number | null): string => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
const two = (v: number | null): string => (v === null ? "–" : v.toFixed(2));

/**
 * The one-line summary for a proposal description: period and policy, then Sharpe, max drawdown,
 * yearly turnover and yearly cost drag, each `current → proposed`.
 *
 * @example
 * ```ts
 * evidenceSummary(report.current.metrics, report.proposed.metrics, "calendar:monthly");
 * // "backtest 2016-07-05…2018-04-11, calendar:monthly: Sharpe 1.53 → 1.80, max drawdown 12.2% → 11.0%, turnover 565.8% → 346.6%/yr, costs 0.62% → 0.40%/yr"
 * ```
 */
export function evidenceSummary(current: BacktestMetrics, proposed: BacktestMetrics, rebalance: string): string {
  const cost = (m: BacktestMetrics): string => `${(m.annualCostDrag * 100).toFixed(2)}%`;
  return (
    `backtest ${current.startDate}…${current.endDate}, ${rebalance}: ` +
    `Sharpe ${two(current.sharpe)} → ${two(proposed.sharpe)}, ` +
    `max drawdown ${pct(current.maxDrawdown)} → ${pct(proposed.maxDrawdown)}, ` +
    `turnover ${pct(current.annualTurnover)} → ${pct(proposed.annualTurnover)}/yr, ` +
    `costs ${cost(current)} → ${cost(proposed)}/yr`
  );
}

/**
 * Backtests the current and the proposed problem over the same prices, policy, window, costs and
 * dates, with `optimizeFn` (the pinned bundle's `optimize` for evidence a voter can reproduce).
 *
 * @example
 * ```ts
 * const report = buildEvidence({ current, proposed, prices, rebalance: "calendar:monthly", costs: { costBps: 10 } }, optimize);
 * const hash = evidenceSha256(report); // goes into the proposal description with report.summary
 * ```
 */
export function buildEvidence(inputs: EvidenceInputs, optimizeFn: OptimizeFn): EvidenceReport {
  const { dates, ...current } = side(inputs.current, inputs, optimizeFn);
  const { dates: _same, ...proposed } = side(inputs.proposed, inputs, optimizeFn);
  return {
    version: EVIDENCE_VERSION,
    inputs: {
      pricesSha256: tableHash(inputs.prices),
      benchmarkSha256: inputs.benchmark === undefined ? null : tableHash(inputs.benchmark),
      assets: assetsOf(inputs),
      rebalance: inputs.rebalance.trim(),
      lookback: inputs.lookback ?? 252,
      from: inputs.from ?? null,
      to: inputs.to ?? null,
      costs: inputs.costs ?? { costBps: 0 },
      initialNav: inputs.initialNav ?? 1_000_000,
      riskFreeRate: inputs.riskFreeRate ?? 0,
    },
    dates,
    current,
    proposed,
    summary: evidenceSummary(current.metrics, proposed.metrics, inputs.rebalance.trim()),
  };
}

function assetsOf(inputs: EvidenceInputs): readonly string[] {
  const listed = (inputs.current as { assets?: unknown } | null)?.assets;
  return Array.isArray(listed) ? (listed as string[]) : inputs.prices.columns;
}

/**
 * The inputs a report was made from, read back from the report itself (its settings and both
 * problems) and the price table a verifier was given: what {@link verifyEvidence} recomputes from.
 * The prices' hash is not trusted here; the recomputation's `inputs.pricesSha256` shows a
 * different file.
 *
 * @example
 * ```ts
 * const check = verifyEvidence(report, evidenceInputsOf(report, prices), optimize, claimed);
 * ```
 */
export function evidenceInputsOf(report: unknown, prices: PriceTable, path = "report"): EvidenceInputs {
  const r = (typeof report === "object" && report !== null ? report : {}) as Partial<EvidenceReport>;
  const i = r.inputs;
  if (i === undefined || typeof i !== "object" || r.current === undefined || r.proposed === undefined) {
    throw new InputError("EVIDENCE_INVALID", "is not an evidence report (inputs, current, proposed)", path);
  }
  if (typeof i.rebalance !== "string" || typeof i.lookback !== "number") {
    throw new InputError("EVIDENCE_INVALID", "needs inputs.rebalance and inputs.lookback", `${path}.inputs`);
  }
  if (r.inputs?.benchmarkSha256 !== null && r.inputs?.benchmarkSha256 !== undefined) {
    throw new InputError("EVIDENCE_BENCHMARK", "reports with a benchmark cannot be verified here", `${path}.inputs`);
  }
  return {
    current: r.current.problem,
    proposed: r.proposed.problem,
    prices,
    rebalance: i.rebalance,
    lookback: i.lookback,
    ...(typeof i.from === "string" ? { from: i.from } : {}),
    ...(typeof i.to === "string" ? { to: i.to } : {}),
    costs: i.costs,
    initialNav: i.initialNav,
    riskFreeRate: i.riskFreeRate,
  };
}

/** The report's canonical bytes: JSON with keys sorted at every level, UTF-8. */
export function evidenceBytes(report: EvidenceReport): Uint8Array {
  return new TextEncoder().encode(canonicalJson(report));
}

/** sha256 of {@link evidenceBytes}, `0x`-prefixed: the hash a proposal description carries. */
export function evidenceSha256(report: EvidenceReport | Uint8Array): Hex {
  return sha256Hex(report instanceof Uint8Array ? report : evidenceBytes(report));
}

/** What {@link verifyEvidence} found; `ok` only when every check passed. */
export interface EvidenceVerification {
  readonly ok: boolean;
  /** sha256 of the report as given, and of the report recomputed from the inputs. */
  readonly reportSha256: Hex;
  readonly recomputedSha256: Hex;
  /** Each failed check, e.g. `claimed hash 0x12… ≠ report 0x34…`, `current.metrics.sharpe: 1.1 ≠ 1.2`. */
  readonly mismatches: readonly string[];
}

/** Paths where two JSON values differ (first 10), for a message a voter can act on. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return Object.is(a, b) ? [] : [`${path || "report"}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const sub = Array.isArray(a) ? `${path}[${k}]` : path === "" ? k : `${path}.${k}`;
    out.push(...differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub));
    if (out.length >= 10) break;
  }
  return out.slice(0, 10);
}

/**
 * Recomputes the report from its inputs and compares: the claimed hash (from the proposal
 * description) against the report's canonical bytes, and the report against the recomputation,
 * naming the fields that differ. `report` is the parsed JSON of the report file.
 *
 * @example
 * ```ts
 * const check = verifyEvidence(JSON.parse(file), inputs, optimize, claimedHash);
 * if (!check.ok) console.error(check.mismatches.join("\n"));
 * ```
 */
export function verifyEvidence(
  report: unknown,
  inputs: EvidenceInputs,
  optimizeFn: OptimizeFn,
  claimedSha256?: Hex,
): EvidenceVerification {
  const reportSha256 = sha256Hex(canonicalJson(report));
  const recomputed = buildEvidence(inputs, optimizeFn);
  const recomputedSha256 = evidenceSha256(recomputed);
  const mismatches: string[] = [];
  if ((report as { version?: unknown } | null)?.version !== EVIDENCE_VERSION) {
    mismatches.push(`version: expected ${EVIDENCE_VERSION}`);
  }
  if (claimedSha256 !== undefined && claimedSha256.toLowerCase() !== reportSha256) {
    mismatches.push(`claimed hash ${claimedSha256} ≠ report ${reportSha256}`);
  }
  if (reportSha256 !== recomputedSha256) {
    // Inputs first: a report made from other prices or settings differs everywhere after them.
    const again = JSON.parse(canonicalJson(recomputed)) as { inputs: unknown };
    const inputsDiffer = differences((report as { inputs?: unknown } | null)?.inputs, again.inputs, "inputs");
    mismatches.push(...(inputsDiffer.length > 0 ? inputsDiffer : differences(report, again)));
  }
  if (reportSha256 !== recomputedSha256 && mismatches.length === 0) mismatches.push("report ≠ recomputation");
  return { ok: mismatches.length === 0, reportSha256, recomputedSha256, mismatches };
}
