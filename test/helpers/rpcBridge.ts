import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the bridge forwards to: an EIP-1193 provider, e.g. an in-process Hardhat network's. */
export interface RequestProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/**
 * A JSON-RPC endpoint over HTTP in front of an in-process provider, for a CLI child process or
 * the CLI's own HTTP client; `transform` may rewrite a result (a lying node).
 *
 * @example
 * ```ts
 * const bridge = await rpcBridge(provider);
 * await main(["audit", "verify", "--rpc", bridge.url, "--address", a]);
 * bridge.server.close();
 * ```
 */
export async function rpcBridge(
  provider: RequestProvider,
  transform: (method: string, result: unknown) => unknown = (_m, r) => r,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const call = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
      provider
        .request({ method: call.method, params: call.params ?? [] })
        .then(
          (result) => ({ jsonrpc: "2.0", id: call.id, result: transform(call.method, result) }),
          (error: { code?: number; message?: string; data?: unknown }) => ({
            jsonrpc: "2.0",
            id: call.id,
            error: { code: error.code ?? -32000, message: error.message ?? "error", data: error.data },
          }),
        )
        .then((reply) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(reply));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A loopback URL on which nothing listens (a port just released).
 *
 * @example
 * ```ts
 * const dead = await closedRpcUrl(); // http://127.0.0.1:41234
 * ```
 */
export async function closedRpcUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

/**
 * Runs `main` in-process with stderr captured.
 *
 * @example
 * ```ts
 * const { code, stderr } = await captureStderr(() => main(["gov", "status"]));
 * ```
 */
export async function captureStderr(run: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await run(), stderr };
  } finally {
    process.stderr.write = write;
  }
}
