import { Command } from "commander";
import type { BacktestOptions } from "../actions/backtest.ts";

/**
 * `portfolio backtest`: options and help only; the implementation (src/cli/actions/backtest.ts) is
 * imported when the command runs.
 *
 * @example
 * ```ts
 * program.addCommand(backtestCommand());
 * ```
 */
export function backtestCommand(): Command {
  return new Command("backtest")
    .description("walk-forward backtest of a problem under a rebalancing policy, with costs (docs/backtest.md)")
    .requiredOption("--in <file>", "problem JSON (docs/problem-format.md); its prices are replaced by each window")
    .requiredOption("--prices <file>", "daily closes CSV: first column the date, one column per asset")
    .option("--benchmark <file>", "one-column closes CSV for tracking error, beta and the equity chart")
    .requiredOption(
      "--rebalance <policy>",
      "once | calendar:monthly|weekly|quarterly|<cron> | drift:<x> | vol:<x>, joined by +",
    )
    .option("--from <date>", "first simulated close (YYYY-MM-DD); default the first with a full window")
    .option("--to <date>", "last simulated close (YYYY-MM-DD); default the last price row")
    .option("--lookback <rows>", "price rows per estimation window, ending on the rebalance date", "252")
    .option("--cost-bps <bps>", "linear cost per unit of traded notional, basis points (overrides --costs)")
    .option("--costs <file>", "cost model JSON {costBps, impact: {coefficient, adv}}")
    .option("--nav <amount>", "initial NAV, currency (scales the impact term)", "1000000")
    .option("--risk-free <rate>", "annualised risk-free rate for Sharpe and Sortino", "0")
    .option("--bundle <file>", "use the pinned optimiser bundle (dist/optimizer.mjs) instead of the in-repo optimiser")
    .option("--out <dir>", "write backtest.json, nav/weights/trades/costs CSVs and tearsheet.svg here")
    .option("--json", "print the settings, metrics and rebalances as JSON (the default)")
    .option("--table", "print the metrics table for people instead of JSON")
    .addHelpText(
      "after",
      `
Trades execute at the rebalance date's close; only the --lookback rows up to and including it feed
the estimators. Exit 2 on bad input (naming the option), 3 when a rebalance date is infeasible.

Examples:
  $ portfolio backtest --in docs/examples/backtest/min-variance.json \\
      --prices test/optimizer/estimators/fixtures/stock_prices.csv \\
      --benchmark test/optimizer/estimators/fixtures/spy_prices.csv \\
      --rebalance calendar:monthly --cost-bps 10 --out out/backtest --table
  $ portfolio backtest --in docs/examples/prices/markowitz.json --prices docs/examples/prices/prices.csv \\
      --rebalance "calendar:0 0 * * 1+drift:0.05" --lookback 126 --json`,
    )
    .action(async (opts: BacktestOptions) => {
      const { runBacktestCommand } = await import("../actions/backtest.ts");
      await runBacktestCommand(opts);
    });
}
