import { Command } from "commander";
import { createReadClient } from "../../chain/client.ts";
import { InputError } from "../../errors.ts";
import { readDeployment } from "../../chain/governance/deployment.ts";
import { chainHooks } from "../../dashboard/chainHooks.ts";
import { ChainSnapshotSource } from "../../dashboard/chainSource.ts";
import { findAuditedContracts, readDashboardDeployment } from "../../dashboard/deployment.ts";
import { DEFAULT_DASHBOARD_PORT, startDashboard } from "../../dashboard/server.ts";
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
}

async function chainSource(opts: DashboardOptions & { rpc: string }): Promise<SnapshotSource> {
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
  const { contracts } = deployment;
  const fromBlock = BigInt(deployment.blockNumber ?? 0);
  const [vault, settlement, oracle] = [
    contracts["PortfolioVault"],
    contracts["Settlement"],
    contracts["ChainlinkPriceOracle"],
  ];
  // The governance part of the file, validated by the same schema as `portfolio gov`.
  const governance = contracts["PortfolioGovernor"] === undefined ? undefined : readDeployment(opts.deployment);
  // Weights, settlements and proposals come from the chain; metrics and alerts come from the
  // keeper's bus, so without one those panels say "no data yet".
  const hooks =
    vault === undefined || settlement === undefined || oracle === undefined
      ? undefined
      : chainHooks({
          client,
          vault,
          settlement,
          oracle,
          fromBlock,
          ...(governance === undefined ? {} : { governance }),
        });
  return new ChainSnapshotSource({
    ...(hooks === undefined ? {} : { hooks }),
    client,
    portfolio: { id: opts.portfolio, address: contracts["PortfolioVault"] ?? null, chainId },
    ...(contracts["ModelRegistry"] === undefined ? {} : { registry: contracts["ModelRegistry"] }),
    audited: await findAuditedContracts(client, contracts),
    ...(deployment.blockNumber === undefined ? {} : { fromBlock: BigInt(deployment.blockNumber) }),
  });
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
    .action(async (opts: DashboardOptions) => {
      if ((opts.rpc === undefined) === (opts.snapshot === undefined)) {
        throw new InputError("SOURCE_REQUIRED", "give exactly one of --rpc URL or --snapshot FILE", "--rpc");
      }
      const port = parsePort(opts.port);
      const intervalMs = parseInterval(opts.interval);
      const source =
        opts.rpc === undefined
          ? new FileSnapshotSource(opts.snapshot ?? "")
          : await chainSource({ ...opts, rpc: opts.rpc });
      // Fail before listening if the source cannot produce a snapshot at all (bad file, wrong registry).
      await source.snapshot();
      const dashboard = await startDashboard({ source, port, host: opts.host, intervalMs });
      process.stdout.write(`dashboard on ${dashboard.url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void dashboard.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      process.stdout.write("dashboard stopped\n");
    });
}
