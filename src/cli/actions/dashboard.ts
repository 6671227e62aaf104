// `portfolio dashboard`: loaded only when the command runs.
import { InputError } from "../../errors.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { readDeployment } from "../../chain/governance/deployment.ts";
import { createBus } from "../../bus/createBus.ts";
import type { MessageBus } from "../../bus/messageBus.ts";
import { busHooks, chainBreakAlerter } from "../../dashboard/busHooks.ts";
import { ChainSnapshotSource, type SnapshotHooks } from "../../dashboard/chainSource.ts";
import { liveHooks } from "../../dashboard/liveHooks.ts";
import { checkMetricsDb, openMetricsDb, storeHooks, type StoreHooks } from "../../dashboard/storeHooks.ts";
import { findAuditedContracts, readDashboardDeployment, type DashboardDeployment } from "../../dashboard/deployment.ts";
import { startDashboard, type Dashboard } from "../../dashboard/server.ts";
import type { SnapshotSource } from "../../dashboard/snapshot.ts";
import { FileSnapshotSource } from "../../dashboard/sources.ts";
import { existsSync, statSync } from "node:fs";
import { assertChain, connectRpc } from "../rpc.ts";
import { checkAll } from "../validate.ts";

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

/** The options of `portfolio dashboard`, as commander parses them. */
export interface DashboardOptions {
  rpc?: string;
  port: string;
  host: string;
  deployment: string;
  snapshot?: string;
  portfolio?: string;
  interval: string;
  bus?: string;
  constraintSets?: string;
  metricsDb?: string;
}

/** A snapshot source and what to release when the dashboard stops. */
interface OpenedSource {
  readonly source: SnapshotSource;
  close(): Promise<void>;
}

function checkDirectory(path: string, field: string): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new InputError("DIRECTORY_MISSING", `no directory ${path}`, field);
  }
  return path;
}

async function chainSource(opts: DashboardOptions & { rpc: string }): Promise<OpenedSource> {
  // Offline checks first: the file, the directories, then the bus URL (createBus refuses a malformed
  // one before it connects), and only then the RPC, so a typo is named without waiting on the network.
  checkAll(
    () => (opts.constraintSets === undefined ? undefined : checkDirectory(opts.constraintSets, "--constraint-sets")),
    () => (opts.metricsDb === undefined ? undefined : checkMetricsDb(opts.metricsDb, "--metrics-db")),
  );
  const deployment = await readDashboardDeployment(opts.deployment);
  const bus: MessageBus | undefined = opts.bus === undefined ? undefined : await createBus(opts.bus);
  const store = opts.metricsDb === undefined ? undefined : openMetricsDb(opts.metricsDb, "--metrics-db");
  try {
    return await openChainSource(opts, deployment, bus, store);
  } catch (error) {
    await bus?.close();
    await store?.close();
    throw error;
  }
}

async function openChainSource(
  opts: DashboardOptions & { rpc: string },
  deployment: DashboardDeployment,
  bus: MessageBus | undefined,
  store: ReturnType<typeof openMetricsDb> | undefined,
): Promise<OpenedSource> {
  const { client, chainId } = await connectRpc(opts.rpc);
  assertChain(deployment.chainId, chainId, opts.deployment, "--deployment");
  await verifyDeployment(client, deployment, opts.deployment);
  const { contracts } = deployment;
  const fromBlock = BigInt(deployment.blockNumber ?? 0);
  const [vault, settlement, oracle, registry] = [
    contracts["PortfolioVault"],
    contracts["Settlement"],
    contracts["ChainlinkPriceOracle"],
    contracts["ModelRegistry"],
  ];
  // The page's name for the portfolio: the deployment's network ("localhost"), else the vault.
  const portfolio = opts.portfolio ?? deployment.network ?? vault ?? "portfolio";
  const ids = vault === undefined ? [portfolio] : [portfolio, vault];
  // The governance part of the file, validated by the same schema as `portfolio gov`.
  const governance = contracts["PortfolioGovernor"] === undefined ? undefined : readDeployment(opts.deployment);
  const audited = await findAuditedContracts(client, contracts);
  const fromBus = bus === undefined ? undefined : await busHooks(bus, { portfolio: ids });
  const fromStore: StoreHooks | undefined = store === undefined ? undefined : storeHooks(store, ids);
  const hooks: SnapshotHooks =
    vault === undefined || settlement === undefined || oracle === undefined
      ? { ...fromStore?.hooks, ...fromBus?.hooks }
      : liveHooks({
          client,
          contracts: { vault, settlement, oracle, ...(registry === undefined ? {} : { registry }) },
          fromBlock,
          ...(governance === undefined ? {} : { governance }),
          ...(opts.constraintSets === undefined ? {} : { constraintSetsDir: opts.constraintSets }),
          ...(fromStore === undefined ? {} : { store: fromStore }),
          ...(fromBus === undefined ? {} : { bus: fromBus }),
        });
  const chain = new ChainSnapshotSource({
    hooks,
    ...(fromBus === undefined ? {} : { subscribe: fromBus.subscribe }),
    client,
    portfolio: { id: portfolio, address: vault ?? null, chainId },
    ...(registry === undefined ? {} : { registry }),
    audited,
    ...(deployment.blockNumber === undefined ? {} : { fromBlock: BigInt(deployment.blockNumber) }),
  });
  const closeStore = async (): Promise<void> => await fromStore?.close();
  if (bus === undefined || fromBus === undefined) return { source: chain, close: closeStore };
  // Every snapshot re-verifies the audit chains; a break found there goes on `alerts` once.
  const alertBreaks = chainBreakAlerter(bus, { portfolio });
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
      await closeStore();
    },
  };
}

/** A port in use or an address that cannot be bound is the user's to fix: exit 2 naming it. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new InputError(
      "PORT_IN_USE",
      `${host}:${port} is already in use; pick another --port (0 = any free)`,
      "--port",
      {
        cause: error,
      },
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "EACCES" || code === "ENOTFOUND") {
    return new InputError("HOST_UNAVAILABLE", `cannot listen on ${host}:${port} (${code})`, "--host", { cause: error });
  }
  return error;
}

/**
 * Runs `portfolio dashboard` until SIGINT or SIGTERM.
 *
 * @example
 * ```ts
 * await runDashboard({ snapshot: "snapshot.json", port: "0", host: "127.0.0.1", deployment: "", portfolio: "p", interval: "5" });
 * ```
 */
export async function runDashboard(opts: DashboardOptions): Promise<void> {
  const [, , , port, intervalMs] = checkAll(
    () => {
      if ((opts.rpc === undefined) === (opts.snapshot === undefined)) {
        throw new InputError("SOURCE_REQUIRED", "give exactly one of --rpc URL or --snapshot FILE", "--rpc");
      }
    },
    () => {
      if (opts.bus !== undefined && opts.rpc === undefined) {
        throw new InputError("BUS_NEEDS_RPC", "--bus is read together with --rpc, not with --snapshot", "--bus");
      }
    },
    () => {
      if (opts.rpc === undefined && (opts.constraintSets !== undefined || opts.metricsDb !== undefined)) {
        const field = opts.constraintSets === undefined ? "--metrics-db" : "--constraint-sets";
        throw new InputError("OPTION_NEEDS_RPC", `${field} is read together with --rpc, not with --snapshot`, field);
      }
    },
    () => parsePort(opts.port),
    () => parseInterval(opts.interval),
  );
  const { source, close } =
    opts.rpc === undefined
      ? { source: new FileSnapshotSource(opts.snapshot ?? ""), close: async () => undefined }
      : await chainSource({ ...opts, rpc: opts.rpc });
  let dashboard: Dashboard;
  try {
    // Fail before listening if the source cannot produce a snapshot at all (bad file, wrong registry).
    await source.snapshot();
    dashboard = await startDashboard({ source, port, host: opts.host, intervalMs }).catch((error: unknown) => {
      throw listenError(error, opts.host, port);
    });
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
}
