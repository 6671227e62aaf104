import type { Command } from "commander";
import type { FleetOptions } from "../actions/keeperFleet.ts";
import { withExamples } from "../options.ts";

/**
 * `portfolio keeper fleet`: many portfolios from one process, shared with the other fleet
 * processes on the same NATS JetStream through per-portfolio leases (docs/keeper.md, "Fleet").
 *
 * @example
 * ```ts
 * addFleetCommand(keeper, KEEPER_HELP_DEFAULTS);
 * ```
 *
 * @param defaults the `keeper` commands' help defaults (passed in: importing them would be a circle).
 */
export function addFleetCommand(
  keeper: Command,
  defaults: { readonly bundle: string; readonly postTradeDrift: number },
): Command {
  const fleet = keeper
    .command("fleet")
    .description(
      "serve many portfolios (one deployment file each) from one process; several processes share them through leases on --bus",
    )
    .requiredOption("--rpc <url>", "JSON-RPC endpoint (every deployment's chain)")
    .requiredOption("--deployments <dir-or-list>", "a directory of deployment files (*.json) or a comma-separated list")
    .requiredOption(
      "--prices <csv>",
      "price history CSV: a date column, then one column per asset symbol of every vault",
    )
    .option(
      "--bus <url>",
      "NATS JetStream (nats://host:port) shared by the fleet; default in-process (one fleet process)",
    )
    .option("--inputs-dir <dir>", "where content-addressed cycle inputs and signal records are stored", "out/inputs")
    .option("--bundle <file>", "optimiser bundle; must hash to each registry's pinned build", defaults.bundle)
    .option(
      "--constraints-dir <dir>",
      "base directory of relative constraint-set URIs (default: each deployment file's)",
    )
    .option("--confirmations <n>", "blocks to wait for, counting the inclusion block", "1")
    .option("--deadline <seconds>", "instruction lifetime", "3600")
    .option("--benchmark-prices <csv>", "benchmark price CSV for the published tracking error and beta")
    .option(
      "--post-trade-drift <fraction>",
      "alert when an executed weight is further than this from its target after a settlement",
      String(defaults.postTradeDrift),
    )
    .option("--frontier-points <n>", "efficient-frontier portfolios published with the metrics (0: none)", "20")
    .option("--interval <seconds>", "how often each portfolio's triggers are evaluated", "60")
    .option(
      "--ack-wait <seconds>",
      "NATS: how long a dead keeper's unacknowledged signal waits before redelivery",
      "30",
    )
    .option("--concurrency <n>", "cycles running at once in this process", "4")
    .option(
      "--lease <seconds>",
      "lease period: a dead process's portfolios are taken over within two (same on every process)",
      "15",
    )
    .action(async (opts: FleetOptions) => {
      const { keeperFleet } = await import("../actions/keeperFleet.ts");
      await keeperFleet(opts);
    });
  withExamples(fleet, [
    "PORTFOLIO_KEEPER_KEY=0x… portfolio keeper fleet --rpc http://127.0.0.1:8545 --deployments deployments/ --prices prices.csv --bus nats://127.0.0.1:4222",
    "PORTFOLIO_KEEPER_KEY=0x… portfolio keeper fleet --rpc $RPC --deployments dao-a.json,dao-b.json --prices prices.csv --bus nats://nats-1:4222,nats://nats-2:4222 --concurrency 8 --lease 20",
  ]);
  return fleet;
}
