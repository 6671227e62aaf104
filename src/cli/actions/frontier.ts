// `portfolio frontier`: loaded only when the command runs.
import { InputError } from "../../errors.ts";
import { cvarFrontier } from "../../optimizer/cvarFrontier.ts";
import { cvarFrontierSvg, efficientFrontier, frontierSvg } from "../../optimizer/frontier.ts";
import { checkOutputDirectory, writeOutputFile } from "../output.ts";
import { checkAll } from "../validate.ts";
import { loadProblemFile } from "./optimize.ts";

/** The options of `portfolio frontier`, as commander parses them. */
export interface FrontierCommandOptions {
  readonly in: string;
  readonly points: string;
  /** `volatility` (default) or `cvar`. */
  readonly risk?: string;
  readonly beta?: string;
  readonly plot?: string;
  readonly out?: string;
}

function parseRisk(value: string | undefined): "volatility" | "cvar" {
  if (value === undefined || value === "volatility" || value === "cvar") return value ?? "volatility";
  throw new InputError("OPTION_INVALID", `must be volatility or cvar, got "${value}"`, "--risk");
}

function parseBeta(value: string | undefined): number {
  const beta = Number(value ?? "0.95");
  if (!(beta > 0 && beta < 1))
    throw new InputError("OPTION_INVALID", `must be strictly between 0 and 1, got "${value}"`, "--beta");
  return beta;
}

function parsePoints(value: string): number {
  if (!/^\d+$/.test(value)) throw new InputError("FIELD_INVALID", `expected an integer, got "${value}"`, "--points");
  return Number(value);
}

/**
 * Runs `portfolio frontier`: the efficient frontier of a problem file as JSON, optionally plotted.
 *
 * @example
 * ```ts
 * await runFrontier({ in: "docs/examples/prices/markowitz.json", points: "20", plot: "frontier.svg" });
 * ```
 */
export async function runFrontier(opts: FrontierCommandOptions): Promise<void> {
  const [points, risk, beta, , , loaded] = checkAll(
    () => parsePoints(opts.points),
    () => parseRisk(opts.risk),
    () => parseBeta(opts.beta),
    () => (opts.plot === undefined ? undefined : checkOutputDirectory(opts.plot, "--plot")),
    () => (opts.out === undefined ? undefined : checkOutputDirectory(opts.out, "--out")),
    () => loadProblemFile(opts.in),
  );
  const { problem, files } = loaded;
  if (risk === "cvar") {
    const { createHighsSolver } = await import("../../optimizer/qp/highsSolver.ts");
    const frontier = cvarFrontier(problem, { points, beta, files, qpSolver: await createHighsSolver() });
    const text = `${JSON.stringify(frontier, null, 2)}\n`;
    if (opts.out !== undefined) writeOutputFile(opts.out, text, "--out");
    else process.stdout.write(text);
    if (opts.plot !== undefined) writeOutputFile(opts.plot, cvarFrontierSvg(frontier), "--plot");
    return;
  }
  const wantsHighs =
    typeof problem === "object" && problem !== null && (problem as { solver?: unknown }).solver === "highs";
  const qpSolver = wantsHighs
    ? await (await import("../../optimizer/qp/highsSolver.ts")).createHighsSolver()
    : undefined;
  const frontier = efficientFrontier(problem, { points, files, ...(qpSolver === undefined ? {} : { qpSolver }) });
  const json = `${JSON.stringify(frontier, null, 2)}\n`;
  if (opts.out !== undefined) writeOutputFile(opts.out, json, "--out");
  else process.stdout.write(json);
  if (opts.plot !== undefined) writeOutputFile(opts.plot, frontierSvg(frontier), "--plot");
}
