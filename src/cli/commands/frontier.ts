import { writeFileSync } from "node:fs";
import { Command } from "commander";
import { InputError } from "../../errors.ts";
import { efficientFrontier, frontierSvg } from "../../optimizer/frontier.ts";
import { createHighsSolver } from "../../optimizer/qp/highsSolver.ts";
import { loadProblemFile } from "./optimize.ts";

/** `portfolio frontier`: the efficient frontier of a problem file as JSON, optionally plotted. */
export function frontierCommand(): Command {
  return new Command("frontier")
    .description("compute the efficient frontier (return, volatility, weights) under the problem's constraints")
    .requiredOption("--in <file>", "problem JSON; prices paths inside it are relative to this file")
    .option("--points <n>", "number of frontier portfolios", "50")
    .option("--plot <file>", "write an SVG plot marking min-variance and max-Sharpe")
    .option("--out <file>", "write the JSON here instead of stdout")
    .action(async (opts: { in: string; points: string; plot?: string; out?: string }) => {
      if (!/^\d+$/.test(opts.points))
        throw new InputError("FIELD_INVALID", `expected an integer, got "${opts.points}"`, "--points");
      const { problem, files } = loadProblemFile(opts.in);
      const wantsHighs =
        typeof problem === "object" && problem !== null && (problem as { solver?: unknown }).solver === "highs";
      const frontier = efficientFrontier(problem, {
        points: Number(opts.points),
        files,
        ...(wantsHighs ? { qpSolver: await createHighsSolver() } : {}),
      });
      const json = `${JSON.stringify(frontier, null, 2)}\n`;
      if (opts.out !== undefined) writeFileSync(opts.out, json);
      else process.stdout.write(json);
      if (opts.plot !== undefined) writeFileSync(opts.plot, frontierSvg(frontier));
    });
}
