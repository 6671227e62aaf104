import { Command } from "commander";
import { addViewVerificationOptions, withExamples } from "../options.ts";
import type { OptimizeCommandOptions } from "../actions/optimize.ts";

/**
 * `portfolio optimize`: solve a problem file, print the result JSON (or a table).
 *
 * @example
 * ```ts
 * program.addCommand(optimizeCommand());
 * ```
 */
export function optimizeCommand(): Command {
  const command = addViewVerificationOptions(
    new Command("optimize")
      .description("optimise a portfolio problem (docs/problem-format.md) and print the result as JSON")
      .requiredOption("--in <file>", "problem JSON; prices and signed-view paths inside it are relative to this file")
      .option("--out <file>", "write the result JSON here instead of stdout")
      .option("--table", "print a table for people instead of JSON (colour only on a terminal, never with NO_COLOR)"),
    { required: false },
  ).action(async (opts: OptimizeCommandOptions) => {
    const { runOptimize } = await import("../actions/optimize.ts");
    await runOptimize(opts);
  });
  return withExamples(
    command,
    [
      "portfolio optimize --in docs/examples/prices/markowitz.json",
      "portfolio optimize --in problem.json --table",
      "portfolio optimize --in problem.json --out result.json",
      "portfolio optimize --in bl.json --chain-id 31337 --registry 0x… --signers 0x…   # signed views",
    ],
    "Exit 0 optimal, 2 bad input (the field is named), 3 infeasible (the conflicting constraints are named).",
  );
}
