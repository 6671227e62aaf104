import { expect } from "chai";
import { Command, CommanderError } from "commander";
import { InfeasibleError, InputError, RejectedError } from "../../src/errors.ts";
import { reportError } from "../../src/cli/errorReport.ts";

describe("cli: reportError", () => {
  it("a typed error is its message and code, exit 2 for bad input and 3 for infeasible or refused", () => {
    expect(reportError(new InputError("PORT_INVALID", "expected a TCP port", "--port"), {})).to.deep.equal({
      line: "portfolio: --port: expected a TCP port [PORT_INVALID]\n",
      exitCode: 2,
      debug: undefined,
    });
    expect(reportError(new InfeasibleError("PROBLEM_INFEASIBLE", "no"), {}).exitCode).to.equal(3);
    expect(reportError(new RejectedError("VIEWS_REJECTED", "no"), {}).exitCode).to.equal(3);
  });

  it("an untyped error is internal, exit 1: the first line of its message, the cause only with PORTFOLIO_LOG_LEVEL=debug", () => {
    const error = new Error("The contract function reverted.\n\nDocs: https://viem.sh\nVersion: viem@2", {
      cause: new Error("execution reverted"),
    });
    const quiet = reportError(error, {});
    expect(quiet.exitCode).to.equal(1);
    expect(quiet.line).to.equal(
      "portfolio: internal error: The contract function reverted. (PORTFOLIO_LOG_LEVEL=debug shows the cause) [INTERNAL]\n",
    );
    expect(quiet.debug).to.equal(undefined);
    const debug = reportError(error, { PORTFOLIO_LOG_LEVEL: "debug" });
    expect(debug.line).to.equal("portfolio: internal error: The contract function reverted. [INTERNAL]\n");
    expect(debug.debug).to.contain("caused by: Error: execution reverted");
  });

  it("a usage error from commander is one line with a stable code, exit 2", async () => {
    const program = new Command("p").exitOverride().configureOutput({ outputError: () => undefined });
    program
      .command("x")
      .requiredOption("--in <file>")
      .action(() => undefined);
    const error = await program.parseAsync(["x"], { from: "user" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(CommanderError);
    expect(reportError(error, {})).to.deep.include({
      line: "portfolio: required option '--in <file>' not specified [OPTION_MISSING]\n",
      exitCode: 2,
    });
  });
});
