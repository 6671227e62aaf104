import { Command } from "commander";
import { withExamples } from "../options.ts";
import type { FrontierCommandOptions } from "../actions/frontier.ts";

/**
 * `portfolio frontier`: the efficient frontier of a problem file as JSON, optionally plotted.
 *
 * @example
 * ```ts
 * program.addCommand(frontierCommand());
 * ```
 */
export function frontierCommand(): Command {
  const command = new Command("frontier")
    .description("compute the efficient frontier (return, volatility or CVaR, weights) under the problem's constraints")
    .requiredOption("--in <file>", "problem JSON; prices paths inside it are relative to this file")
    .option("--points <n>", "number of frontier portfolios", "50")
    .option(
      "--risk <measure>",
      "volatility (mean-variance) or cvar (mean-CVaR of the historical scenarios)",
      "volatility",
    )
    .option("--beta <b>", "confidence level of --risk cvar", "0.95")
    .option("--plot <file>", "write an SVG plot marking min-variance and max-Sharpe")
    .option("--out <file>", "write the JSON here instead of stdout")
    .action(async (opts: FrontierCommandOptions) => {
      const { runFrontier } = await import("../actions/frontier.ts");
      await runFrontier(opts);
    });
  return withExamples(command, [
    "portfolio frontier --in docs/examples/prices/markowitz.json --points 20",
    "portfolio frontier --in problem.json --plot frontier.svg --out frontier.json",
    "portfolio frontier --in docs/examples/prices/markowitz.json --risk cvar --beta 0.95 --points 10 --plot cvar.svg",
  ]);
}
