// `portfolio keeper fleet`: loaded only when the fleet command runs.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { createBus } from "../../bus/createBus.ts";
import { NatsJetStreamBus } from "../../bus/natsJetStreamBus.ts";
import { loadKeeperAccount } from "../../keeper/account.ts";
import type { KeeperCycleContext } from "../../keeper/cycle/types.ts";
import { resolveFleetDeployments, type FleetPortfolio } from "../../keeper/fleet/deployments.ts";
import { lastSettlementTime } from "../../keeper/fleet/lastRebalance.ts";
import { InProcessLeaseBackend, Leases, type LeaseBackend } from "../../keeper/fleet/lease.ts";
import { NatsKvLeaseBackend } from "../../keeper/fleet/natsLeases.ts";
import { runKeeperFleet, type FleetMember } from "../../keeper/fleet/runFleet.ts";
import { createKeeperLogger } from "../../keeper/logger.ts";
import { createTxSender } from "../../keeper/tx/sender.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { FileNonceStore } from "../../views/nonceStore.ts";
import { assertChain } from "../rpc.ts";
import { checkAll } from "../validate.ts";
import {
  fraction,
  nonNegativeInt,
  positiveInt,
  printReport,
  rpcUrl,
  shutdownOnSignals,
  type RunOptions,
} from "./keeper.ts";

/**
 * Options of `portfolio keeper fleet` (commander's camel-cased names): those of `keeper run`, with
 * `--deployments` for `--deployment` (a view-nonce store per portfolio under `--inputs-dir`).
 */
export interface FleetOptions extends Omit<RunOptions, "deployment" | "nonceStore"> {
  deployments: string;
  concurrency: string;
  lease: string;
}

/**
 * `keeper fleet`: serves every portfolio of `--deployments`, sharing them through leases with the
 * other fleet processes on the same bus, until SIGTERM or SIGINT.
 *
 * @example
 * ```ts
 * await keeperFleet({ rpc: "http://127.0.0.1:8545", deployments: "deployments/", bus: "nats://127.0.0.1:4222", … });
 * ```
 */
export async function keeperFleet(opts: FleetOptions): Promise<void> {
  const log = createKeeperLogger({ destination: process.stderr });
  const [account, url, intervalMs, ackWaitMs, concurrency, leaseMs, confirmations, deadlineSeconds, drift, frontier] =
    checkAll(
      () => loadKeeperAccount(),
      () => rpcUrl(opts.rpc),
      () => positiveInt(opts.interval, "--interval") * 1000,
      () => positiveInt(opts.ackWait, "--ack-wait") * 1000,
      () => positiveInt(opts.concurrency, "--concurrency"),
      () => positiveInt(opts.lease, "--lease") * 1000,
      () => positiveInt(opts.confirmations, "--confirmations"),
      () => positiveInt(opts.deadline, "--deadline"),
      () => fraction(opts.postTradeDrift, "--post-trade-drift"),
      () => nonNegativeInt(opts.frontierPoints, "--frontier-points"),
    );
  // Duplicates and a list where nothing resolves refuse the whole fleet; one bad file only itself.
  const { portfolios, errors } = resolveFleetDeployments(opts.deployments);
  for (const { source, error } of errors) {
    log.error({ deployment: source, code: error.code, err: error.message }, "deployment does not resolve; not served");
  }
  const shutdown = shutdownOnSignals(log);

  // An unreachable bus ends the whole fleet (BUS_UNREACHABLE, exit 2): no lease can be taken.
  const bus = await createBus(opts.bus, { ackWaitMs });
  try {
    const backend: LeaseBackend =
      bus instanceof NatsJetStreamBus
        ? await NatsKvLeaseBackend.open(bus.connection, { periodMs: leaseMs })
        : new InProcessLeaseBackend(leaseMs);
    const holder = `${account.address}/${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    const leases = new Leases({ backend, holder, account: account.address, periodMs: leaseMs });
    const client = createPublicClient({
      transport: http(url.toString(), { retryCount: 0, timeout: 15_000, fetchOptions: { signal: shutdown.signal } }),
    }) as PublicClient;
    // One sender for the account: its nonces are counted locally, under one lock, for every portfolio.
    const fleetRetry = { retries: 8, baseMs: 250, maxMs: 10_000, signal: shutdown.signal };
    const sender = createTxSender({
      client,
      account,
      confirmations,
      logger: log,
      retry: fleetRetry,
      signal: shutdown.signal,
    });
    const inputsDir = resolve(opts.inputsDir);
    const member = (portfolio: FleetPortfolio): FleetMember => {
      const portfolioLog = log.child({ portfolio: portfolio.id });
      const nonces = new FileNonceStore(join(inputsDir, `view-nonces-${portfolio.id}.json`));
      return {
        portfolio,
        context: (signal): KeeperCycleContext => {
          const retry = { ...fleetRetry, signal };
          return {
            client,
            account,
            deployment: portfolio.keeper,
            deploymentSource: portfolio.source,
            pricesPath: resolve(opts.prices),
            bundlePath: resolve(opts.bundle),
            inputsDir,
            constraintSetBaseDir: resolve(opts.constraintsDir ?? dirname(portfolio.source)),
            bus,
            nonces,
            logger: portfolioLog,
            sender,
            confirmations,
            deadlineSeconds,
            retry,
            signal,
            runtimeSamples: [],
            ...(opts.benchmarkPrices === undefined ? {} : { benchmarkPricesPath: resolve(opts.benchmarkPrices) }),
            postTradeDriftThreshold: drift,
            frontierPoints: frontier,
          };
        },
        preflight: async () => {
          assertChain(portfolio.deployment.chainId, await client.getChainId(), portfolio.source, "--deployments");
          await verifyDeployment(client, { keeper: portfolio.keeper }, portfolio.source);
        },
        lastRebalance: () =>
          lastSettlementTime(client, {
            settlement: portfolio.keeper.settlement,
            vault: portfolio.keeper.vault,
            fromBlock: BigInt(portfolio.deployment.blockNumber ?? 0),
          }),
      };
    };
    await runKeeperFleet({
      members: portfolios.map(member),
      bus,
      leases,
      intervalMs,
      concurrency,
      logger: log,
      signal: shutdown.signal,
      onReport: printReport,
    });
    await backend.close();
  } finally {
    await bus.close();
  }
}
