import { Command } from "commander";
import { createReadClient } from "../../chain/client.ts";
import { InputError } from "../../errors.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { readDeployment } from "../../chain/governance/deployment.ts";
import { createBus } from "../../bus/createBus.ts";
import type { MessageBus } from "../../bus/messageBus.ts";
import { busHooks, chainBreakAlerter } from "../../dashboard/busHooks.ts";
import { chainHooks } from "../../dashboard/chainHooks.ts";
import { ChainSnapshotSource } from "../../dashboard/chainSource.ts";
import { findAuditedContracts, readDashboardDeployment } from "../../dashboard/deployment.ts";
import { DEFAULT_DASHBOARD_PORT, startDashboard, type Dashboard } from "../../dashboard/server.ts";
import type { SnapshotSource } from "../../dashboard/snapshot.ts";
import { FileSnapshotSource } from "../../dashboard/sources.ts";

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InputError("PORT_INVALID", `expected a TCP port, got "${value}"`, "--port");
  return port;
}

function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.5) {
    throw new InputError("INTERVAL_INVALID", `expected seconds >= 0.5, got "${value}"`, "--interval");
  }
  return Math.round(seconds * 1000);
}

interface DashboardOptions {
  rpc?: string;
  port: string;
  host: string;
  deployment: string;
  snapshot?: string;
  portfolio: string;
  interval: string;
  bus?: string;
}

/** A snapshot source and what to release when the dashboard stops. */
interface OpenedSource {
  readonly source: SnapshotSource;
  close(): Promise<void>;
}

async function chainSource(opts: DashboardOptions & { rpc: string }): Promise<OpenedSource> {
  const client = createReadClient(opts.rpc);
  const deployment = await readDashboardDeployment(opts.deployment);
  const chainId = await client.getChainId();
  if (deployment.chainId !== undefined && deployment.chainId !== chainId) {
    throw new InputError(
      "DEPLOYMENT_CHAIN_MISMATCH",
      `${opts.deployment} is for chain ${deployment.chainId}, the RPC serves chain ${chainId}`,
      "--deployment",
    );
  }
  await verifyDeployment(client, deployment, opts.deployment);
  const { contracts } = deployment;
  const fromBlock = BigInt(deployment.blockNumber ?? 0);
  const [vault, settlement, oracle] = [
    contracts["PortfolioVault"],
    contracts["Settlement"],
    contracts["ChainlinkPriceOracle"],
  ];
  // The governance part of the file, validated by the same schema as `portfolio gov`.
  const governance = contracts["PortfolioGovernor"] === undefined ? undefined : readDeployment(opts.deployment);
  const audited = await findAuditedContracts(client, contracts);
  const bus: MessageBus | undefined = opts.bus === undefined ? undefined : await createBus(opts.bus);
  const fromBus =
    bus === undefined
      ? undefined
      : await busHooks(bus, { portfolio: vault === undefined ? opts.portfolio : [opts.portfolio, vault] }).catch(
          async (error: unknown) => {
            await bus.close();
            throw error;
          },
        );
  // Weights, settlements and proposals come from the chain; metrics, risk, frontier, drift and alerts
  // come from the keeper's bus, so without one those panels say "no data yet".
  const fromChain =
    vault === undefined || settlement === undefined || oracle === undefined
      ? undefined
      : chainHooks({
          client,
          vault,
          settlement,
          oracle,
          fromBlock,
          ...(governance === undefined ? {} : { governance }),
          // Sector labels come from the keeper's metrics (its constraint set's groups).
          ...(fromBus === undefined ? {} : { sectors: () => fromBus.sectors() }),
        });
  const hooks = { ...fromChain, ...fromBus?.hooks };
  const chain = new ChainSnapshotSource({
    hooks,
    ...(fromBus === undefined ? {} : { subscribe: fromBus.subscribe }),
    client,
    portfolio: { id: opts.portfolio, address: vault ?? null, chainId },
    ...(contracts["ModelRegistry"] === undefined ? {} : { registry: contracts["ModelRegistry"] }),
    audited,
    ...(deployment.blockNumber === undefined ? {} : { fromBlock: BigInt(deployment.blockNumber) }),
  });
  if (bus === undefined || fromBus === undefined) return { source: chain, close: async () => undefined };
  // Every snapshot re-verifies the audit chains; a break found there goes on `alerts` once.
  const alertBreaks = chainBreakAlerter(bus, { portfolio: opts.portfolio });
  const source: SnapshotSource = {
    snapshot: async () => {
      const snap = await chain.snapshot();
      // An unreachable bus must not take the page down; the break is retried on the next snapshot.
      await alertBreaks(snap.audit ?? []).catch((error: unknown) => {
        process.stderr.write(`chain-break alert not published: ${String(error)}\n`);
      });
      return snap;
    },
    subscribe: (listener) => chain.subscribe(listener),
  };
  return {
    source,
    close: async () => {
      await fromBus.close();
      await bus.close();
    },
  };
}

/** `portfolio dashboard`: the web dashboard on localhost. */
export function dashboardCommand(): Command {
  return new Command("dashboard")
    .description(
      "serve the portfolio dashboard (weights, risk, frontier, drift, settlements, audit, proposals, alerts)",
    )
    .option("--rpc <url>", "JSON-RPC endpoint of the chain to read")
    .option("--snapshot <file>", "serve a saved snapshot JSON file instead of reading a chain")
    .option("--deployment <file>", "deployment addresses (with --rpc)", "deployments/localhost.json")
    .option("--port <port>", "TCP port (0 picks a free one)", String(DEFAULT_DASHBOARD_PORT))
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--portfolio <id>", "portfolio id shown on the page (with --rpc)", "portfolio")
    .option("--interval <seconds>", "how often open pages receive a fresh snapshot", "5")
    .option(
      "--bus <url>",
      "keeper's message bus (memory: or nats://host:port) for metrics, risk, drift and alerts (with --rpc)",
    )
    .action(async (opts: DashboardOptions) => {
      if ((opts.rpc === undefined) === (opts.snapshot === undefined)) {
        throw new InputError("SOURCE_REQUIRED", "give exactly one of --rpc URL or --snapshot FILE", "--rpc");
      }
      if (opts.bus !== undefined && opts.rpc === undefined) {
        throw new InputError("BUS_NEEDS_RPC", "--bus is read together with --rpc, not with --snapshot", "--bus");
      }
      const port = parsePort(opts.port);
      const intervalMs = parseInterval(opts.interval);
      const { source, close } =
        opts.rpc === undefined
          ? { source: new FileSnapshotSource(opts.snapshot ?? ""), close: async () => undefined }
          : await chainSource({ ...opts, rpc: opts.rpc });
      let dashboard: Dashboard;
      try {
        // Fail before listening if the source cannot produce a snapshot at all (bad file, wrong registry).
        await source.snapshot();
        dashboard = await startDashboard({ source, port, host: opts.host, intervalMs });
      } catch (error) {
        await close();
        throw error;
      }
      process.stdout.write(`dashboard on ${dashboard.url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void dashboard.close().then(close).then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      process.stdout.write("dashboard stopped\n");
    });
}
