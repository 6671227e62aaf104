// `portfolio keeper once|run|signal`: loaded only when a keeper command runs.
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import type { Logger } from "pino";
import { createBus, type CreateBusOptions } from "../../bus/createBus.ts";
import type { MessageBus } from "../../bus/messageBus.ts";
import { InputError } from "../../errors.ts";
import { loadKeeperAccount } from "../../keeper/account.ts";
import { runKeeperCycle, type CycleReport, type KeeperCycleContext } from "../../keeper/cycle/runCycle.ts";
import { runKeeperLoop, type TriggeredReport } from "../../keeper/loop/runLoop.ts";
import {
  keeperDeployment,
  readDeploymentFile,
  type Deployment,
  type KeeperDeployment,
} from "../../protocol/deployment.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { createKeeperLogger } from "../../keeper/logger.ts";
import {
  observabilityChecks,
  observabilityConfig,
  type ObservabilityConfig,
  type ObservabilityOptionValues,
} from "../../keeper/observability/config.ts";
import type { SyslogTarget } from "../../keeper/observability/syslog.ts";
import { startKeeperObservability } from "../../keeper/observability/observe.ts";
import { createTxSender } from "../../keeper/tx/sender.ts";
import { FileNonceStore } from "../../views/nonceStore.ts";
import { assertChain, probeRpc } from "../rpc.ts";
import { checkAll } from "../validate.ts";

export interface KeeperOptions {
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

export interface RunOptions extends KeeperOptions, ObservabilityOptionValues {
  interval: string;
  ackWait: string;
}

export interface SignalOptions {
  bus: string;
  vault: string;
  reason: string;
  id?: string;
}

/** A positive integer option (`keeper fleet` shares it). @example `positiveInt("60", "--interval"); // 60` */
export function positiveInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError("OPTION_INVALID", `must be a positive integer, got ${value}`, field);
  return n;
}

/** An integer option ≥ 0. @example `nonNegativeInt("20", "--frontier-points"); // 20` */
export function nonNegativeInt(value: string, field: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InputError("OPTION_INVALID", `must be an integer ≥ 0, got ${value}`, field);
  return n;
}

/** A fraction option in [0, 1]. @example `fraction("0.01", "--post-trade-drift"); // 0.01` */
export function fraction(value: string, field: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1)
    throw new InputError("OPTION_INVALID", `must be a fraction in [0, 1], got ${value}`, field);
  return x;
}

/** The `--rpc` URL. @example `rpcUrl("http://127.0.0.1:8545");` */
export function rpcUrl(value: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new InputError("RPC_URL_INVALID", `not a URL: ${value}`, "--rpc", { cause });
  }
}

/** Everything a keeper command can check without the network, every problem reported at once. */
type KeeperAccount = ReturnType<typeof loadKeeperAccount>;

interface CheckedOptions {
  account: KeeperAccount;
  url: URL;
  deployment: Deployment;
  keeper: KeeperDeployment;
  confirmations: number;
  deadlineSeconds: number;
  postTradeDriftThreshold: number;
  frontierPoints: number;
}

/** What `keeper run` checks beyond {@link checkOptions}'s. */
interface RunChecked {
  intervalMs: number;
  ackWaitMs: number;
  observability: ObservabilityConfig;
}

function checkOptions(opts: KeeperOptions): CheckedOptions;
function checkOptions(opts: RunOptions, run: "run"): CheckedOptions & RunChecked;
function checkOptions(opts: KeeperOptions | RunOptions, run?: "run"): CheckedOptions & Partial<RunChecked> {
  const runOpts = opts as RunOptions;
  const runChecks: (() => unknown)[] =
    run === undefined
      ? []
      : [
          () => positiveInt(runOpts.interval, "--interval") * 1000,
          () => positiveInt(runOpts.ackWait, "--ack-wait") * 1000,
          ...observabilityChecks(runOpts),
        ];
  const [account, url, deployment, confirmations, deadlineSeconds, postTradeDriftThreshold, frontierPoints, ...rest] =
    checkAll<[KeeperAccount, URL, Deployment, number, number, number, number, ...unknown[]]>(
      () => loadKeeperAccount(),
      () => rpcUrl(opts.rpc),
      () => readDeploymentFile(opts.deployment),
      () => positiveInt(opts.confirmations, "--confirmations"),
      () => positiveInt(opts.deadline, "--deadline"),
      () => fraction(opts.postTradeDrift, "--post-trade-drift"),
      () => nonNegativeInt(opts.frontierPoints, "--frontier-points"),
      ...runChecks,
    );
  const keeper = keeperDeployment(deployment, opts.deployment);
  const checked = {
    account,
    url,
    deployment,
    keeper,
    confirmations,
    deadlineSeconds,
    postTradeDriftThreshold,
    frontierPoints,
  };
  if (run === undefined) return checked;
  const [intervalMs, ackWaitMs, port, host, syslog, webhook] = rest as [
    number,
    number,
    number | undefined,
    string,
    SyslogTarget | undefined,
    URL | undefined,
  ];
  return { ...checked, intervalMs, ackWaitMs, observability: observabilityConfig({ port, host, syslog, webhook }) };
}

async function setup(
  opts: KeeperOptions,
  log: Logger,
  signal: AbortSignal,
  {
    busOptions = {},
    probe,
    checked = checkOptions(opts),
  }: { busOptions?: CreateBusOptions; probe: boolean; checked?: CheckedOptions },
): Promise<{ ctx: KeeperCycleContext; bus: MessageBus; verify: () => Promise<void> }> {
  const { account, url, confirmations } = checked;
  // One retry policy (withRetry in the keeper), so viem's own transport does not retry. The
  // shutdown signal aborts a request in flight, e.g. one hanging on a stalled node.
  const client = createPublicClient({
    transport: http(url.toString(), { retryCount: 0, timeout: 15_000, fetchOptions: { signal } }),
  }) as PublicClient;
  // `keeper once` fails at once on a dead endpoint; `keeper run` waits for it in its loop.
  if (probe) assertChain(checked.deployment.chainId, await probeRpc(client, opts.rpc), opts.deployment, "--deployment");
  // Before any cycle: `keeper run` would otherwise fail every interval on a wrong address.
  const verify = async (): Promise<void> => {
    assertChain(checked.deployment.chainId, await client.getChainId(), opts.deployment, "--deployment");
    await verifyDeployment(client, { keeper: checked.keeper }, opts.deployment);
  };
  const bus = await createBus(opts.bus, busOptions);
  const retry = { retries: 8, baseMs: 250, maxMs: 10_000, signal };
  const ctx: KeeperCycleContext = {
    client,
    account,
    deployment: checked.keeper,
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
    deadlineSeconds: checked.deadlineSeconds,
    retry,
    signal,
    runtimeSamples: [],
    ...(opts.benchmarkPrices === undefined ? {} : { benchmarkPricesPath: resolve(opts.benchmarkPrices) }),
    postTradeDriftThreshold: checked.postTradeDriftThreshold,
    frontierPoints: checked.frontierPoints,
  };
  return { ctx, bus, verify };
}

/** A report as one JSON line on stdout (bigints as strings). @example `printReport(report);` */
export function printReport(report: CycleReport | TriggeredReport): void {
  process.stdout.write(`${JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
}

/**
 * `keeper once`: one cycle, its report as one JSON line on stdout.
 *
 * @example
 * ```ts
 * await keeperOnce({ rpc: "http://127.0.0.1:8545", deployment: "deployments/localhost.json", prices: "prices.csv", … });
 * ```
 */
export async function keeperOnce(opts: KeeperOptions): Promise<void> {
  const log = createKeeperLogger({ destination: process.stderr });
  const shutdown = new AbortController();
  const { ctx, bus, verify } = await setup(opts, log, shutdown.signal, { probe: true });
  try {
    await verify();
    printReport(await runKeeperCycle(ctx));
  } finally {
    await bus.close();
  }
}

/**
 * The long-running keepers' shutdown: aborted (and logged) on the first SIGTERM or SIGINT.
 *
 * @example
 * ```ts
 * const shutdown = shutdownOnSignals(log);
 * await runKeeperLoop({ ctx: { ...ctx, signal: shutdown.signal }, … });
 * ```
 */
export function shutdownOnSignals(log: Logger): AbortController {
  const shutdown = new AbortController();
  const stop = (sig: string): void => {
    log.info({ signal: sig }, "shutting down");
    shutdown.abort(new Error(`received ${sig}`));
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  return shutdown;
}

/**
 * `keeper run`: cycles whenever a trigger fires, until SIGTERM or SIGINT.
 *
 * @example
 * ```ts
 * await keeperRun({ ...keeperOptions, interval: "60", ackWait: "30" });
 * ```
 */
export async function keeperRun(opts: RunOptions): Promise<void> {
  const log = createKeeperLogger({ destination: process.stderr });
  const checked = checkOptions(opts, "run");
  const { intervalMs, ackWaitMs, observability } = checked;
  const shutdown = shutdownOnSignals(log);
  const {
    ctx,
    bus: plainBus,
    verify,
  } = await setup(opts, log, shutdown.signal, {
    busOptions: { ackWaitMs },
    probe: false,
    checked,
  });
  // A port in use ends the keeper before its first cycle (exit 2), not after.
  const obs = await startKeeperObservability({
    config: observability,
    portfolio: ctx.deployment.vault,
    client: ctx.client,
    logger: log,
  }).catch(async (error: unknown) => {
    await plainBus.close();
    throw error;
  });
  const bus = obs.observeBus(plainBus);
  try {
    // Verified in the loop, so a keeper started before its node waits for it instead of exiting.
    await runKeeperLoop({
      ctx: { ...ctx, bus },
      bus,
      intervalMs,
      onReport: printReport,
      preflight: verify,
      onEvaluated: obs.onEvaluated,
    });
  } finally {
    await obs.close();
    await bus.close();
  }
}

/**
 * `keeper signal`: publishes one `ai.rebalance` signal and prints its receipt.
 *
 * @example
 * ```ts
 * await keeperSignal({ bus: "nats://127.0.0.1:4222", vault: "0x…", reason: "news" });
 * ```
 */
export async function keeperSignal(opts: SignalOptions): Promise<void> {
  const bus = await createBus(opts.bus);
  try {
    const signal = { portfolio: opts.vault, reason: opts.reason, requestedAt: new Date().toISOString() };
    const id = opts.id ?? randomUUID();
    const receipt = await bus.publish("ai.rebalance", { ...signal, id }, { id });
    process.stdout.write(`${JSON.stringify(receipt)}\n`);
  } finally {
    await bus.close();
  }
}
