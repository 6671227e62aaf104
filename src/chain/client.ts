import { createPublicClient, http, type PublicClient } from "viem";
import { InputError } from "../errors.ts";

/**
 * A read-only viem client for a JSON-RPC endpoint.
 *
 * @example
 * ```ts
 * const client = createReadClient("http://127.0.0.1:8545");
 * const block = await client.getBlockNumber();
 * ```
 */
export function createReadClient(rpcUrl: string): PublicClient {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch (cause) {
    throw new InputError("RPC_URL_INVALID", `not a URL: ${rpcUrl}`, "--rpc", { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError("RPC_URL_INVALID", `expected an http(s) URL, got ${url.protocol}`, "--rpc");
  }
  return createPublicClient({ transport: http(rpcUrl, { retryCount: 2 }) });
}
