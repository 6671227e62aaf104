// Backtest evidence on governance proposals: `gov propose --backtest` and `gov verify-evidence`.
// Loaded only when one of them runs (src/cli/commands/gov.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Address, PublicClient } from "viem";
import {
  buildEvidence,
  evidenceBytes,
  evidenceInputsOf,
  evidenceSha256,
  verifyEvidence,
  type EvidenceReport,
} from "../../backtest/evidence.ts";
import { evidenceDescriptionBlock, parseEvidenceDescription } from "../../backtest/evidenceDescription.ts";
import { evidenceSvg } from "../../backtest/evidenceSvg.ts";
import { proposalProblems, proposalProblemsAt, vaultAssets } from "../../chain/governance/evidenceProblems.ts";
import type { ProposalInfo } from "../../chain/governance/proposals.ts";
import { canonicalJson } from "../../bus/common.ts";
import { InputError, isPortfolioError, RejectedError } from "../../errors.ts";
import { dateOption, optimizerOf, readPricesOption } from "../backtestInputs.ts";
import { readJsonFile } from "../../jsonFile.ts";
import {
  assertContentHash,
  readConstraintDocument,
  type ConstraintDocument,
} from "../../backtest/constraintDocuments.ts";

/** The `gov propose` options that ask for evidence (src/cli/commands/gov.ts). */
export interface EvidenceOptions {
  backtest?: string;
  rebalance: string;
  lookback: string;
  backtestFrom?: string;
  backtestTo?: string;
  costBps: string;
  constraintJson?: string;
  proposedConstraintJson?: string;
  evidenceOut?: string;
  bundle?: string;
}

/** What a proposal gains from its evidence: the description block and the files written. */
export interface ProposalEvidence {
  readonly report: EvidenceReport;
  readonly sha256: `0x${string}`;
  /** `\n\nEvidence: sha256 0x… — summary` (src/backtest/evidenceDescription.ts). */
  readonly block: string;
  readonly files: readonly string[];
}

function integer(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InputError("OPTION_INVALID", `must be an integer, got "${text}"`, option);
  return Number(text);
}

/**
 * Runs `fn`, renaming the backtest's option names in a bad-input error to the flags of this
 * command, so the user is told which of their options to fix.
 */
function renamingOptions<T>(fn: () => T, names: Readonly<Record<string, string>>): T {
  try {
    return fn();
  } catch (error) {
    if (!isPortfolioError(error) || error.kind !== "bad-input" || error.path === undefined) throw error;
    // `assets[2]` names an entry of the option `assets` stands for.
    const renamed = names[error.path] ?? names[error.path.replace(/\[\d+\]$/, "")];
    if (renamed === undefined) throw error;
    const message = error.message.startsWith(`${error.path}: `)
      ? error.message.slice(error.path.length + 2)
      : error.message;
    throw new InputError(error.code, message, renamed, { cause: error });
  }
}

/**
 * The constraint-set documents of both sides: `--constraint-json` (the one in force) and
 * `--proposed-constraint-json` (default the same file), each held to the registry hash it stands for.
 */
function constraintDocuments(
  opts: { constraintJson?: string; proposedConstraintJson?: string },
  hashes: { current: `0x${string}`; proposed: `0x${string}` },
  currentSource: string,
): { current: ConstraintDocument; proposed: ConstraintDocument } {
  if (opts.constraintJson === undefined) {
    throw new InputError(
      "CONSTRAINT_JSON_MISSING",
      `give the constraint-set JSON whose sha256 is ${hashes.current}, ${currentSource}`,
      "--constraint-json",
    );
  }
  const current = readConstraintDocument(opts.constraintJson, "--constraint-json");
  const proposed =
    opts.proposedConstraintJson === undefined
      ? { ...current, option: "--proposed-constraint-json" }
      : readConstraintDocument(opts.proposedConstraintJson, "--proposed-constraint-json");
  assertContentHash(current, { sha256: hashes.current, source: currentSource });
  assertContentHash(proposed, {
    sha256: hashes.proposed,
    source:
      hashes.proposed === hashes.current
        ? `the contentHash the proposal keeps (${currentSource})`
        : "the contentHash the proposal's setConstraintSet call sets",
  });
  return { current, proposed };
}

/** Checks the evidence options offline, before anything reads the chain. */
export function checkEvidenceOptions(opts: EvidenceOptions): void {
  if (opts.backtest === undefined) return;
  integer(opts.lookback, "--lookback");
  if (!/^\d+(\.\d+)?$/.test(opts.costBps.trim())) {
    throw new InputError("OPTION_INVALID", `must be a number ≥ 0, got "${opts.costBps}"`, "--cost-bps");
  }
  dateOption(opts.backtestFrom, "--backtest-from");
  dateOption(opts.backtestTo, "--backtest-to");
}

/**
 * Backtests the keeper's problem under the registry's current values and under the proposal over
 * the `--backtest` prices, writes `evidence.json` (the canonical bytes) and `evidence.svg`, and
 * returns the block for the description.
 *
 * @example
 * ```ts
 * const evidence = await proposalEvidence(client, registry, { parametersFile: "p.json" }, opts);
 * description += evidence.block;
 * ```
 */
export async function proposalEvidence(
  client: PublicClient,
  contracts: { ModelRegistry: Address; PortfolioVault?: Address },
  changes: { parametersFile?: string; constraintsFile?: string },
  opts: EvidenceOptions & { backtest: string },
): Promise<ProposalEvidence> {
  const prices = readPricesOption(opts.backtest, "--backtest", "--backtest");
  const assets =
    contracts.PortfolioVault === undefined ? prices.columns : await vaultAssets(client, contracts.PortfolioVault);
  // The hashes first (no documents needed to read them), then the documents held to them.
  const { contentHashes } = await proposalProblems(client, contracts.ModelRegistry, {
    ...changes,
    assets,
    constraintSet: {},
  });
  const docs = constraintDocuments(opts, contentHashes, "the registry's contentHash (the constraint set in force)");
  const { current, proposed } = await proposalProblems(client, contracts.ModelRegistry, {
    ...changes,
    assets,
    constraintSet: docs.current.json,
    proposedConstraintSet: docs.proposed.json,
  });
  const optimizeFn = await optimizerOf(opts.bundle, "portfolio-evidence-bundles");
  const from = dateOption(opts.backtestFrom, "--backtest-from");
  const to = dateOption(opts.backtestTo, "--backtest-to");
  const report = renamingOptions(
    () =>
      buildEvidence(
        {
          current,
          proposed,
          prices,
          rebalance: opts.rebalance,
          lookback: integer(opts.lookback, "--lookback"),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          costs: { costBps: Number(opts.costBps) },
        },
        optimizeFn,
      ),
    { "--prices": "--backtest", assets: "--backtest", "--from": "--backtest-from", "--to": "--backtest-to" },
  );
  const bytes = evidenceBytes(report);
  const sha256 = evidenceSha256(bytes);
  const dir = opts.evidenceOut ?? "evidence";
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "evidence.json");
  const svg = join(dir, "evidence.svg");
  writeFileSync(json, bytes);
  writeFileSync(svg, evidenceSvg(report));
  return { report, sha256, block: evidenceDescriptionBlock({ sha256, summary: report.summary }), files: [json, svg] };
}

/** What `gov verify-evidence` found. */
export interface EvidenceCheck {
  readonly ok: boolean;
  readonly claimed: `0x${string}`;
  readonly lines: readonly string[];
}

/** The files `gov verify-evidence` checks a proposal's evidence with. */
export interface EvidenceFiles {
  readonly report: string;
  readonly prices: string;
  readonly constraintJson?: string;
  readonly proposedConstraintJson?: string;
  readonly bundle?: string;
}

/**
 * Checks a report against a sent proposal: the description's hash against the report's canonical
 * bytes; the report's two problems against the keeper's problem under the registry's values at the
 * proposal's block and under its calldata; and the report against its recomputation from its own
 * settings and problems over the given prices (their sha256 must be the one the report names).
 *
 * @example
 * ```ts
 * const check = await checkEvidence(client, registry, proposal, { report: "evidence.json", prices: "prices.csv" });
 * ```
 */
export async function checkEvidence(
  client: PublicClient,
  contracts: { ModelRegistry: Address; PortfolioVault?: Address },
  proposal: ProposalInfo,
  files: EvidenceFiles,
): Promise<EvidenceCheck> {
  const claim = parseEvidenceDescription(proposal.description);
  if (claim === null) {
    throw new InputError(
      "EVIDENCE_NOT_CLAIMED",
      "the proposal's description carries no evidence block",
      "<proposal-id>",
    );
  }
  const report = readJsonFile(files.report, { field: "--report", invalidCode: "EVIDENCE_JSON_INVALID" });
  const prices = readPricesOption(files.prices, "--prices", "--prices");
  const inputs = evidenceInputsOf(report, prices, "--report");
  const assets =
    contracts.PortfolioVault === undefined
      ? prices.columns
      : await vaultAssets(client, contracts.PortfolioVault, proposal.blockNumber);
  const { contentHashes } = await proposalProblemsAt(client, contracts.ModelRegistry, proposal, {
    assets,
    constraintSet: {},
  });
  const docs = constraintDocuments(
    files,
    contentHashes,
    `the registry's contentHash at block ${proposal.blockNumber} (the constraint set in force when proposed)`,
  );
  const expected = await proposalProblemsAt(client, contracts.ModelRegistry, proposal, {
    assets,
    constraintSet: docs.current.json,
    proposedConstraintSet: docs.proposed.json,
  });
  const problems: string[] = [];
  if (canonicalJson(inputs.current) !== canonicalJson(expected.current)) {
    problems.push(`current problem ≠ the keeper's under the registry at block ${proposal.blockNumber}`);
  }
  if (canonicalJson(inputs.proposed) !== canonicalJson(expected.proposed)) {
    problems.push("proposed problem ≠ the keeper's under the proposal's calldata");
  }
  const optimizeFn = await optimizerOf(files.bundle, "portfolio-evidence-bundles");
  const check = renamingOptions(() => verifyEvidence(report, inputs, optimizeFn, claim.sha256), {
    assets: "--prices",
    "--rebalance": "--report",
    "--lookback": "--report",
    "--from": "--report",
    "--to": "--report",
  });
  const mismatches = [...problems, ...check.mismatches];
  const ok = mismatches.length === 0;
  const lines = ok
    ? [`verified: sha256 ${claim.sha256} — ${claim.summary}`]
    : [
        `evidence does not verify (claimed ${claim.sha256}, report ${check.reportSha256}, recomputed ${check.recomputedSha256}):`,
        ...mismatches.map((m) => `  ${m}`),
      ];
  return { ok, claimed: claim.sha256, lines };
}

/** Throws the refusal `gov verify-evidence` exits 3 with. */
export function evidenceMismatch(check: EvidenceCheck): never {
  throw new RejectedError("EVIDENCE_MISMATCH", `the report does not match the proposal's evidence ${check.claimed}`);
}
