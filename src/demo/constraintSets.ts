// The demo's constraint sets, content-addressed: each JSON is stored under its own sha256 and the
// registry records that name as the URI, so a URI never points at one machine's file system and any
// reader (the keeper, the dashboard) checks the bytes against the registry's contentHash.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Directory of the content-addressed constraint sets inside the demo's output directory. */
export const CONSTRAINT_SETS_DIR = "constraint-sets";

/**
 * Sectors of the demo vault's assets. They go into the constraint set as `constraints.groups` with
 * the upper limit 1 (a group needs a limit, and a long-only portfolio never exceeds 1): they label
 * the assets (the keeper's sector risk, the dashboard's sector column) and constrain nothing.
 */
export const DEMO_SECTORS: Readonly<Record<string, string>> = {
  USDC: "Cash",
  AAPL: "Technology",
  AMZN: "Consumer Discretionary",
  JPM: "Financials",
  XOM: "Energy",
  PFE: "Health Care",
};

/** `constraints.groups` naming the sector of each of `symbols` that {@link DEMO_SECTORS} knows, in first-seen order. */
export function sectorGroups(symbols: readonly string[]): { name: string; assets: string[]; upper: 1 }[] {
  const groups = new Map<string, string[]>();
  for (const symbol of symbols) {
    const sector = DEMO_SECTORS[symbol];
    if (sector !== undefined) groups.set(sector, [...(groups.get(sector) ?? []), symbol]);
  }
  return [...groups].map(([name, assets]) => ({ name, assets, upper: 1 }));
}

/** What {@link writeConstraintSet} wrote. */
export interface WrittenConstraintSet {
  /** The registry change file `portfolio gov propose --constraints` reads: contentHash, uri and limits. */
  readonly recordFile: string;
  /** sha256 of the constraint-set bytes, 0x-prefixed. */
  readonly contentHash: `0x${string}`;
  /** The URI the registry records: `<sha256 hex>.json`, relative to the constraint-set directory. */
  readonly uri: string;
  /** Path of the stored constraint-set JSON (`<outDir>/constraint-sets/<uri>`), for the evidence's inputs. */
  readonly document: string;
}

/**
 * Writes `content` as `<outDir>/constraint-sets/<sha256>.json` and the registry's record of it as
 * `<outDir>/constraints-<name>.json`. The keeper resolves the URI against its `--constraints-dir`
 * and the dashboard finds the file by the registry's hash in `--constraint-sets`; both verify it.
 *
 * @example
 * ```ts
 * const { recordFile, uri } = writeConstraintSet("out/demo", "cash", { constraints: { bounds: { lower: 0, upper: 0.39 } } });
 * uri; // "3f1c…9a.json"
 * ```
 */
export function writeConstraintSet(
  outDir: string,
  name: string,
  content: Readonly<Record<string, unknown>>,
): WrittenConstraintSet {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  const hex = createHash("sha256").update(text).digest("hex");
  const dir = join(outDir, CONSTRAINT_SETS_DIR);
  mkdirSync(dir, { recursive: true });
  const uri = `${hex}.json`;
  const document = join(dir, uri);
  writeFileSync(document, text);
  const recordFile = join(outDir, `constraints-${name}.json`);
  const contentHash = `0x${hex}` as const;
  writeFileSync(recordFile, JSON.stringify({ contentHash, uri, maxPositionWeight: "0.4", maxTurnover: "0.3" }));
  return { recordFile, contentHash, uri, document };
}
