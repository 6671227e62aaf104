// The evidence block of a proposal description: written by `gov propose --backtest`, read by
// `gov verify-evidence`, the dashboard and the demo. One format, parsed in one place; no imports,
// so any layer above can read it without loading the backtest engine.

/** Hash and summary of a proposal's evidence report, as its description carries them. */
export interface EvidenceClaim {
  /** sha256 of the report's canonical bytes (`evidence.json`), `0x` + 64 lowercase hex digits. */
  readonly sha256: `0x${string}`;
  /** The report's one-line summary (current → proposed). */
  readonly summary: string;
}

/** The block's last line: `Evidence: sha256 0x<64 hex> — <summary>`. */
const BLOCK = /(?:^|\n)Evidence: sha256 (0x[0-9a-fA-F]{64}) — ([^\n]*)$/;

/**
 * The block appended to a proposal description: a blank line, then
 * `Evidence: sha256 0x<64 hex> — <summary>` as the description's last line.
 *
 * @example
 * ```ts
 * const description = `ModelRegistry: set strategy parameters${evidenceDescriptionBlock(claim)}`;
 * ```
 */
export function evidenceDescriptionBlock(claim: EvidenceClaim): string {
  return `\n\nEvidence: sha256 ${claim.sha256.toLowerCase()} — ${claim.summary.replace(/\n/g, " ")}`;
}

/**
 * The evidence claim of a proposal description, or `null` when its last line is no evidence block.
 *
 * @example
 * ```ts
 * parseEvidenceDescription(`set parameters\n\nEvidence: sha256 0x${"ab".repeat(32)} — Sharpe 1.1 → 1.3`);
 * // { sha256: "0xabab…", summary: "Sharpe 1.1 → 1.3" }
 * ```
 */
export function parseEvidenceDescription(description: string): EvidenceClaim | null {
  const match = BLOCK.exec(description.trimEnd());
  if (match === null) return null;
  return { sha256: (match[1] ?? "").toLowerCase() as `0x${string}`, summary: match[2] ?? "" };
}
