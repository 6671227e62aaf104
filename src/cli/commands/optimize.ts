import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import { Command } from "commander";
import { InfeasibleError, InputError } from "../../errors.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { optimizeAsync, type OptimizeResult } from "../../optimizer/optimize.ts";
import { toVerifiedViewSet } from "../../views/toVerifiedViewSet.ts";
import { addViewVerificationOptions, verifySignedViewFile, type ViewVerificationOptions } from "../signedViews.ts";

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

function resultTable(result: OptimizeResult): string {
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
    const cons = new Table({ head: ["constraint", "value", "limit", "slack", "binding"] });
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
  const result = await verifySignedViewFile(resolve(dirname(problemPath), signedViews), opts);
  for (const r of result.rejections) {
    process.stderr.write(`portfolio: view ${r.index} rejected (${r.code}): ${r.message}\n`);
  }
  return {
    ...problem,
    blackLitterman: { ...rest, verifiedViews: toVerifiedViewSet(result.accepted, result.commitment) },
  };
}

/** `portfolio optimize`: solve a problem file, print the result JSON (or a table). */
export function optimizeCommand(): Command {
  return addViewVerificationOptions(
    new Command("optimize")
      .description("optimise a portfolio problem (docs/problem-format.md) and print the result as JSON")
      .requiredOption("--in <file>", "problem JSON; prices and signed-view paths inside it are relative to this file")
      .option("--out <file>", "write the result JSON here instead of stdout")
      .option("--table", "print a table for people instead of JSON"),
    { required: false },
  ).action(async (opts: ViewVerificationOptions & { in: string; out?: string; table?: boolean }) => {
    const loaded = loadProblemFile(opts.in);
    const problem = await withVerifiedViews(loaded.problem, opts.in, opts);
    const { files } = loaded;
    let bar: cliProgress.SingleBar | undefined;
    const onProgress = process.stderr.isTTY
      ? (done: number, total: number): void => {
          if (bar === undefined) {
            bar = new cliProgress.SingleBar(
              { stream: process.stderr, format: "resampling [{bar}] {value}/{total} draws" },
              cliProgress.Presets.shades_classic,
            );
            bar.start(total, 0);
          }
          bar.update(done);
          if (done === total) bar.stop();
        }
      : undefined;
    const result = await optimizeAsync(problem, {
      files,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (opts.out !== undefined) writeFileSync(opts.out, json);
    if (opts.table) process.stdout.write(resultTable(result));
    else if (opts.out === undefined) process.stdout.write(json);
    failOnStatus(result);
  });
}
