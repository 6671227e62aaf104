// How a failed command is reported: one line `portfolio: <message> [CODE]` on stderr and an exit
// code by kind. Kept free of viem, ethers and the optimiser so `--help` and a usage error cost
// nothing beyond commander.
import { CommanderError } from "commander";
import { EXIT_CODES, isPortfolioError } from "../errors.ts";

/** The failure as the CLI prints it. */
export interface ErrorReport {
  /** The stderr line, newline included; empty for help and version, which already printed. */
  readonly line: string;
  readonly exitCode: number;
  /** With `PORTFOLIO_LOG_LEVEL=debug`: the stack and cause chain of an internal error. */
  readonly debug: string | undefined;
}

// commander's codes, by what the user did wrong.
const COMMANDER_CODES: Readonly<Record<string, string>> = {
  "commander.unknownOption": "OPTION_UNKNOWN",
  "commander.unknownCommand": "COMMAND_UNKNOWN",
  "commander.missingMandatoryOptionValue": "OPTION_MISSING",
  "commander.optionMissingArgument": "OPTION_VALUE_MISSING",
  "commander.missingArgument": "ARGUMENT_MISSING",
  "commander.excessArguments": "ARGUMENT_UNEXPECTED",
  "commander.invalidArgument": "OPTION_INVALID",
  "commander.conflictingOption": "OPTION_CONFLICT",
};

function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return env["PORTFOLIO_LOG_LEVEL"] === "debug" || env["PORTFOLIO_LOG_LEVEL"] === "trace";
}

/** The stack of `error` and of each `cause` beneath it. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return `${parts.join("\ncaused by: ")}\n`;
}

/**
 * Maps anything a command threw to its line and exit code: a {@link CommanderError} (usage) exits 2,
 * a PortfolioError by its kind (2 bad input, 3 infeasible or rejected), anything else 1 with only
 * the first line of its message unless `PORTFOLIO_LOG_LEVEL=debug`.
 *
 * @example
 * ```ts
 * const report = reportError(new InputError("PORT_INVALID", "expected a TCP port", "--port"));
 * // { line: "portfolio: --port: expected a TCP port [PORT_INVALID]\n", exitCode: 2, debug: undefined }
 * ```
 */
export function reportError(error: unknown, env: NodeJS.ProcessEnv = process.env): ErrorReport {
  if (error instanceof CommanderError) {
    // Help and version exit through here with code 0 and have printed already; a group without
    // its subcommand printed its help to stderr.
    if (error.exitCode === 0 || error.code === "commander.help" || error.code === "commander.helpDisplayed") {
      return { line: "", exitCode: error.exitCode === 0 ? 0 : EXIT_CODES["bad-input"], debug: undefined };
    }
    const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    const code = COMMANDER_CODES[error.code] ?? "USAGE_INVALID";
    return { line: `portfolio: ${message} [${code}]\n`, exitCode: EXIT_CODES["bad-input"], debug: undefined };
  }
  // By brand, not prototype: the pinned optimiser bundle throws its own copies of these classes.
  if (isPortfolioError(error)) {
    const debug = debugEnabled(env) && error.cause !== undefined ? causeChain(error) : undefined;
    return { line: `portfolio: ${error.message} [${error.code}]\n`, exitCode: EXIT_CODES[error.kind], debug };
  }
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.trim() ?? "";
  const hint = debugEnabled(env) ? "" : " (PORTFOLIO_LOG_LEVEL=debug shows the cause)";
  return {
    line: `portfolio: internal error: ${message}${hint} [INTERNAL]\n`,
    exitCode: EXIT_CODES.internal,
    debug: debugEnabled(env) ? causeChain(error) : undefined,
  };
}
