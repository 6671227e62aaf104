// The demo's proposals carry backtest evidence as `portfolio gov propose --backtest` attaches it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PublicClient } from "viem";
import { buildEvidence, evidenceBytes, evidenceSha256 } from "../backtest/evidence.ts";
import { evidenceDescriptionBlock, type EvidenceClaim } from "../backtest/evidenceDescription.ts";
import { evidenceSvg } from "../backtest/evidenceSvg.ts";
import type { RegistryProposal } from "../chain/governance/buildRegistryProposal.ts";
import type { GovernanceDeployment } from "../chain/governance/deployment.ts";
import { proposalProblems, type ProposalProblemsParameters } from "../chain/governance/evidenceProblems.ts";
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";
import { optimize } from "../optimizer/optimize.ts";

/** A proposal's evidence as the demo report records it. */
export interface DemoEvidence extends EvidenceClaim {
  /** Where `evidence.json` (the canonical bytes the hash is of) was written. */
  readonly file: string;
}

/** The demo's backtest settings: a short window and monthly rebalances keep the demo fast. */
export const DEMO_EVIDENCE = { rebalance: "calendar:monthly", lookback: 60, costs: { costBps: 10 } } as const;

/**
 * Backtests the keeper's problem now and under `proposal` over the demo's prices, writes
 * `evidence.json` and `evidence.svg` into `dir`, and returns the proposal with the evidence block
 * appended to its description, and the claim for the report.
 *
 * @example
 * ```ts
 * const { proposal, evidence } = await withEvidence(client, governance, built, { parametersFile, assets, constraintSet: {} }, prices, dir);
 * ```
 */
export async function withEvidence(
  client: PublicClient,
  governance: GovernanceDeployment,
  proposal: RegistryProposal,
  problems: ProposalProblemsParameters,
  prices: PriceTable,
  dir: string,
): Promise<{ proposal: RegistryProposal; evidence: DemoEvidence }> {
  const { current, proposed } = await proposalProblems(client, governance.contracts.ModelRegistry, problems);
  const report = buildEvidence({ current, proposed, prices, ...DEMO_EVIDENCE }, optimize);
  const bytes = evidenceBytes(report);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "evidence.json");
  writeFileSync(file, bytes);
  writeFileSync(join(dir, "evidence.svg"), evidenceSvg(report));
  const claim: EvidenceClaim = { sha256: evidenceSha256(bytes), summary: report.summary };
  return {
    proposal: { ...proposal, description: `${proposal.description}${evidenceDescriptionBlock(claim)}` },
    evidence: { ...claim, file },
  };
}
