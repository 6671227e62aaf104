// The other entry points of bench/endToEnd.bench.ts: risk parity (ERC) and Black-Litterman on the
// same market (n = 500, dense Σ in the problem JSON), timed like Markowitz: warm, and on the first
// call of a fresh process. They have no cvxopt reference (cvxopt has no risk-budgeting solver; the
// Black-Litterman posterior is ours): the Markowitz row of the same size is the yardstick.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatMs, type BenchTable } from "./harness.ts";
import { runJson } from "./endToEndReference.ts";

interface RunnerOutput {
  readonly status: string;
  readonly importMs: number;
  readonly firstMs: number;
  readonly warmMs: number;
  readonly solver: string;
}

/**
 * Times `optimize()` on ERC and Black-Litterman problems built from a Markowitz problem of the
 * family (its assets, covariance and, for Black-Litterman, constraints).
 *
 * @example
 * ```ts
 * const table = entryPointsTable(problem, { dir, node: process.execPath, runner, repeat: 11, warmup: 5, markowitzWarmMs: 12 });
 * ```
 */
export function entryPointsTable(
  markowitz: Readonly<Record<string, unknown>>,
  options: { dir: string; node: string; runner: string; repeat: number; warmup: number; markowitzWarmMs: number },
): BenchTable {
  const assets = markowitz.assets as string[];
  const problems: [string, Record<string, unknown>][] = [
    ["ERC (risk parity)", { optimizerType: "ERC", assets, covariance: markowitz.covariance }],
    [
      "Black-Litterman",
      {
        optimizerType: "BLACK_LITTERMAN",
        assets,
        covariance: markowitz.covariance,
        constraints: markowitz.constraints,
        blackLitterman: {
          marketCaps: Object.fromEntries(assets.map((a, i) => [a, 1 + (i % 7)])),
          riskAversion: 2.5,
          views: [
            { assets: { [assets[0] ?? "S0"]: 1 }, q: 0.1, confidence: 0.5 },
            { assets: { [assets[1] ?? "S1"]: 1, [assets[2] ?? "S2"]: -1 }, q: 0.02 },
          ],
        },
      },
    ],
  ];
  const rows = problems.map(([name, problem], i) => {
    const file = join(options.dir, `entry-${i}.json`);
    writeFileSync(file, JSON.stringify(problem));
    const out = runJson<RunnerOutput>(options.node, [
      options.runner,
      file,
      String(options.repeat),
      String(options.warmup),
    ]);
    return [
      name,
      String(assets.length),
      out.status,
      out.solver,
      formatMs(out.warmMs),
      formatMs(out.firstMs),
      `${(out.firstMs / out.warmMs).toFixed(2)}×`,
      `${(out.warmMs / options.markowitzWarmMs).toFixed(2)}×`,
    ];
  });
  return {
    title: "End to end: risk parity and Black-Litterman entry points, dense Σ",
    description:
      "`optimize()` on the end-to-end problems' market with `optimizerType` ERC (no constraints) and BLACK_LITTERMAN (market caps, two views, the same caps). `warm ms` and `first ms` as in the table above; `vs Markowitz` = warm time over the Markowitz min-variance warm time of the same size measured in this run.",
    columns: ["entry point", "n", "status", "path", "warm ms", "first ms", "first/warm", "vs Markowitz"],
    rows,
  };
}
