import { Command } from "commander";
import type { DashboardOptions } from "../actions/dashboard.ts";
import { withExamples } from "../options.ts";

/**
 * The default `--port`, equal to DEFAULT_DASHBOARD_PORT (src/dashboard/server.ts); not imported,
 * since that module loads the dashboard (test/cli/commands/dashboard.test.ts keeps them equal).
 */
export const DASHBOARD_HELP_PORT = 8787;

/**
 * `portfolio dashboard`: the web dashboard on localhost.
 *
 * @example
 * ```ts
 * program.addCommand(dashboardCommand());
 * ```
 */
export function dashboardCommand(): Command {
  const command = new Command("dashboard")
    .description(
      "serve the portfolio dashboard (weights, risk, frontier, drift, settlements, audit, proposals, alerts)",
    )
    .option("--rpc <url>", "JSON-RPC endpoint of the chain to read")
    .option("--snapshot <file>", "serve a saved snapshot JSON file instead of reading a chain")
    .option("--deployment <file>", "deployment addresses (with --rpc)", "deployments/localhost.json")
    .option("--port <port>", "TCP port (0 picks a free one)", String(DASHBOARD_HELP_PORT))
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option(
      "--portfolio <id>",
      "portfolio id shown on the page (with --rpc; default the deployment's network name, else the vault address)",
    )
    .option(
      "--constraint-sets <dir>",
      "content-addressed constraint sets (<sha256>.json): sector names from the registry's (with --rpc)",
    )
    .option(
      "--metrics-db <file>",
      "SQLite metrics store (the demo's metrics.sqlite) for metrics, risk, frontier and the keeper's alerts (with --rpc)",
    )
    .option("--interval <seconds>", "how often open pages receive a fresh snapshot", "5")
    .option(
      "--bus <url>",
      "keeper's message bus (memory: or nats://host:port) for metrics, risk, drift and alerts (with --rpc)",
    )
    .action(async (opts: DashboardOptions) => {
      const { runDashboard } = await import("../actions/dashboard.ts");
      await runDashboard(opts);
    });
  return withExamples(command, [
    "portfolio dashboard --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json",
    "portfolio dashboard --rpc http://127.0.0.1:8545 --constraint-sets out/demo/constraint-sets --metrics-db out/demo/metrics.sqlite",
    "portfolio dashboard --rpc http://127.0.0.1:8545 --bus nats://127.0.0.1:4222 --port 0",
    "portfolio dashboard --snapshot snapshot.json --port 8080",
  ]);
}
