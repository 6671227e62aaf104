// Shared pieces of `npm run bench`: timing by median over repeated runs, and tables that print to
// the console and render into BENCHMARKS.md. Speed targets live here, never in tests.
import { performance } from "node:perf_hooks";

/** One table of results; every cell is already formatted for people. */
export interface BenchTable {
  readonly title: string;
  /** What was measured and how, printed under the title. */
  readonly description: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Targets met or missed, reference runs, caveats. */
  readonly notes?: readonly string[];
}

/** A bench module: `bench/<area>.bench.ts` exports one of these, registered in `bench/main.ts`. */
export interface BenchModule {
  readonly name: string;
  run(): Promise<readonly BenchTable[]>;
}

/**
 * Median wall time of `runs` calls of `fn`, in milliseconds, after `warmup` untimed calls.
 *
 * @example
 * ```ts
 * const ms = await medianMs(() => solve(problem), { runs: 7 });
 * ```
 */
export async function medianMs(
  fn: () => unknown,
  { runs = 7, warmup = 1 }: { runs?: number; warmup?: number } = {},
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const upper = times[mid] ?? Number.NaN;
  return times.length % 2 === 1 ? upper : ((times[mid - 1] ?? Number.NaN) + upper) / 2;
}

/** Formats milliseconds with sensible precision: `0.065`, `4.21`, `250`. */
export function formatMs(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(2);
  return ms.toFixed(0);
}

/** Renders a table as GitHub-flavoured Markdown. */
export function toMarkdown(table: BenchTable): string {
  const lines = [`## ${table.title}`, "", table.description, ""];
  lines.push(`| ${table.columns.join(" | ")} |`, `| ${table.columns.map(() => "---").join(" | ")} |`);
  for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`);
  for (const note of table.notes ?? []) lines.push("", note);
  return `${lines.join("\n")}\n`;
}

/** Renders a table as aligned plain text for the console. */
export function toText(table: BenchTable): string {
  const widths = table.columns.map((c, j) => Math.max(c.length, ...table.rows.map((r) => (r[j] ?? "").length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, j) => c.padStart(widths[j] ?? 0)).join("  ");
  const lines = [table.title, fmt(table.columns), ...table.rows.map(fmt), ...(table.notes ?? [])];
  return `${lines.join("\n")}\n`;
}
