// The one place the CLI turns "the --rpc URL does not answer" and "it serves another chain" into
// bad input. Every command that reads a chain connects through here before it reads anything, so
// a dead endpoint is one line naming the URL, not viem's multi-line dump from the first read.
import type { PublicClient } from "viem";
import { createReadClient } from "../chain/client.ts";
import { InputError } from "../errors.ts";

/** How long the probe waits for `eth_chainId` before calling the endpoint unreachable. */
export const RPC_PROBE_TIMEOUT_MS = 5_000;

/** The innermost cause's text: `connect ECONNREFUSED 127.0.0.1:8699` rather than viem's summary. */
function rootCause(error: unknown): string {
  let e: unknown = error;
  let text = "";
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    if (e instanceof Error) {
      const short = (e as Error & { shortMessage?: unknown }).shortMessage;
      const code = (e as Error & { code?: unknown }).code;
      text = typeof short === "string" ? short : (e.message.split("\n")[0] ?? "");
      if (typeof code === "string" && !text.includes(code)) text = `${text} (${code})`;
      e = e.cause;
    } else {
      text = String(e);
      break;
    }
  }
  return text.trim();
}

/**
 * The chain id `client` serves, asked once with a short timeout.
 *
 * @throws {InputError} `RPC_UNREACHABLE` naming the URL (field `--rpc`) when the endpoint does not
 *   answer `eth_chainId`: nothing listening, a timeout, or something that is not a JSON-RPC node.
 * @example
 * ```ts
 * const chainId = await probeRpc(client, "http://127.0.0.1:8545");
 * ```
 */
export async function probeRpc(
  client: Pick<PublicClient, "getChainId">,
  url: string,
  { field = "--rpc", timeoutMs = RPC_PROBE_TIMEOUT_MS }: { field?: string; timeoutMs?: number } = {},
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([client.getChainId(), timeout]);
  } catch (cause) {
    throw new InputError("RPC_UNREACHABLE", `cannot reach the JSON-RPC endpoint ${url}: ${rootCause(cause)}`, field, {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A read client for `url` that is known to answer, and the chain it serves.
 *
 * @throws {InputError} `RPC_URL_INVALID` for a malformed URL, `RPC_UNREACHABLE` (see {@link probeRpc}).
 * @example
 * ```ts
 * const { client, chainId } = await connectRpc(opts.rpc);
 * ```
 */
export async function connectRpc(url: string): Promise<{ client: PublicClient; chainId: number }> {
  const client = createReadClient(url);
  return { client, chainId: await probeRpc(client, url) };
}

/**
 * Refuses a deployment file written for another chain than the one the endpoint serves.
 *
 * @throws {InputError} `WRONG_CHAIN` naming the file.
 * @example
 * ```ts
 * assertChain(deployment.chainId, chainId, "deployments/localhost.json", "--deployment");
 * ```
 */
export function assertChain(expected: number | undefined, actual: number, source: string, field: string): void {
  if (expected !== undefined && expected !== actual) {
    throw new InputError("WRONG_CHAIN", `${source} is for chain ${expected}, the RPC serves chain ${actual}`, field);
  }
}
