// The demo's proposals carry backtest evidence as `portfolio gov propose --backtest` attaches it,
// and hand every voter what `portfolio gov verify-evidence` recomputes it from.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keccak256, toBytes, type PublicClient } from "viem";
import { assertContentHash, readConstraintDocument } from "../backtest/constraintDocuments.ts";
import { buildEvidence, evidenceBytes, evidenceSha256 } from "../backtest/evidence.ts";
import { evidenceDescriptionBlock, type EvidenceClaim } from "../backtest/evidenceDescription.ts";
import { evidenceSvg } from "../backtest/evidenceSvg.ts";
import type { RegistryProposal } from "../chain/governance/buildRegistryProposal.ts";
import type { GovernanceDeployment } from "../chain/governance/deployment.ts";
import { proposalProblems, type ProposalProblemsParameters } from "../chain/governance/evidenceProblems.ts";
import type { PriceTable } from "../optimizer/estimators/priceTable.ts";
import { optimize } from "../optimizer/optimize.ts";
import { portfolioGovernorAbi } from "../protocol/abi.ts";
import { sha256Hex } from "../protocol/inputs.ts";

/** The files a voter verifies a proposal's evidence from, each named by the sha256 of its bytes. */
export interface DemoEvidenceInputs {
  /** The daily closes both backtests ran over. */
  readonly prices: string;
  /** The constraint-set JSON in force: its sha256 is the registry's contentHash when proposed. */
  readonly constraintJson: string;
  /** The proposed constraint-set JSON: its sha256 is the contentHash the proposal sets (or keeps). */
  readonly proposedConstraintJson: string;
}

/** A proposal's evidence as the demo report records it. */
export interface DemoEvidence extends EvidenceClaim {
  /** Where `evidence.json` (the canonical bytes the hash is of) was written. */
  readonly file: string;
  /** The governor's id of the proposal the evidence is attached to (decimal). */
  readonly proposalId: string;
  readonly inputs: DemoEvidenceInputs;
  /** The `portfolio gov verify-evidence …` command that recomputes and checks it. */
  readonly verifyCommand: string;
}

/** The demo's backtest settings: a short window and monthly rebalances keep the demo fast. */
export const DEMO_EVIDENCE = { rebalance: "calendar:monthly", lookback: 60, costs: { costBps: 10 } } as const;

/** What {@link withEvidence} backtests: the changes, the vault's assets and both constraint-set files. */
export interface DemoEvidenceProblems extends Pick<ProposalProblemsParameters, "parametersFile" | "constraintsFile"> {
  readonly assets: readonly string[];
  /** The constraint-set JSON files (exact bytes the registry hashes) in force and proposed. */
  readonly constraintSetFiles: { readonly current: string; readonly proposed: string };
}

/** Where a voter finds the chain: the deployment record and, when known, the node's URL. */
export interface DemoEvidenceChain {
  readonly deploymentFile: string;
  /** JSON-RPC URL of the node the demo ran against; the in-process chain has none. */
  readonly rpcUrl?: string;
}

const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/**
 * Backtests the keeper's problem now and under `proposal` over the demo's prices, writes
 * `evidence.json` and `evidence.svg` into `dir` with the inputs a voter needs beside them
 * (`inputs/sha256-<hex>.csv|json`), and returns the proposal with the evidence block appended to
 * its description, and the claim and `gov verify-evidence` command for the report. Refuses
 * constraint-set files whose sha256 is not the registry's (the evidence could never verify).
 *
 * @example
 * ```ts
 * const { proposal, evidence } = await withEvidence(client, governance, built,
 *   { parametersFile, assets, constraintSetFiles: { current: "cs-now.json", proposed: "cs-next.json" } },
 *   { table, path: "prices.csv" }, "out/evidence-0", { deploymentFile: "deployments/localhost.json" });
 * console.log(evidence.verifyCommand);
 * ```
 */
export async function withEvidence(
  client: PublicClient,
  governance: GovernanceDeployment,
  proposal: RegistryProposal,
  problems: DemoEvidenceProblems,
  prices: { readonly table: PriceTable; readonly path: string },
  dir: string,
  chain: DemoEvidenceChain,
): Promise<{ proposal: RegistryProposal; evidence: DemoEvidence }> {
  const registry = governance.contracts.ModelRegistry;
  const current = readConstraintDocument(problems.constraintSetFiles.current, "constraintSetFiles.current");
  const proposed = readConstraintDocument(problems.constraintSetFiles.proposed, "constraintSetFiles.proposed");
  const changes = {
    ...(problems.parametersFile === undefined ? {} : { parametersFile: problems.parametersFile }),
    ...(problems.constraintsFile === undefined ? {} : { constraintsFile: problems.constraintsFile }),
    assets: problems.assets,
  };
  const built = await proposalProblems(client, registry, {
    ...changes,
    constraintSet: current.json,
    proposedConstraintSet: proposed.json,
  });
  assertContentHash(current, { sha256: built.contentHashes.current, source: "the registry's contentHash" });
  assertContentHash(proposed, { sha256: built.contentHashes.proposed, source: "the proposal's contentHash" });
  const report = buildEvidence(
    { current: built.current, proposed: built.proposed, prices: prices.table, ...DEMO_EVIDENCE },
    optimize,
  );
  const bytes = evidenceBytes(report);
  const inputsDir = join(dir, "inputs");
  mkdirSync(inputsDir, { recursive: true });
  const file = join(dir, "evidence.json");
  writeFileSync(file, bytes);
  writeFileSync(join(dir, "evidence.svg"), evidenceSvg(report));
  const inputs: DemoEvidenceInputs = {
    prices: copyAddressed(prices.path, inputsDir, "csv"),
    constraintJson: copyAddressed(current.path, inputsDir, "json"),
    proposedConstraintJson: copyAddressed(proposed.path, inputsDir, "json"),
  };
  const claim: EvidenceClaim = { sha256: evidenceSha256(bytes), summary: report.summary };
  const described = { ...proposal, description: `${proposal.description}${evidenceDescriptionBlock(claim)}` };
  const id = await client.readContract({
    address: governance.contracts.PortfolioGovernor,
    abi: portfolioGovernorAbi,
    functionName: "hashProposal",
    args: [described.targets, described.values, described.calldatas, keccak256(toBytes(described.description))],
  });
  const verifyCommand = [
    ...["portfolio", "gov", "verify-evidence", id.toString()],
    ...["--rpc", chain.rpcUrl ?? "http://127.0.0.1:8545", "--deployment", chain.deploymentFile],
    ...["--report", file, "--prices", inputs.prices],
    ...["--constraint-json", inputs.constraintJson, "--proposed-constraint-json", inputs.proposedConstraintJson],
  ]
    .map(shellWord)
    .join(" ");
  writeFileSync(join(dir, "verify.txt"), `${verifyCommand}\n`);
  return {
    proposal: described,
    evidence: { ...claim, file, proposalId: id.toString(), inputs, verifyCommand },
  };
}

/** Copies `source` to `dir/sha256-<hex of its bytes>.<extension>`; returns the copy's path. */
function copyAddressed(source: string, dir: string, extension: string): string {
  const target = join(dir, `sha256-${sha256Hex(readFileSync(source)).slice(2)}.${extension}`);
  copyFileSync(source, target);
  return target;
}
