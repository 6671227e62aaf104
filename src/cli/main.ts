import { Command } from "commander";
import { allocateCommand } from "./commands/allocate.ts";
import { auditCommand } from "./commands/audit.ts";
import { backtestCommand } from "./commands/backtest.ts";
import { configCommand } from "./commands/config.ts";
import { dashboardCommand } from "./commands/dashboard.ts";
import { frontierCommand } from "./commands/frontier.ts";
import { govCommand } from "./commands/gov.ts";
import { keeperCommand } from "./commands/keeper.ts";
import { optimizeCommand } from "./commands/optimize.ts";
import { viewsCommand } from "./commands/views.ts";
import { CONFIG_ENV, CONFIG_FILE_NAME, applyConfigSettings } from "./config.ts";
import { reportError } from "./errorReport.ts";

/**
 * Usage errors throw instead of exiting, and commander prints none of them itself: {@link main}
 * prints each as the one line every other failure gets. Help lists the global options (`--config`)
 * and marks each required option. Applied to every command, since `addCommand` does not pass
 * settings down.
 */
function configure(command: Command): void {
  command
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true });
  for (const option of command.options) {
    if (option.mandatory) option.description = `(required) ${option.description}`;
  }
  for (const sub of command.commands) configure(sub);
}

/**
 * Builds the `portfolio` program. Each command group lives in `src/cli/commands/` and holds only
 * its options and help; its action imports the implementation (`src/cli/actions/`) when it runs,
 * so `--help` and `optimize` never load viem, ethers, NATS or the dashboard.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(["optimize", "--in", "problem.json"], { from: "user" });
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("portfolio")
    .description("DAO portfolio optimiser, keeper and auditor tools")
    .version("0.1.0")
    .option("--config <file>", `settings file (default ./${CONFIG_FILE_NAME} if present; env ${CONFIG_ENV})`)
    .addCommand(optimizeCommand())
    .addCommand(frontierCommand())
    .addCommand(backtestCommand())
    .addCommand(allocateCommand())
    .addCommand(viewsCommand())
    .addCommand(govCommand())
    .addCommand(auditCommand())
    .addCommand(keeperCommand())
    .addCommand(dashboardCommand())
    .addCommand(configCommand())
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 2 bad input, 3 infeasible or refused, 1 internal (PORTFOLIO_LOG_LEVEL=debug shows the cause).

Examples:
  $ portfolio optimize --in problem.json --table
  $ portfolio gov status --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json
  $ portfolio config show
  $ portfolio optimize --help`,
    );
  configure(program);
  applyConfigSettings(program);
  return program;
}

/**
 * Runs the CLI: a failure prints one line `portfolio: <message> [CODE]` to stderr and returns the
 * exit code (2 = bad input, 3 = infeasible or rejected, 1 = internal).
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    const report = reportError(error);
    process.stderr.write(report.line);
    if (report.debug !== undefined) process.stderr.write(report.debug);
    return report.exitCode;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
