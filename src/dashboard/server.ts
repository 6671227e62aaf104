import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PortfolioError } from "../errors.ts";
import { buildDashboardAssets } from "./assets.ts";
import { escapeHtml } from "./format.ts";
import { renderPage, snapshotEvent } from "./page.ts";
import type { DashboardSnapshot, SnapshotSource } from "./snapshot.ts";

/** Port of `portfolio dashboard` when none is given. */
export const DEFAULT_DASHBOARD_PORT = 8787;

/** Parameters of {@link startDashboard}. */
export interface StartDashboardParameters {
  readonly source: SnapshotSource;
  /** TCP port; 0 picks a free one. Default {@link DEFAULT_DASHBOARD_PORT}. */
  readonly port?: number;
  /** Interface to bind; the default keeps the dashboard on this machine. */
  readonly host?: string;
  /** How often open pages receive a fresh snapshot over `/events`, milliseconds. Default 5000. */
  readonly intervalMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** Base URL, e.g. `http://127.0.0.1:8787/`. */
  readonly url: string;
  /** Pushes a fresh snapshot to every open page now (also done on each tick and on source changes). */
  refresh(): Promise<void>;
  /** Number of pages currently connected to `/events`. */
  readonly clients: number;
  /** Ends the event streams, stops the timer and closes the server. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** The host name of a `Host` header, without the port. */
function hostName(header: string): string {
  return (
    header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : (header.split(":")[0] ?? "")
  ).toLowerCase();
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof PortfolioError) return { code: error.code, message: error.message };
  return { code: "SOURCE_FAILED", message: error instanceof Error ? error.message : String(error) };
}

function sseFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data.replace(/\n/g, "\ndata: ")}\n\n`;
}

/**
 * Serves the dashboard over node:http:
 * - `GET /` the page (HTML and CSS inline, every number in a table with a `data-testid`);
 * - `GET /api/snapshot` the current {@link DashboardSnapshot} as JSON;
 * - `GET /plot.js`, `GET /app.js` the chart library and the page script, bundled at start;
 * - `GET /events` Server-Sent Events: a `snapshot` event on connect, every `intervalMs`, and whenever
 *   the source reports a change or {@link Dashboard.refresh} is called; `source-error` when the
 *   source fails.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ source: new FileSnapshotSource("snap.json"), port: 0 });
 * console.log(dashboard.url);
 * await dashboard.close();
 * ```
 */
export async function startDashboard({
  source,
  port = DEFAULT_DASHBOARD_PORT,
  host = "127.0.0.1",
  intervalMs = 5000,
}: StartDashboardParameters): Promise<Dashboard> {
  const assets = await buildDashboardAssets();
  const streams = new Set<ServerResponse>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<void> | undefined;
  let again = false;

  const broadcastOnce = async (): Promise<void> => {
    // Nobody is watching: do not make the source read the chain for nothing.
    if (streams.size === 0) return;
    let frame: string;
    try {
      frame = sseFrame("snapshot", JSON.stringify(snapshotEvent(await source.snapshot())));
    } catch (error) {
      frame = sseFrame("source-error", describe(error).message);
    }
    for (const res of streams) res.write(frame);
  };

  // Coalesces bursts (many alerts at once) into at most one fetch in flight and one queued.
  const refresh = (): Promise<void> => {
    if (inFlight !== undefined) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        await broadcastOnce();
      } while (again);
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const unsubscribe = source.subscribe?.(() => void refresh());

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(res.req.method === "HEAD" ? undefined : body);
  };

  const openStream = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n\n");
    streams.add(res);
    req.on("close", () => {
      streams.delete(res);
      if (streams.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    });
    timer ??= setInterval(() => void refresh(), intervalMs);
    try {
      res.write(sseFrame("snapshot", JSON.stringify(snapshotEvent(await source.snapshot()))));
    } catch (error) {
      res.write(sseFrame("source-error", describe(error).message));
    }
  };

  // Bound to loopback, the server answers only requests addressed to a loopback name, so that a web
  // page elsewhere cannot read it through DNS rebinding.
  const loopbackOnly = LOOPBACK_NAMES.has(host.toLowerCase());

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (loopbackOnly && !LOOPBACK_NAMES.has(hostName(req.headers.host ?? ""))) {
      send(res, 403, "text/plain; charset=utf-8", `forbidden host: ${req.headers.host ?? "(none)"}\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, HEAD" }).end();
      return;
    }
    switch (path) {
      case "/":
      case "/index.html": {
        let snapshot: DashboardSnapshot;
        try {
          snapshot = await source.snapshot();
        } catch (error) {
          const { code, message } = describe(error);
          send(
            res,
            503,
            "text/html; charset=utf-8",
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard unavailable</title></head><body><h1>Dashboard unavailable</h1><p>The data source failed: <code>${escapeHtml(code)}</code> ${escapeHtml(message)}</p></body></html>`,
          );
          return;
        }
        send(res, 200, "text/html; charset=utf-8", renderPage(snapshot));
        return;
      }
      case "/api/snapshot": {
        try {
          send(res, 200, "application/json; charset=utf-8", JSON.stringify(await source.snapshot()));
        } catch (error) {
          send(res, 503, "application/json; charset=utf-8", JSON.stringify({ error: describe(error) }));
        }
        return;
      }
      case "/plot.js":
        send(res, 200, "text/javascript; charset=utf-8", assets.plot);
        return;
      case "/app.js":
        send(res, 200, "text/javascript; charset=utf-8", assets.app);
        return;
      case "/events":
        await openStream(req, res);
        return;
      default:
        send(res, 404, "text/plain; charset=utf-8", `not found: ${path}\n`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `internal error: ${describe(error).message}\n`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const urlHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;

  return {
    url: `http://${urlHost}:${bound.port}/`,
    refresh,
    get clients() {
      return streams.size;
    },
    async close() {
      unsubscribe?.();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
