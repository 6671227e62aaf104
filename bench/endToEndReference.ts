// The cvxopt reference of bench/endToEnd.bench.ts: finding a Python that has cvxopt, and running
// child processes that print one JSON line.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What bench/reference/cvxopt_qp.py prints. */
export interface CvxoptRun {
  readonly status: string;
  readonly loadMs: number;
  readonly firstMs: number;
  readonly solveMs: number | null;
  readonly variance: number;
}

/** A Python interpreter with cvxopt, the reference script, and how it is run. */
export interface CvxoptPython {
  readonly command: string;
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  /** For the table: versions and the BLAS cvxopt calls. */
  readonly label: string;
}

/**
 * The first of `BENCH_PYTHON`, `python3` and `/usr/bin/python3` that imports cvxopt (Debian's
 * python3-cvxopt lives under the system Python, which a pyenv or venv `python3` may hide), or
 * null. BLAS runs on one thread (`OPENBLAS_NUM_THREADS=1`), as the TypeScript engine does.
 *
 * @example
 * ```ts
 * const python = cvxoptPython(); // null: "cvxopt not available"
 * ```
 */
export function cvxoptPython(): CvxoptPython | null {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
  const candidates = [process.env.BENCH_PYTHON, "python3", "/usr/bin/python3"].filter(
    (c): c is string => c !== undefined && c !== "",
  );
  for (const command of candidates) {
    const probe = spawnSync(command, ["-c", "import cvxopt, sys; print(cvxopt.__version__, sys.version.split()[0])"], {
      env,
      encoding: "utf8",
    });
    if (probe.status !== 0) continue;
    const [cvxopt = "?", pythonVersion = "?"] = probe.stdout.trim().split(" ");
    return {
      command,
      script: fileURLToPath(new URL("reference/cvxopt_qp.py", import.meta.url)),
      env,
      label: `cvxopt ${cvxopt} on Python ${pythonVersion} (${command}), BLAS ${blasLibrary()}, one thread (OPENBLAS_NUM_THREADS=1)`,
    };
  }
  return null;
}

/** The BLAS that Debian's alternatives select for libblas.so.3, or "system BLAS". */
function blasLibrary(): string {
  for (const link of [
    "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
    "/etc/alternatives/libblas.so.3-aarch64-linux-gnu",
  ]) {
    try {
      return realpathSync(link);
    } catch {
      // not this architecture, or not Debian
    }
  }
  return "system BLAS";
}

/**
 * Runs a child process and parses the last line it prints as JSON.
 *
 * @example
 * ```ts
 * const out = runJson<{ warmMs: number }>(process.execPath, ["bench/endToEndRunner.ts", file]);
 * ```
 */
export function runJson<T>(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): T {
  const out = spawnSync(command, args, { encoding: "utf8", env: env ?? process.env, maxBuffer: 1 << 24 });
  if (out.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${out.stderr.slice(0, 500)}`);
  const last = out.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}
