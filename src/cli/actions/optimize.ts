// `portfolio optimize`: loaded only when the command runs. Signed-view verification (viem) and the
// progress bar are imported only when a problem needs them, so a plain problem loads the
// optimiser and nothing from the chain side.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type TableType from "cli-table3";
import { InfeasibleError, InputError } from "../../errors.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { optimizeAsync, type OptimizeResult } from "../../optimizer/optimize.ts";
import type { ViewVerificationOptions } from "../options.ts";
import { checkOutputDirectory, tableStyle, useColour, writeOutputFile } from "../output.ts";
import { checkAll } from "../validate.ts";

/** The options of `portfolio optimize`, as commander parses them. */
export interface OptimizeCommandOptions extends ViewVerificationOptions {
  readonly in: string;
  readonly out?: string;
  readonly table?: boolean;
}

/**
 * Reads a problem file and the price files it names (paths relative to the problem file), so the
 * library receives plain data.
 */
export function loadProblemFile(path: string): { problem: unknown; files: Record<string, string> } {
  const problem = readJsonFile(path, { field: "--in", invalidCode: "PROBLEM_JSON_INVALID" });
  const files: Record<string, string> = {};
  if (typeof problem === "object" && problem !== null) {
    for (const field of ["prices", "benchmarkPrices"] as const) {
      const value = (problem as Record<string, unknown>)[field];
      if (typeof value !== "string") continue;
      const full = resolve(dirname(path), value);
      try {
        files[value] = readFileSync(full, "utf8");
      } catch (error) {
        throw new InputError("FILE_UNREADABLE", `cannot read ${full}: ${(error as Error).message}`, field);
      }
    }
  }
  return { problem, files };
}

const pct = (v: number | null): string => (v === null ? "-" : `${(v * 100).toFixed(2)}%`);

function resultTable(Table: typeof TableType, result: OptimizeResult, colour: boolean): string {
  // cli-table3 colours its header and border unless given empty styles.
  const style = tableStyle(colour);
  const lines: string[] = [
    `status ${result.status}  objective ${result.objective ?? "-"}  method ${result.method}  solver ${result.diagnostics.solver}`,
  ];
  if (result.status !== "optimal") {
    if (result.infeasibility !== undefined) lines.push(`infeasible: ${result.infeasibility.message}`);
  } else {
    lines.push(
      `expected return ${pct(result.expectedReturn)}  volatility ${pct(result.volatility)}  Sharpe ${result.sharpe?.toFixed(3) ?? "-"} (rf ${pct(result.riskFreeRate)})`,
    );
    // Risk budgeting results also show each asset's share of risk beside its budget.
    const rb = result.optimizerType === "ERC" ? result.riskBudgeting : undefined;
    const weights = new Table({
      style,
      head: ["asset", "weight", "volatility contribution", ...(rb === undefined ? [] : ["share of risk", "budget"])],
    });
    result.assets.forEach((a, i) =>
      weights.push([
        a,
        pct(result.weights[i] ?? 0),
        pct(result.volatilityContributions[i] ?? 0),
        ...(rb === undefined ? [] : [pct(rb.riskContributions[i] ?? 0), pct(rb.budgets[i] ?? 0)]),
      ]),
    );
    lines.push(weights.toString());
    if (rb !== undefined) lines.push(`max |share of risk − budget| ${rb.maxBudgetError.toExponential(2)}`);
    const cons = new Table({ style, head: ["constraint", "value", "limit", "slack", "binding"] });
    for (const c of result.constraints) {
      cons.push([
        c.name,
        c.value.toPrecision(6),
        c.limit.toPrecision(6),
        c.slack.toExponential(2),
        c.binding ? "yes" : "",
      ]);
    }
    lines.push(cons.toString());
  }
  const r = result.diagnostics.residuals;
  lines.push(
    `iterations ${result.diagnostics.iterations} (${result.diagnostics.qpSolves} QP solves)  residuals primal ${r.primal.toExponential(1)} dual ${r.dual.toExponential(1)} complementarity ${r.complementarity.toExponential(1)}  ${result.diagnostics.runtimeMs.toFixed(1)} ms`,
  );
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/** Throws the typed error that sets the CLI exit code for a non-optimal result. */
export function failOnStatus(result: { status: string; infeasibility?: { message: string } }): void {
  if (result.status === "infeasible") {
    throw new InfeasibleError("PROBLEM_INFEASIBLE", result.infeasibility?.message ?? "the problem is infeasible");
  }
  if (result.status === "unbounded") {
    throw new InputError("PROBLEM_UNBOUNDED", "the objective is unbounded on the feasible set", "constraints");
  }
  if (result.status === "error") throw new Error("the solver did not converge");
}

/**
 * Verifies the signed view set a Black-Litterman problem names (`blackLitterman.signedViews`,
 * relative to the problem file) and returns the problem with that path replaced by the verified
 * views (`blackLitterman.verifiedViews`, their one route into the optimiser); rejected views are
 * reported on stderr and never used. Any other problem is returned as is.
 */
async function withVerifiedViews(
  problem: unknown,
  problemPath: string,
  opts: ViewVerificationOptions,
): Promise<unknown> {
  if (typeof problem !== "object" || problem === null) return problem;
  const section = (problem as { blackLitterman?: unknown }).blackLitterman;
  if (typeof section !== "object" || section === null) return problem;
  const { signedViews, ...rest } = section as { signedViews?: unknown };
  if (typeof signedViews !== "string") return problem;
  const [{ verifySignedViewFile }, { toVerifiedViewSet }] = await Promise.all([
    import("../signedViews.ts"),
    import("../../views/toVerifiedViewSet.ts"),
  ]);
  const result = await verifySignedViewFile(resolve(dirname(problemPath), signedViews), opts);
  for (const r of result.rejections) {
    process.stderr.write(`portfolio: view ${r.index} rejected (${r.code}): ${r.message}\n`);
  }
  return {
    ...problem,
    blackLitterman: { ...rest, verifiedViews: toVerifiedViewSet(result.accepted, result.commitment) },
  };
}

/** A progress bar for the resampling draws, on a terminal only. */
async function progressBar(): Promise<((done: number, total: number) => void) | undefined> {
  if (process.stderr.isTTY !== true) return undefined;
  const { default: cliProgress } = await import("cli-progress");
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  return (done, total) => {
    if (bar === undefined) {
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: "resampling [{bar}] {value}/{total} draws" },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    bar.update(done);
    if (done === total) bar.stop();
  };
}

/**
 * Runs `portfolio optimize`: reads the problem file, verifies any signed views it names, solves,
 * and prints the result JSON (or a table); a non-optimal status throws the error that sets the exit
 * code.
 *
 * @example
 * ```ts
 * await runOptimize({ in: "docs/examples/prices/markowitz.json", table: true });
 * ```
 */
export async function runOptimize(opts: OptimizeCommandOptions): Promise<void> {
  const [, loaded] = checkAll(
    () => (opts.out === undefined ? undefined : checkOutputDirectory(opts.out, "--out")),
    () => loadProblemFile(opts.in),
  );
  const problem = await withVerifiedViews(loaded.problem, opts.in, opts);
  const onProgress = await progressBar();
  const result = await optimizeAsync(problem, {
    files: loaded.files,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (opts.out !== undefined) writeOutputFile(opts.out, json, "--out");
  if (opts.table === true) {
    // Loaded only for --table: the JSON output, the usual case, needs no table layout.
    const { default: Table } = await import("cli-table3");
    process.stdout.write(resultTable(Table, result, useColour(process.stdout)));
  } else if (opts.out === undefined) process.stdout.write(json);
  failOnStatus(result);
}
