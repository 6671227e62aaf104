// End-to-end benchmark: `optimize()` as a user calls it (parsing and validation, PSD check, solve,
// report), warm and on the first call of a fresh process, and the CLI as a whole process, on the
// optimiser bench's problem family written as problem JSON (long-only min-variance, 5 % caps,
// 10 sector caps), n = 50 … 2000, dense Σ and factor model. Each timing sits beside a reference
// measured in the same run: cvxopt's `solvers.qp` on the same matrices (Debian's python3-cvxopt,
// bench/reference/cvxopt_qp.py) where it is installed, and always the QP kernel alone and HiGHS.
// `BENCH_E2E_MAX_N` limits the sizes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildConstraints } from "../src/optimizer/markowitz/constraints.ts";
import { formulate } from "../src/optimizer/markowitz/formulate.ts";
import { mulberry32 } from "../src/optimizer/markowitz/resampled.ts";
import { createHighsSolver } from "../src/optimizer/qp/highsSolver.ts";
import { interiorPointSolver } from "../src/optimizer/qp/interiorPoint.ts";
import type { QpCovariance } from "../src/optimizer/qp/types.ts";
import { formatMs, medianMs, type BenchModule, type BenchTable } from "./harness.ts";
import { entryPointsTable } from "./endToEndEntryPoints.ts";
import { phaseRow, phasesTable } from "./endToEndPhases.ts";
import { cvxoptPython, runJson, type CvxoptRun } from "./endToEndReference.ts";

const SIZES = [50, 200, 500, 1000, 2000];
const FACTORS = 10;
const SECTORS = 10;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NODE = process.execPath;

interface Family {
  readonly problem: Record<string, unknown>;
  readonly covariance: QpCovariance;
}

/** The optimiser bench's market (same generator and seed) as problem JSON, and as the QP's Σ. */
function family(n: number, kind: "dense" | "factor"): Family {
  const r = mulberry32(n);
  const k = FACTORS;
  const loadings = Float64Array.from({ length: n * k }, (_, i) => (i % k === 0 ? 1 : 0) + 0.6 * (r() - 0.5));
  const factorCovariance = new Float64Array(k * k);
  for (let t = 0; t < k; t++) factorCovariance[t * k + t] = t === 0 ? 0.03 : 0.002 + 0.01 * r();
  const specific = Float64Array.from({ length: n }, () => 0.01 + 0.06 * r());
  const assets = Array.from({ length: n }, (_, i) => `S${i}`);
  const rowsOf = (a: Float64Array, cols: number): number[][] =>
    Array.from({ length: a.length / cols }, (_, i) => Array.from(a.subarray(i * cols, (i + 1) * cols)));
  let covariance: QpCovariance;
  let json: unknown;
  if (kind === "factor") {
    covariance = { kind: "factor", n, k, loadings, factorCovariance, specificVariance: specific };
    json = {
      factorLoadings: rowsOf(loadings, k),
      factorCovariance: rowsOf(factorCovariance, k),
      specificVariance: Array.from(specific),
    };
  } else {
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = i === j ? (specific[i] ?? 0) : 0;
        for (let t = 0; t < k; t++) {
          s += (loadings[i * k + t] ?? 0) * (factorCovariance[t * k + t] ?? 0) * (loadings[j * k + t] ?? 0);
        }
        data[i * n + j] = s;
        data[j * n + i] = s;
      }
    }
    covariance = { kind: "dense", n, data };
    json = rowsOf(data, n);
  }
  const problem = {
    assets,
    covariance: json,
    objective: "min-variance",
    constraints: {
      bounds: { upper: 0.05 },
      groups: Array.from({ length: SECTORS }, (_, g) => ({
        name: `sector${g}`,
        assets: assets.filter((_a, i) => i % SECTORS === g),
        upper: 0.15,
      })),
    },
  };
  return { problem, covariance };
}

/** Kernel alone and HiGHS on the QP that `optimize()` builds for the family (a new Σ object per run). */
async function kernelTimes(
  f: Family,
  highs: Awaited<ReturnType<typeof createHighsSolver>>,
  runs: number,
): Promise<{ kernelMs: number; highsMs: number }> {
  const { problem, covariance } = f;
  const assets = problem.assets as string[];
  const pc = buildConstraints(problem.constraints as Parameters<typeof buildConstraints>[0], assets);
  const { qp } = formulate(pc, covariance, { a: 1, g: new Float64Array(assets.length) });
  const fresh = (): typeof qp => (qp.covariance === null ? qp : { ...qp, covariance: { ...qp.covariance } });
  const kernelMs = await medianMs(() => interiorPointSolver.solve(fresh()), { runs, warmup: 1 });
  const highsMs = await medianMs(() => highs.solve(qp), { runs: Math.min(runs, 3), warmup: 1 });
  return { kernelMs, highsMs };
}

/** Median wall time of `runs` whole processes. */
function processMs(command: string, args: readonly string[], runs: number, env?: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: env ?? process.env });
    times.push(performance.now() - start);
    if (out.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed: ${out.stderr.toString().slice(0, 500)}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

interface Measured {
  readonly n: number;
  readonly kind: "dense" | "factor";
  readonly warmMs: number;
  readonly firstMs: number;
  readonly cvxoptMs: number | null;
  readonly cliMs: number;
  readonly pythonMs: number | null;
}

const ratio = (a: number, b: number | null): string => (b === null ? "—" : `${(a / b).toFixed(2)}×`);
const ms = (v: number | null): string => (v === null ? "—" : formatMs(v));

export const endToEndBench: BenchModule = {
  name: "e2e",
  async run(): Promise<readonly BenchTable[]> {
    const maxN = Number(process.env.BENCH_E2E_MAX_N ?? Infinity);
    const python = cvxoptPython();
    const highs = await createHighsSolver();
    const dir = mkdtempSync(join(tmpdir(), "bench-e2e-"));
    const rows: string[][] = [];
    const phaseRows: string[][] = [];
    const measured: Measured[] = [];
    const tables: BenchTable[] = [];
    try {
      for (const n of SIZES.filter((s) => s <= maxN)) {
        // Fewer repetitions where one run takes seconds (n = 2000 dense is an 80 MB JSON).
        const repeat = n <= 500 ? 11 : n <= 1000 ? 5 : 3;
        const processes = n <= 500 ? 5 : 3;
        const warmup = n <= 1000 ? 5 : 3;
        for (const kind of ["dense", "factor"] as const) {
          const f = family(n, kind);
          const file = join(dir, `problem-${n}-${kind}.json`);
          writeFileSync(file, JSON.stringify(f.problem));
          const ours = runJson<{ firstMs: number; warmMs: number; importMs: number; variance: number }>(NODE, [
            join(ROOT, "bench/endToEndRunner.ts"),
            file,
            String(repeat),
            String(warmup),
          ]);
          if (n === 500 || n === 2000) phaseRows.push(phaseRow(NODE, file, n, kind, { repeat, warmup }));
          const { kernelMs, highsMs } = await kernelTimes(f, highs, repeat);
          const cli = processMs(NODE, [join(ROOT, "bin/portfolio.js"), "optimize", "--in", file], processes);
          let ref: CvxoptRun | null = null;
          let pythonMs: number | null = null;
          if (python !== null) {
            ref = runJson<CvxoptRun>(python.command, [python.script, file, "--repeat", String(repeat)], python.env);
            pythonMs = processMs(python.command, [python.script, file], processes, python.env);
          }
          const gap = ref === null ? null : (ours.variance - ref.variance) / ref.variance;
          measured.push({
            n,
            kind,
            warmMs: ours.warmMs,
            firstMs: ours.firstMs,
            cvxoptMs: ref?.solveMs ?? null,
            cliMs: cli,
            pythonMs,
          });
          rows.push([
            String(n),
            kind,
            formatMs(ours.warmMs),
            formatMs(ours.firstMs),
            ratio(ours.firstMs, ours.warmMs),
            formatMs(kernelMs),
            formatMs(highsMs),
            ms(ref?.solveMs ?? null),
            ratio(ours.warmMs, ref?.solveMs ?? null),
            formatMs(ours.importMs),
            formatMs(cli),
            ms(pythonMs),
            ratio(cli, pythonMs),
            gap === null ? "—" : gap.toExponential(1),
          ]);
          if (n === 500 && kind === "dense") {
            const runner = join(ROOT, "bench/endToEndRunner.ts");
            tables.push(
              entryPointsTable(f.problem, { dir, node: NODE, runner, repeat, warmup, markowitzWarmMs: ours.warmMs }),
            );
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [table(rows, verdicts(measured, python !== null), python?.label ?? null), phasesTable(phaseRows), ...tables];
  },
};

function verdicts(measured: readonly Measured[], haveCvxopt: boolean): string[] {
  const at500 = measured.find((m) => m.n === 500 && m.kind === "dense");
  const out = ["Targets (issue #17):"];
  if (at500 === undefined) out.push("n = 500 dense: not measured (BENCH_E2E_MAX_N).");
  else if (!haveCvxopt || at500.cvxoptMs === null) {
    out.push("`optimize()` n = 500 dense warm ≤ 0.5 × cvxopt's warm solve: not measured (cvxopt not available).");
  } else {
    const met = at500.warmMs <= 0.5 * at500.cvxoptMs;
    out.push(
      `\`optimize()\` n = 500 dense warm ≤ 0.5 × cvxopt's warm solve: ${met ? "met" : "missed"} (${formatMs(at500.warmMs)} ms against ${formatMs(at500.cvxoptMs)} ms, ${ratio(at500.warmMs, at500.cvxoptMs)}).`,
    );
  }
  const missed = measured.filter((m) => m.firstMs > 2 * m.warmMs);
  const detail = missed.map((m) => `${m.n} ${m.kind} ${ratio(m.firstMs, m.warmMs)}`).join(", ");
  out.push(
    `First call in a fresh process ≤ 2 × warm: ${missed.length === 0 ? "met" : "missed"} (met at ${measured.length - missed.length} of ${measured.length} sizes${missed.length === 0 ? "" : `; missed at ${detail}`}).`,
  );
  return out;
}

function table(rows: readonly (readonly string[])[], notes: readonly string[], cvxopt: string | null): BenchTable {
  return {
    title: "End to end: optimize() and the CLI, long-only min-variance, 5 % caps, 10 sector caps",
    description: [
      "The optimiser bench's problems written as problem JSON. `warm ms`: median of repeated `optimize()` calls in one process after 3–5 untimed ones (parsing and validation, PSD check, solve, report; each call on a freshly parsed problem); `first ms`: the first call of a fresh process, after its imports (`import ms`).",
      "`kernel ms`: the interior-point QP alone on the same model (new Σ object per run), `HiGHS ms`: HiGHS WASM on it. `cvxopt ms`: median warm `solvers.qp` of bench/reference/cvxopt_qp.py on the same matrices (a factor model expanded to a dense Σ, as a cvxopt user would).",
      "`CLI ms`: whole process `node bin/portfolio.js optimize --in p.json` (median of 3–5); `python ms`: whole process `python3 bench/reference/cvxopt_qp.py p.json` (read the JSON, build the matrices, solve). `variance vs cvxopt`: (ours − cvxopt)/cvxopt of w'Σw.",
    ].join(" "),
    columns: [
      "n",
      "Σ",
      "warm ms",
      "first ms",
      "first/warm",
      "kernel ms",
      "HiGHS ms",
      "cvxopt ms",
      "warm/cvxopt",
      "import ms",
      "CLI ms",
      "python ms",
      "CLI/python",
      "variance vs cvxopt",
    ],
    rows,
    notes: [
      ...notes,
      cvxopt === null
        ? "cvxopt not available (install Debian's python3-cvxopt): the kernel and HiGHS columns are the references."
        : `Reference: ${cvxopt}.`,
    ],
  };
}
