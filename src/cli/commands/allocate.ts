import { Command } from "commander";
import { withExamples } from "../options.ts";
import type { AllocateOptions } from "../actions/allocate.ts";

/**
 * `portfolio allocate`: options and help only; the implementation (src/cli/actions/allocate.ts) is
 * imported when the command runs.
 *
 * @example
 * ```ts
 * program.addCommand(allocateCommand());
 * ```
 */
export function allocateCommand(): Command {
  const command = new Command("allocate")
    .description("turn target weights into whole shares or token base units (docs/allocation.md)")
    .requiredOption("--weights <file>", "weights JSON: the output of `portfolio optimize`, or {assets, weights}")
    .requiredOption("--prices <file>", "latest prices: JSON {symbol: price} or a prices CSV whose last row is used")
    .requiredOption("--nav <amount>", "cash to allocate, in the currency of the prices")
    .option("--decimals <spec>", "token decimals: JSON {symbol: d} or symbol=d,… (default 0: whole shares)")
    .option("--min-trade <amount>", "smallest value of a non-zero holding, currency of the prices", "0")
    .option("--method <method>", "greedy (PyPortfolioOpt's greedy_portfolio) or integer (exact MIP)", "integer")
    .option("--time-limit <seconds>", "integer: seconds HiGHS may search before the allocation is refused", "10")
    .option("--json", "print the allocation as JSON (the default)")
    .option("--table", "print a table for people instead of JSON")
    .action(async (opts: AllocateOptions) => {
      const { runAllocate } = await import("../actions/allocate.ts");
      await runAllocate(opts);
    });
  return withExamples(
    command,
    [
      "portfolio allocate --weights result.json --prices latest.json --nav 10000",
      "portfolio allocate --weights result.json --prices prices.csv --nav 10000 --method greedy --table",
      "portfolio allocate --weights w.json --prices p.json --nav 50000 --decimals WETH=18,USDC=6 --min-trade 25",
    ],
    "Exit 0 allocated, 2 bad input (the field is named), 3 when nothing is affordable or the integer search\nis not proven optimal within --time-limit (ALLOCATION_NOT_PROVEN).",
  );
}
