// The demo's report: what `out/demo/demo-report.json` holds and how a settled rebalance is described
// (target and settled weights, risk contributions, gas, latencies) and printed.
import type { Address, Hex, PublicClient } from "viem";
import { riskDecomposition } from "../optimizer/riskParity/riskContributions.ts";
import type { SystemDeployment, SystemDeploymentJson } from "../chain/deploySystem.ts";
import type { OptimizerTypeName } from "../chain/governance/types.ts";
import type { CycleReport } from "../keeper/cycle/runCycle.ts";
import type { DemoEvidence } from "./evidence.ts";
import type { PassedProposal } from "./governanceFlow.ts";
import type { DemoFiles } from "./followUps.ts";

/** One settled rebalance of the report. Weights and risk contributions are fractions keyed by symbol. */
export interface DemoRebalance {
  readonly optimizerType: OptimizerTypeName;
  readonly status: CycleReport["status"];
  readonly instructionId: Hex | null;
  readonly txHash: Hex | null;
  readonly blockNumber: string | null;
  /** Gas of the settlement transaction. */
  readonly gasUsed: string | null;
  readonly legs: number;
  readonly weights: Record<string, number>;
  /** The vault's weights before the cycle, at the feed prices (a rotation starts with ~0 base token). */
  readonly weightsBefore: Record<string, number>;
  readonly weightsAfter: Record<string, number>;
  readonly riskContributions: Record<string, number>;
  /**
   * Annualised, fraction, on the covariance the optimiser chose the weights with (the cycle's
   * `model`; the price file's sample covariance only for a bundle that returns no model).
   */
  readonly volatility: number;
  readonly viewsAccepted: number;
  readonly viewsRejected: number;
  readonly optimizerRuntimeMs: number;
  readonly cycleMs: number;
  readonly inputsHash: Hex;
}

/** `out/demo/demo-report.json`. */
export interface DemoReport {
  readonly network: string;
  readonly chainId: number;
  readonly optimizerBuildHash: Hex;
  readonly deployment: SystemDeploymentJson;
  readonly proposals: readonly (Omit<PassedProposal, "id" | "eta" | "timeTravelledSeconds"> & {
    id: string;
    eta: string;
    timeTravelledSeconds: string;
    /** The backtest evidence the description carries: sha256 of `file`, and its summary. */
    evidence: DemoEvidence | null;
  })[];
  readonly rebalances: readonly DemoRebalance[];
  readonly auditChains: readonly { contract: string; address: Address; entries: number; head: Hex; ok: boolean }[];
  readonly chainVerified: boolean;
  /** Where the run wrote its files. */
  readonly files: DemoFiles;
  readonly steps: readonly { name: string; ms: number }[];
  readonly totalMs: number;
}

/** The vault's weights by symbol, valued at the feed prices. */
export async function vaultWeights(system: SystemDeployment): Promise<Record<string, number>> {
  const [, balances] = await system.vault.holdings();
  const values = system.assets.map(
    (a, i) => (Number(balances[i] ?? 0n) / 10 ** a.decimals) * (Number(a.feedAnswer) / 1e8),
  );
  const nav = values.reduce((s, v) => s + v, 0);
  return Object.fromEntries(system.assets.map((a, i) => [a.symbol, (values[i] ?? 0) / nav]));
}

/** A settled cycle with the vault's holdings before (`weightsBefore`) and after it. */
export async function describeRebalance(
  type: OptimizerTypeName,
  cycle: CycleReport,
  system: SystemDeployment,
  client: PublicClient,
  covariance: Parameters<typeof riskDecomposition>[1],
  weightsBefore: Record<string, number>,
): Promise<DemoRebalance> {
  const receipt = cycle.txHash === null ? null : await client.getTransactionReceipt({ hash: cycle.txHash });
  const symbols = system.assets.map((a) => a.symbol);
  const weights = Float64Array.from(cycle.weights);
  const rc = riskDecomposition(weights, covariance);
  const bySymbol = (xs: ArrayLike<number>): Record<string, number> =>
    Object.fromEntries(symbols.map((s, i) => [s, Number(xs[i] ?? 0)]));
  return {
    optimizerType: type,
    status: cycle.status,
    instructionId: cycle.instructionId,
    txHash: cycle.txHash,
    blockNumber: cycle.blockNumber,
    gasUsed: receipt === null ? null : receipt.gasUsed.toString(),
    legs: cycle.legs,
    weights: bySymbol(weights),
    weightsBefore,
    weightsAfter: await vaultWeights(system),
    riskContributions: bySymbol(rc.relative),
    volatility: rc.volatility,
    viewsAccepted: cycle.viewsAccepted,
    viewsRejected: cycle.viewsRejected,
    optimizerRuntimeMs: cycle.optimizerRuntimeMs,
    cycleMs: cycle.cycleMs,
    inputsHash: cycle.inputsHash,
  };
}
function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`.padStart(7);
}

/** A rebalance as a small table: target and settled weights, risk contributions. */
export function formatRebalance(r: DemoRebalance): string {
  const rows = Object.keys(r.weights).map(
    (s) =>
      `    ${s.padEnd(6)}${pct(r.weightsBefore[s] ?? 0)}${pct(r.weights[s] ?? 0)}${pct(r.weightsAfter[s] ?? 0)}${pct(r.riskContributions[s] ?? 0)}`,
  );
  return [
    `  ${r.optimizerType}: settled ${r.legs} legs in ${r.txHash} (gas ${r.gasUsed}), instruction ${r.instructionId}`,
    `    optimiser ${r.optimizerRuntimeMs.toFixed(0)} ms, cycle ${r.cycleMs.toFixed(0)} ms, volatility ${pct(r.volatility).trim()}, views ${r.viewsAccepted} accepted / ${r.viewsRejected} rejected`,
    `    asset  before  target settled   risk`,
    ...rows,
  ].join("\n");
}
