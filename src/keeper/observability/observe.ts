// Everything `keeper run --metrics-port … --siem-…` adds to a keeper: the metrics registry and its
// endpoint, the SIEM forwarders, and the hooks that feed them from the loop and the bus.
import type { Logger } from "pino";
import type { Hex, PublicClient } from "viem";
import type { MessageBus } from "../../bus/messageBus.ts";
import type { Alert, PortfolioMetrics } from "../../bus/topics.ts";
import type { LoopEvaluation } from "../loop/runLoop.ts";
import { tapPublishes } from "./busTap.ts";
import type { ObservabilityConfig } from "./config.ts";
import { AlertForwarder, type AlertForwarderOptions, type AlertSender } from "./forwarder.ts";
import { KeeperMetrics } from "./metrics.ts";
import { startMetricsServer, type MetricsServer } from "./server.ts";
import { syslogSender, type SyslogHeader } from "./syslog.ts";
import { webhookSender } from "./webhook.ts";

/** Options of {@link startKeeperObservability}. */
export interface KeeperObservabilityOptions {
  readonly config: ObservabilityConfig;
  /** The vault address: the `portfolio` label of every series. */
  readonly portfolio: string;
  /** Reads the receipts of settlement transactions for their gas. */
  readonly client: PublicClient;
  readonly logger: Logger;
  /** Register into these metrics (a fleet shares one registry); default new ones. */
  readonly metrics?: KeeperMetrics;
  /** Queue and retry settings of every SIEM forwarder. */
  readonly forwarding?: Pick<AlertForwarderOptions, "maxQueue" | "retry">;
  /** Syslog HOSTNAME / PROCID (default the machine's and this process's). */
  readonly syslogHeader?: SyslogHeader;
}

/** A keeper's running observability. */
export interface KeeperObservability {
  readonly metrics: KeeperMetrics;
  /** The `/metrics` endpoint, when a port was configured. */
  readonly server: MetricsServer | undefined;
  /** The bus to give the keeper: its alerts and metrics messages are observed on their way out. */
  observeBus(bus: MessageBus): MessageBus;
  /** The loop's `onEvaluated`: counts the evaluation and reads a settlement's gas in the background. */
  onEvaluated(evaluation: LoopEvaluation): void;
  /** Resolves when the background gas reads are done and the SIEM queues are empty. */
  idle(): Promise<void>;
  /** Delivers what the SIEM sinks can within `graceMs`, then stops the endpoint and the sinks. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the metrics endpoint (a port in use: `PORT_IN_USE`, before anything else starts) and the
 * SIEM forwarders of `config`. Feed it with `observeBus` and `onEvaluated`; none of it ever delays
 * or fails a cycle.
 *
 * @example
 * ```ts
 * const obs = await startKeeperObservability({ config, portfolio: vault, client, logger });
 * const bus = obs.observeBus(await createBus(url));
 * await runKeeperLoop({ ctx: { ...ctx, bus }, bus, intervalMs, onReport, onEvaluated: obs.onEvaluated });
 * await obs.close();
 * ```
 */
export async function startKeeperObservability(options: KeeperObservabilityOptions): Promise<KeeperObservability> {
  const { config, portfolio, client, logger } = options;
  const metrics = options.metrics ?? new KeeperMetrics();
  const server =
    config.metrics === undefined
      ? undefined
      : await startMetricsServer({ registry: metrics.registry, port: config.metrics.port, host: config.metrics.host });
  if (server !== undefined) logger.info({ url: server.url }, "serving Prometheus metrics");
  const senders: AlertSender[] = [
    ...(config.syslog === undefined ? [] : [syslogSender(config.syslog, options.syslogHeader)]),
    ...(config.webhook === undefined ? [] : [webhookSender(config.webhook)]),
  ];
  const forwarders = senders.map(
    (sender) =>
      new AlertForwarder({
        sender,
        logger,
        ...options.forwarding,
        onEvent: (event) => metrics.siem(portfolio, sender.name, event),
      }),
  );
  const reads = new Set<Promise<void>>();
  const gasOf = (status: string, hash: Hex): void => {
    const read = client
      .getTransactionReceipt({ hash })
      .then((receipt) => metrics.gasUsed(portfolio, status, receipt.gasUsed))
      .catch((error: unknown) => logger.warn({ tx: hash, err: String(error) }, "gas of the settlement unread"))
      .finally(() => reads.delete(read));
    reads.add(read);
  };
  return {
    metrics,
    server,
    observeBus: (bus) =>
      tapPublishes(bus, (topic, payload) => {
        if (topic === "alerts") {
          const alert = payload as Alert;
          metrics.alert(portfolio, alert);
          for (const forwarder of forwarders) forwarder.forward(alert);
        } else if (topic === "analytics.portfolio") {
          const { slippage } = payload as PortfolioMetrics;
          if (slippage !== undefined) metrics.legSlippage(portfolio, slippage);
        }
      }),
    onEvaluated: (evaluation) => {
      metrics.evaluated(portfolio, evaluation);
      const { report } = evaluation;
      if (report !== undefined && report.txHash !== null) gasOf(report.status, report.txHash);
    },
    idle: async () => {
      await Promise.all([...reads]);
      await Promise.all(forwarders.map((f) => f.idle()));
    },
    close: async (graceMs = 5_000) => {
      await Promise.all([...reads]);
      await Promise.all(forwarders.map((f) => f.close(graceMs)));
      await server?.close();
    },
  };
}
