import { formatUnits } from "viem";
import { describeConstraints, describeParameters, type FieldChange } from "./parameters.ts";
import type { ProposalInfo } from "./proposals.ts";
import type { GovernanceStatus } from "./readStatus.ts";

/** Human-readable text for `portfolio gov` output; JSON output uses {@link toJson} instead. */

/** Seconds as `2d 0h 0m`, the unit people plan proposals in. */
export function formatDuration(seconds: bigint): string {
  const s = seconds < 0n ? -seconds : seconds;
  const d = s / 86_400n;
  const h = (s % 86_400n) / 3_600n;
  const m = (s % 3_600n) / 60n;
  const text = `${d > 0n ? `${d}d ` : ""}${h}h ${m}m`;
  return seconds < 0n ? `-${text}` : text;
}

/** Unix seconds as an ISO-8601 UTC timestamp. */
export function formatTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** `field: from → to` lines under a heading. */
export function formatChanges(heading: string, changes: readonly FieldChange[]): string {
  if (changes.length === 0) return `${heading}: no change\n`;
  const width = Math.max(...changes.map((c) => c.field.length));
  return `${heading}:\n${changes.map((c) => `  ${c.field.padEnd(width)}  ${c.from} → ${c.to}`).join("\n")}\n`;
}

function formatRecord(record: Record<string, string>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
    .join("\n");
}

/** How many hex digits of a proposal id `gov status` shows by default: unique among any realistic set. */
export const SHORT_ID_DIGITS = 8;

/**
 * A proposal id as people read it: `0x` and its first {@link SHORT_ID_DIGITS} hex digits of 64
 * with `…` (the ids are hashes), or all 64 with `full`. Either form is accepted back by `--id`.
 *
 * @example
 * ```ts
 * formatProposalId(0x1f2e3d4c5b6a79880000000000000000000000000000000000000000000000ffn); // "0x1f2e3d4c…"
 * ```
 */
export function formatProposalId(id: bigint, full = false): string {
  const hex = id.toString(16).padStart(64, "0");
  return full ? `0x${hex}` : `0x${hex.slice(0, SHORT_ID_DIGITS)}…`;
}

function formatProposal(p: ProposalInfo, now: bigint, fullIds: boolean): string {
  let timing: string;
  if (p.state === "Pending")
    timing = `voting opens ${formatTime(p.voteStart)} (in ${formatDuration(p.voteStart - now)})`;
  else if (p.state === "Active")
    timing = `voting closes ${formatTime(p.voteEnd)} (in ${formatDuration(p.voteEnd - now)})`;
  else if (p.state === "Queued" && p.eta !== null) {
    timing =
      p.eta > now
        ? `eta ${formatTime(p.eta)} (in ${formatDuration(p.eta - now)})`
        : `eta ${formatTime(p.eta)} (ready to execute)`;
  } else timing = p.eta === null ? "" : `eta ${formatTime(p.eta)}`;
  const votes = `for ${formatUnits(p.votes.for, 18)}, against ${formatUnits(p.votes.against, 18)}, abstain ${formatUnits(p.votes.abstain, 18)}`;
  return [
    `  #${formatProposalId(p.id, fullIds)}`,
    `    state        ${p.state}${timing ? `, ${timing}` : ""}`,
    `    description  ${p.description.split("\n")[0]}`,
    `    actions      ${p.actions.join(", ")}`,
    `    votes        ${votes}`,
    ...(p.state === "Queued" ? [`    timelock op  ${p.operationId}`] : []),
  ].join("\n");
}

/** The text of `portfolio gov status`; proposal ids short unless `fullIds`. */
export function formatGovernanceStatus(
  status: GovernanceStatus,
  { fullIds = false }: { fullIds?: boolean } = {},
): string {
  const r = status.registry;
  const g = status.governance;
  const lines = [
    `ModelRegistry ${r.address}${r.paused ? "  [PAUSED]" : ""}`,
    `  owner (timelock)  ${r.owner}`,
    `  guardian          ${r.guardian}`,
    `  optimizer build   ${r.optimizerBuildHash} (version ${r.optimizerVersion})`,
    `  view signers      ${r.viewSigners.length}`,
    `  keepers           ${r.keepers.length}`,
    `  audit chain       ${r.auditCount} entries, head ${r.auditHead}`,
    "",
    `Strategy parameters (version ${r.parametersVersion})`,
    formatRecord(describeParameters(r.parameters)),
    "",
    `Constraint set (version ${r.constraintSetVersion})`,
    formatRecord(describeConstraints(r.constraintSet)),
    "",
    `Governance: voting delay ${formatDuration(g.votingDelay)}, voting period ${formatDuration(g.votingPeriod)}, ` +
      `timelock ${formatDuration(g.timelockDelay)}, proposal threshold ${formatUnits(g.proposalThreshold, 18)} votes`,
    `Proposals (${status.proposals.length}) at ${formatTime(g.now)}`,
    ...(status.proposals.length === 0 ? ["  none"] : status.proposals.map((p) => formatProposal(p, g.now, fullIds))),
  ];
  return `${lines.join("\n")}\n`;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}
