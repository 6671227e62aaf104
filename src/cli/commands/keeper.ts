import { Command } from "commander";
import type { KeeperOptions, RunOptions, SignalOptions } from "../actions/keeper.ts";
import { withExamples } from "../options.ts";
import { addFleetCommand } from "./keeperFleet.ts";

/**
 * Defaults shown in `--help`, equal to OPTIMIZER_BUNDLE_PATH (src/protocol/optimizerBundle.ts)
 * and DEFAULT_POST_TRADE_DRIFT_THRESHOLD (src/keeper/cycle/publish.ts); not imported, since those
 * modules load esbuild and the keeper (test/cli/commands/keeperOptions.test.ts keeps them equal).
 */
export const KEEPER_HELP_DEFAULTS = { bundle: "dist/optimizer.mjs", postTradeDrift: 0.01 } as const;

const CONNECT = "--rpc http://127.0.0.1:8545 --deployment deployments/localhost.json --prices prices.csv";

function keeperOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--rpc <url>", "JSON-RPC endpoint")
    .requiredOption("--deployment <file>", "deployment file (deployments/<network>.json)")
    .requiredOption("--prices <csv>", "price history CSV: a date column, then one column per vault asset symbol")
    .option("--bus <url>", "message bus (nats://host:port); default in-process")
    .option("--inputs-dir <dir>", "where content-addressed cycle inputs are stored", "out/inputs")
    .option(
      "--bundle <file>",
      "optimiser bundle; must hash to the registry's pinned build",
      KEEPER_HELP_DEFAULTS.bundle,
    )
    .option("--nonce-store <file>", "signed-view replay store (default <inputs-dir>/view-nonces.json)")
    .option(
      "--constraints-dir <dir>",
      "base directory of a relative constraint-set URI (default: the deployment file's)",
    )
    .option("--confirmations <n>", "blocks to wait for, counting the inclusion block", "1")
    .option("--deadline <seconds>", "instruction lifetime", "3600")
    .option(
      "--benchmark-prices <csv>",
      "benchmark price CSV (a date column and one price column) for the published tracking error and beta",
    )
    .option(
      "--post-trade-drift <fraction>",
      "alert when an executed weight is further than this from its target after a settlement",
      String(KEEPER_HELP_DEFAULTS.postTradeDrift),
    )
    .option("--frontier-points <n>", "efficient-frontier portfolios published with the metrics (0: none)", "20");
}

/**
 * The observability options of a long-running keeper (`keeper run`; the fleet adds them too):
 * the Prometheus endpoint and the SIEM sinks of docs/observability.md.
 *
 * @example
 * ```ts
 * observabilityOptions(keeper.command("run"));
 * ```
 */
export function observabilityOptions(cmd: Command): Command {
  return cmd
    .option(
      "--metrics-port <port>",
      "serve Prometheus metrics on http://<metrics-host>:<port>/metrics (0: any free port)",
    )
    .option("--metrics-host <host>", "interface of the metrics endpoint", "127.0.0.1")
    .option(
      "--siem-syslog <url>",
      "forward alerts as RFC 5424 syslog, JSON in MSG: udp://host:port or tcp://host:port (octet counting)",
    )
    .option("--siem-webhook <url>", "forward alerts as JSON POSTs to this http(s) URL (retried with backoff)");
}

/**
 * `portfolio keeper once|run|signal`: the rebalancing keeper (docs/keeper.md).
 *
 * @example
 * ```ts
 * program.addCommand(keeperCommand());
 * ```
 */
export function keeperCommand(): Command {
  const keeper = new Command("keeper").description(
    "rebalancing keeper: key from PORTFOLIO_KEEPER_KEY, JSON logs on stderr, the cycle report on stdout",
  );

  const once = keeperOptions(keeper.command("once"))
    .description("run one cycle; exit 0 when settled or nothing to do, 3 when refused")
    .action(async (opts: KeeperOptions) => {
      const { keeperOnce } = await import("../actions/keeper.ts");
      await keeperOnce(opts);
    });
  withExamples(once, [
    `PORTFOLIO_KEEPER_KEY=0x… portfolio keeper once ${CONNECT}`,
    `PORTFOLIO_KEEPER_KEY=0x… portfolio keeper once ${CONNECT} --bus nats://127.0.0.1:4222 --benchmark-prices spy.csv`,
  ]);

  const run = observabilityOptions(keeperOptions(keeper.command("run")))
    .description(
      "long-running: a cycle whenever a trigger fires (calendar, drift, risk, ai.rebalance); SIGTERM/SIGINT stop it cleanly",
    )
    .option("--interval <seconds>", "how often triggers are evaluated", "60")
    .option(
      "--ack-wait <seconds>",
      "NATS: how long an unacknowledged signal of a dead keeper waits before redelivery (set when the group is created)",
      "30",
    )
    .action(async (opts: RunOptions) => {
      const { keeperRun } = await import("../actions/keeper.ts");
      await keeperRun(opts);
    });
  withExamples(run, [
    `PORTFOLIO_KEEPER_KEY=0x… portfolio keeper run ${CONNECT} --bus nats://127.0.0.1:4222 --interval 60`,
    `PORTFOLIO_KEEPER_KEY=0x… portfolio keeper run ${CONNECT} --metrics-port 9464 --siem-syslog tcp://siem.internal:601`,
    `PORTFOLIO_KEEPER_KEY=0x… portfolio keeper run ${CONNECT} --siem-webhook https://siem.example/hooks/keeper`,
  ]);

  const signal = keeper
    .command("signal")
    .description(
      "publish an ai.rebalance signal for one vault (routed to that vault's keepers only); prints its receipt",
    )
    .requiredOption("--bus <url>", "message bus (nats://host:port)")
    .requiredOption("--vault <address>", "the PortfolioVault to rebalance")
    .requiredOption("--reason <text>", "why, for the keeper's trigger record")
    .option("--id <id>", "idempotency key: the bus and the keepers handle one id once (default a random uuid)")
    .action(async (opts: SignalOptions) => {
      const { keeperSignal } = await import("../actions/keeper.ts");
      await keeperSignal(opts);
    });
  withExamples(signal, [
    'portfolio keeper signal --bus nats://127.0.0.1:4222 --vault 0x… --reason "index rebalance" --id 2026-12-04',
  ]);
  addFleetCommand(keeper, KEEPER_HELP_DEFAULTS);
  return keeper;
}
