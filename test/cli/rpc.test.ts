import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { assertChain, connectRpc, probeRpc } from "../../src/cli/rpc.ts";
import { createReadClient } from "../../src/chain/client.ts";
import { InputError } from "../../src/errors.ts";

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A loopback URL on which nothing listens. */
async function closedUrl(): Promise<string> {
  const { url, server } = await listen(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  throw new Error("did not throw");
}

describe("cli: rpc", function () {
  this.timeout(20_000);

  it("answers the chain id of a JSON-RPC endpoint", async () => {
    const { url, server } = await listen((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const { id } = JSON.parse(body) as { id: number };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x7a69" }));
      });
    });
    try {
      expect((await connectRpc(url)).chainId).to.equal(31337);
    } finally {
      server.close();
    }
  });

  it("nothing listening is RPC_UNREACHABLE naming the URL and the cause, field --rpc", async () => {
    const url = await closedUrl();
    const e = await rejection(connectRpc(url));
    expect([e.code, e.path, e.kind]).to.deep.equal(["RPC_UNREACHABLE", "--rpc", "bad-input"]);
    expect(e.message).to.contain(`cannot reach the JSON-RPC endpoint ${url}`);
    expect(e.message).to.contain("ECONNREFUSED");
    expect(e.message).to.not.contain("Version: viem");
  });

  it("an HTTP server that is not a JSON-RPC node, or one that never answers, is RPC_UNREACHABLE", async () => {
    const notRpc = await listen((_req, res) => {
      res.statusCode = 404;
      res.end("not found");
    });
    const silent = await listen(() => undefined);
    try {
      expect((await rejection(connectRpc(notRpc.url))).code).to.equal("RPC_UNREACHABLE");
      const timeout = await rejection(probeRpc(createReadClient(silent.url), silent.url, { timeoutMs: 300 }));
      expect(timeout.code).to.equal("RPC_UNREACHABLE");
      expect(timeout.message).to.contain("no answer within 300 ms");
    } finally {
      notRpc.server.close();
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it("a deployment for another chain is WRONG_CHAIN naming the file; a file without a chain id passes", () => {
    expect(() => assertChain(1, 31337, "d.json", "--deployment")).to.throw(
      InputError,
      "--deployment: d.json is for chain 1, the RPC serves chain 31337",
    );
    expect(() => assertChain(31337, 31337, "d.json", "--deployment")).to.not.throw();
    expect(() => assertChain(undefined, 31337, "d.json", "--deployment")).to.not.throw();
  });
});
