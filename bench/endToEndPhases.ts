// Where the time of `optimize()` goes in bench/endToEnd.bench.ts: one row per problem, the warm
// and first-call milliseconds of each phase (bench/endToEndPhasesRunner.ts, a fresh process per
// problem), so that a target missed in the end-to-end table points at its phase.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMs, type BenchTable } from "./harness.ts";
import { runJson } from "./endToEndReference.ts";

/** Phase names in the order they run; `validate Σ` and `PSD check` are parts of `inputs`. */
export const PHASES = ["parse", "inputs", "validate Σ", "PSD check", "constraints", "solve", "report"] as const;

/** Milliseconds per phase. */
export type PhaseTimes = Record<(typeof PHASES)[number], number>;

const RUNNER = join(fileURLToPath(new URL(".", import.meta.url)), "endToEndPhasesRunner.ts");

/**
 * The phase row of one problem file: n, Σ kind, then warm/first ms per phase.
 *
 * @example
 * ```ts
 * const row = phaseRow(process.execPath, "/tmp/p.json", 500, "dense", { repeat: 11, warmup: 5 });
 * ```
 */
export function phaseRow(
  node: string,
  file: string,
  n: number,
  kind: string,
  { repeat, warmup }: { repeat: number; warmup: number },
): string[] {
  const { first, warm } = runJson<{ first: PhaseTimes; warm: PhaseTimes }>(node, [
    RUNNER,
    file,
    String(repeat),
    String(warmup),
  ]);
  const dense = kind === "dense";
  const cell = (phase: (typeof PHASES)[number]): string =>
    !dense && (phase === "validate Σ" || phase === "PSD check")
      ? "—"
      : `${formatMs(warm[phase])} / ${formatMs(first[phase])}`;
  return [String(n), kind, ...PHASES.map(cell)];
}

/**
 * The phase table from the rows of {@link phaseRow}.
 *
 * @example
 * ```ts
 * const table = phasesTable([phaseRow(node, file, 500, "dense", { repeat: 11, warmup: 5 })]);
 * ```
 */
export function phasesTable(rows: readonly (readonly string[])[]): BenchTable {
  return {
    title: "End to end: where optimize() spends its time, warm / first call (ms)",
    description: [
      "The steps of `optimize()` timed one by one, in its order (bench/endToEndPhasesRunner.ts, a fresh process per row; warm = median after 3–5 untimed calls, first = the first call of the process).",
      "`parse`: the problem schema; `inputs`: market inputs (for a dense Σ the nested-array validation `validate Σ` and the Cholesky PSD check `PSD check`, both re-timed on their own); `constraints`: the constraint rows; `solve`: the Markowitz branch with the interior-point engine; `report`: statistics and constraint report.",
    ].join(" "),
    columns: ["n", "Σ", ...PHASES],
    rows,
  };
}
