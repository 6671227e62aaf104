// Starts a real `hardhat node` JSON-RPC server as a child process for keeper tests that need a
// node they can stop, restart and put under mempool pressure. One node per test file.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createPublicClient, defineChain, http, type Abi, type Chain, type Hex } from "viem";

/** Hardhat's default chain id. */
export const HARDHAT_CHAIN_ID = 31337;

/** The first default account of every Hardhat node (publicly known test key, mnemonic "test test … junk"). */
export const HARDHAT_ACCOUNT_0_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** A running node; `stop()` is idempotent and `start()` brings it back on the same port (fresh chain). */
export interface HardhatNode {
  readonly url: string;
  readonly port: number;
  readonly chain: Chain;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Freezes the node (SIGSTOP): connections open but nothing answers, as with a hung RPC. */
  pause(): void;
  /** Thaws a paused node (SIGCONT); requests sent meanwhile are then answered. */
  resume(): void;
  /** Raw JSON-RPC call, for `evm_*` / `hardhat_*` methods viem does not wrap. */
  rpc<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
}

/** A TCP port the OS reports free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates a handle for a `hardhat node` on a free port; `start: false` leaves it stopped so a test
 * can begin with the RPC down.
 */
export async function hardhatNode({ start = true }: { start?: boolean } = {}): Promise<HardhatNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const chain = defineChain({
    id: HARDHAT_CHAIN_ID,
    name: "hardhat-node",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  let child: ChildProcess | undefined;
  let output = "";

  const probe = createPublicClient({ chain, transport: http(url, { retryCount: 0, timeout: 1_000 }) });

  async function rpc<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }

  async function startNode(): Promise<void> {
    if (child !== undefined) return;
    output = "";
    const proc = spawn("npx", ["hardhat", "node", "--port", String(port)], {
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so stop() ends npx and the node it started together.
      detached: true,
    });
    child = proc;
    // Even if mocha dies before `after` runs, the node must not outlive the test process.
    const killOnExit = (): void => {
      try {
        if (proc.pid !== undefined && proc.exitCode === null) process.kill(-proc.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    process.once("exit", killOnExit);
    proc.once("exit", () => process.removeListener("exit", killOnExit));
    proc.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`hardhat node exited (${proc.exitCode}):\n${output}`);
      try {
        if ((await probe.getChainId()) === HARDHAT_CHAIN_ID) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await stopNode();
        throw new Error(`hardhat node did not answer eth_chainId within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async function stopNode(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.pid === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 3_000);
    await exited;
    clearTimeout(timer);
    // The listening socket can outlive the npx wrapper by a moment.
    for (let i = 0; i < 40; i++) {
      try {
        await probe.getChainId();
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function signal(sig: NodeJS.Signals): void {
    if (child?.pid === undefined) throw new Error("hardhat node is not running");
    process.kill(-child.pid, sig);
  }

  const node: HardhatNode = {
    url,
    port,
    chain,
    start: startNode,
    stop: async () => {
      if (child?.pid !== undefined) signal("SIGCONT");
      await stopNode();
    },
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    rpc,
  };
  if (start) await startNode();
  return node;
}

/** ABI and creation bytecode of a compiled contract under artifacts/ (run `npx hardhat build` first). */
/** Where a compiled contract expects each external library's address: source → name → byte ranges. */
export type LinkReferences = Record<string, Record<string, { start: number; length: number }[]>>;

export function readArtifact(path: string): { abi: Abi; bytecode: Hex; linkReferences: LinkReferences } {
  let text: string;
  try {
    text = readFileSync(new URL(`../../artifacts/${path}`, import.meta.url), "utf8");
  } catch (cause) {
    throw new Error(`artifact ${path} not found: run \`npx hardhat build\` first`, { cause });
  }
  const artifact = JSON.parse(text) as { abi: Abi; bytecode: Hex; linkReferences?: LinkReferences };
  return { abi: artifact.abi, bytecode: artifact.bytecode, linkReferences: artifact.linkReferences ?? {} };
}
