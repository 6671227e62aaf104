// Starts a real nats-server with JetStream for integration tests and stops it afterwards. The
// server is the Debian `nats-server` package (.ci/run installs it); a missing binary fails the
// suite with the install command rather than skipping it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { connect } from "@nats-io/transport-node";

/** A running server: its URL and how to restart or stop it. */
export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM) and starts it again on the same port with the same JetStream store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function findBinary(): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  for (const dir of dirs) {
    const candidate = join(dir, "nats-server");
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error("nats-server not found: install it with `apt-get install -y nats-server` (see .ci/run)");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// Whatever happens to the test run, no server outlives it.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly log: () => string;
}

function launch(binary: string, port: number, storeDir: string): Running {
  const child = spawn(binary, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(child);
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, log: () => log };
}

async function halt({ child, exited }: Running): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  running.delete(child);
}

async function waitReady(server: Running, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(`nats-server exited with code ${server.child.exitCode}:\n${server.log()}`);
    }
    try {
      const nc = await connect({ servers: url, timeout: 500, reconnect: false });
      await nc.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `nats-server did not accept connections within ${timeoutMs} ms: ${String(error)}\n${server.log()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Starts `nats-server -js -a 127.0.0.1 -p <free port> -sd <tmpdir>` and resolves once a client
 * can connect (retrying for up to `timeoutMs`).
 *
 * @example
 * ```ts
 * let nats: NatsServer;
 * before(async () => { nats = await startNatsServer(); });
 * after(async () => { await nats.stop(); });
 * ```
 */
export async function startNatsServer({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<NatsServer> {
  const binary = findBinary();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), "nats-js-"));
  const url = `nats://127.0.0.1:${port}`;
  let server = launch(binary, port, storeDir);
  const stop = async (): Promise<void> => {
    await halt(server);
    rmSync(storeDir, { recursive: true, force: true });
  };
  try {
    await waitReady(server, url, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    stop,
    restart: async () => {
      await halt(server);
      server = launch(binary, port, storeDir);
      await waitReady(server, url, timeoutMs);
    },
  };
}
