import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { createPublicClient, http, type PublicClient } from "viem";
import type { Logger } from "pino";
import { OPTIMIZER_BUNDLE_PATH } from "../../protocol/optimizerBundle.ts";
import { createBus, type CreateBusOptions } from "../../bus/createBus.ts";
import type { MessageBus } from "../../bus/messageBus.ts";
import { InputError } from "../../errors.ts";
import { loadKeeperAccount } from "../../keeper/account.ts";
import { runKeeperCycle, type CycleReport, type KeeperCycleContext } from "../../keeper/cycle/runCycle.ts";
import { runKeeperLoop, type TriggeredReport } from "../../keeper/loop/runLoop.ts";
import { DEFAULT_POST_TRADE_DRIFT_THRESHOLD } from "../../keeper/cycle/publish.ts";
import { readKeeperDeployment } from "../../protocol/deployment.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { createKeeperLogger } from "../../keeper/logger.ts";
import { createTxSender } from "../../keeper/tx/sender.ts";
import { FileNonceStore } from "../../views/nonceStore.ts";

interface KeeperOptions {
  rpc: string;
  deployment: string;
  prices: string;
  bus?: string;
  inputsDir: string;
  bundle: string;
  nonceStore?: string;
  constraintsDir?: string;
  confirmations: string;
  deadline: string;
  benchmarkPrices?: string;
  postTradeDrift: string;
  frontierPoints: string;
}

interface RunOptions extends KeeperOptions {
  interval: string;
  ackWait: string;
}

interface SignalOptions {
  bus: string;
  vault: string;
  reason: string;
  id?: string;
}

function positiveInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError("OPTION_INVALID", `must be a positive integer, got ${value}`, field);
  return n;
}

function nonNegativeInt(value: string, field: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InputError("OPTION_INVALID", `must be an integer ≥ 0, got ${value}`, field);
  return n;
}

function fraction(value: string, field: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1)
    throw new InputError("OPTION_INVALID", `must be a fraction in [0, 1], got ${value}`, field);
  return x;
}

function keeperOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--rpc <url>", "JSON-RPC endpoint")
    .requiredOption("--deployment <file>", "deployment file (deployments/<network>.json)")
    .requiredOption("--prices <csv>", "price history CSV: a date column, then one column per vault asset symbol")
    .option("--bus <url>", "message bus (nats://host:port); default in-process")
    .option("--inputs-dir <dir>", "where content-addressed cycle inputs are stored", "out/inputs")
    .option("--bundle <file>", "optimiser bundle; must hash to the registry's pinned build", OPTIMIZER_BUNDLE_PATH)
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
      String(DEFAULT_POST_TRADE_DRIFT_THRESHOLD),
    )
    .option("--frontier-points <n>", "efficient-frontier portfolios published with the metrics (0: none)", "20");
}

async function setup(
  opts: KeeperOptions,
  log: Logger,
  signal: AbortSignal,
  busOptions: CreateBusOptions = {},
): Promise<{ ctx: KeeperCycleContext; bus: MessageBus; verify: () => Promise<void> }> {
  const account = loadKeeperAccount();
  let url: URL;
  try {
    url = new URL(opts.rpc);
  } catch (cause) {
    throw new InputError("RPC_URL_INVALID", `not a URL: ${opts.rpc}`, "--rpc", { cause });
  }
  // One retry policy (withRetry in the keeper), so viem's own transport does not retry. The
  // shutdown signal aborts a request in flight, e.g. one hanging on a stalled node.
  const client = createPublicClient({
    transport: http(url.toString(), { retryCount: 0, timeout: 15_000, fetchOptions: { signal } }),
  }) as PublicClient;
  const deployment = readKeeperDeployment(opts.deployment);
  // Before any cycle: `keeper run` would otherwise fail every interval on a wrong address.
  const verify = (): Promise<void> => verifyDeployment(client, { keeper: deployment }, opts.deployment);
  const bus = await createBus(opts.bus, busOptions);
  const retry = { retries: 8, baseMs: 250, maxMs: 10_000, signal };
  const confirmations = positiveInt(opts.confirmations, "--confirmations");
  const ctx: KeeperCycleContext = {
    client,
    account,
    deployment,
    deploymentSource: opts.deployment,
    pricesPath: resolve(opts.prices),
    bundlePath: resolve(opts.bundle),
    inputsDir: resolve(opts.inputsDir),
    constraintSetBaseDir: resolve(opts.constraintsDir ?? dirname(opts.deployment)),
    bus,
    nonces: new FileNonceStore(resolve(opts.nonceStore ?? `${opts.inputsDir}/view-nonces.json`)),
    logger: log,
    sender: createTxSender({ client, account, confirmations, logger: log, retry, signal }),
    confirmations,
    deadlineSeconds: positiveInt(opts.deadline, "--deadline"),
    retry,
    signal,
    runtimeSamples: [],
    ...(opts.benchmarkPrices === undefined ? {} : { benchmarkPricesPath: resolve(opts.benchmarkPrices) }),
    postTradeDriftThreshold: fraction(opts.postTradeDrift, "--post-trade-drift"),
    frontierPoints: nonNegativeInt(opts.frontierPoints, "--frontier-points"),
  };
  return { ctx, bus, verify };
}

function printReport(report: CycleReport | TriggeredReport): void {
  process.stdout.write(`${JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
}

/** `portfolio keeper once|run`: the rebalancing keeper (docs/keeper.md). */
export function keeperCommand(): Command {
  const keeper = new Command("keeper").description(
    "rebalancing keeper: key from PORTFOLIO_KEEPER_KEY, JSON logs on stderr, the cycle report on stdout",
  );

  keeperOptions(keeper.command("once"))
    .description("run one cycle; exit 0 when settled or nothing to do, 3 when refused")
    .action(async (opts: KeeperOptions) => {
      const log = createKeeperLogger({ destination: process.stderr });
      const shutdown = new AbortController();
      const { ctx, bus, verify } = await setup(opts, log, shutdown.signal);
      try {
        await verify();
        printReport(await runKeeperCycle(ctx));
      } finally {
        await bus.close();
      }
    });

  keeperOptions(keeper.command("run"))
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
      const log = createKeeperLogger({ destination: process.stderr });
      const shutdown = new AbortController();
      const stop = (sig: string): void => {
        log.info({ signal: sig }, "shutting down");
        shutdown.abort(new Error(`received ${sig}`));
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
      const intervalMs = positiveInt(opts.interval, "--interval") * 1000;
      const ackWaitMs = positiveInt(opts.ackWait, "--ack-wait") * 1000;
      const { ctx, bus, verify } = await setup(opts, log, shutdown.signal, { ackWaitMs });
      try {
        // Verified in the loop, so a keeper started before its node waits for it instead of exiting.
        await runKeeperLoop({ ctx, bus, intervalMs, onReport: printReport, preflight: verify });
      } finally {
        await bus.close();
      }
    });
  keeper
    .command("signal")
    .description(
      "publish an ai.rebalance signal for one vault (routed to that vault's keepers only); prints its receipt",
    )
    .requiredOption("--bus <url>", "message bus (nats://host:port)")
    .requiredOption("--vault <address>", "the PortfolioVault to rebalance")
    .requiredOption("--reason <text>", "why, for the keeper's trigger record")
    .option("--id <id>", "idempotency key: the bus and the keepers handle one id once (default a random uuid)")
    .action(async (opts: SignalOptions) => {
      const bus = await createBus(opts.bus);
      try {
        const signal = { portfolio: opts.vault, reason: opts.reason, requestedAt: new Date().toISOString() };
        const id = opts.id ?? randomUUID();
        const receipt = await bus.publish("ai.rebalance", { ...signal, id }, { id });
        process.stdout.write(`${JSON.stringify(receipt)}\n`);
      } finally {
        await bus.close();
      }
    });
  return keeper;
}
