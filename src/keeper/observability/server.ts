// The keeper's Prometheus endpoint: GET /metrics in the text exposition format, nothing else.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { InputError } from "../../errors.ts";

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  readonly port: number;
  /** Interface to listen on (default `127.0.0.1`: the metrics are not for the open internet). */
  readonly host?: string;
  /** Option names for the errors (default `--metrics-port` / `--metrics-host`). */
  readonly portOption?: string;
  readonly hostOption?: string;
}

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/**
 * Serves `registry` on `GET /metrics` (also `/`); any other path is 404 and any other method 405.
 * A port in use is the operator's to fix: {@link InputError} `PORT_IN_USE` naming the option
 * (exit 2); an address that cannot be bound is `HOST_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const server = await startMetricsServer({ registry: metrics.registry, port: 9464 });
 * // scrape http://127.0.0.1:9464/metrics
 * await server.close();
 * ```
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? "127.0.0.1";
  const { registry } = options;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/metrics" && path !== "/") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? "" : text),
      (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  await listen(server, options.port, host).catch((error: unknown) => {
    throw listenError(error, host, options.port, options.portOption ?? "--metrics-port", options.hostOption);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** A bind failure as the operator's error, naming the option to change. */
function listenError(
  error: unknown,
  host: string,
  port: number,
  portOption: string,
  hostOption = "--metrics-host",
): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new InputError(
      "PORT_IN_USE",
      `${host}:${port} is already in use; pick another port (0 = any free)`,
      portOption,
      {
        cause: error,
      },
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "EACCES" || code === "ENOTFOUND") {
    return new InputError("HOST_UNAVAILABLE", `cannot listen on ${host}:${port} (${code})`, hostOption, {
      cause: error,
    });
  }
  return error;
}
