import { Command, CommanderError } from "commander";
import { EXIT_CODES, isPortfolioError } from "../errors.ts";
import { auditCommand } from "./commands/audit.ts";
import { govCommand } from "./commands/gov.ts";
import { keeperCommand } from "./commands/keeper.ts";
import { viewsCommand } from "./commands/views.ts";
import { frontierCommand } from "./commands/frontier.ts";
import { optimizeCommand } from "./commands/optimize.ts";
import { dashboardCommand } from "./commands/dashboard.ts";

/** Builds the `portfolio` program; each command group lives in `src/cli/commands/`. */
export function buildProgram(): Command {
  const program = new Command("portfolio")
    .description("DAO portfolio optimiser, keeper and auditor tools")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(auditCommand());
  program.addCommand(govCommand());
  program.addCommand(keeperCommand());
  program.addCommand(viewsCommand());
  program.addCommand(optimizeCommand());
  program.addCommand(frontierCommand());
  program.addCommand(dashboardCommand());
  return program;
}

/**
 * Runs the CLI: errors print one line to stderr and set the exit code
 * (2 = bad input, 3 = infeasible or rejected, 1 = internal).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit through here with code 0; usage errors are bad input.
      return error.exitCode === 0 ? 0 : EXIT_CODES["bad-input"];
    }
    // By brand, not prototype: the pinned optimiser bundle throws its own copies of these classes.
    if (isPortfolioError(error)) {
      process.stderr.write(`portfolio: ${error.message} [${error.code}]\n`);
      return EXIT_CODES[error.kind];
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`portfolio: internal error: ${message}\n`);
    return EXIT_CODES.internal;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
