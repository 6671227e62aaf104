import { Command } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { createReadClient } from "../chain/client.ts";
import { InputError } from "../errors.ts";
import { readJsonFile } from "../jsonFile.ts";
import { FileNonceStore, MemoryNonceStore } from "../views/nonceStore.ts";
import { AllowlistSignerAuthority, RegistrySignerAuthority, type SignerAuthority } from "../views/signerAuthority.ts";
import { parseSignedViewSetFile } from "../views/signedViewSet.ts";
import { verifyViews, type VerifyViewsReturnType } from "../views/verifyViews.ts";

/** The command-line options that say how to verify a signed view set. */
export interface ViewVerificationOptions {
  readonly chainId?: string;
  readonly registry?: string;
  readonly signers?: string;
  readonly rpc?: string;
  readonly nonceStore?: string;
  readonly now?: string;
}

/** Adds the view-verification options to a command (`views verify`, `optimize`). */
export function addViewVerificationOptions(command: Command, { required }: { required: boolean }): Command {
  const option = required ? command.requiredOption.bind(command) : command.option.bind(command);
  option("--chain-id <n>", "expected chain id of the views' EIP-712 domain");
  option("--registry <address>", "expected ModelRegistry address (the domain's verifying contract)");
  return command
    .option("--signers <addresses>", "comma-separated allowlist of view signers (instead of the registry)")
    .option("--rpc <url>", "JSON-RPC endpoint: reads isViewSigner from the registry and checks ERC-1271 signers")
    .option("--nonce-store <file>", "check nonces and version against this keeper store (read only)")
    .option("--now <unix>", "verification time in unix seconds (default: now)");
}

/** Checks an address given on the command line. */
export function parseAddressOption(value: string, field: string): Address {
  if (!isAddress(value, { strict: false })) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}

/** Checks a chain id given on the command line. */
export function parseChainIdOption(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new InputError("CHAIN_ID_INVALID", `expected a positive integer, got "${String(value)}"`, "--chain-id");
  }
  return Number(value);
}

/** Reads and parses a JSON file named on the command line; errors name the option. */
export function readJsonOption(path: string, field: string): unknown {
  return readJsonFile(path, { field });
}

/**
 * Verifies a signed view-set file as the options say (read only: nonces are not committed). Every
 * check of src/views/verifyViews.ts runs; rejected views are reported, never used.
 *
 * @example
 * ```ts
 * const result = await verifySignedViewFile("signed.json", { chainId: "1", registry: "0x…", signers: "0x…" });
 * ```
 */
export async function verifySignedViewFile(
  path: string,
  opts: ViewVerificationOptions,
): Promise<VerifyViewsReturnType> {
  const chainId = parseChainIdOption(opts.chainId);
  if (opts.registry === undefined)
    throw new InputError("FIELD_MISSING", "the ModelRegistry address is required", "--registry");
  const registry = parseAddressOption(opts.registry, "--registry");
  const client = opts.rpc === undefined ? undefined : createReadClient(opts.rpc);
  let authority: SignerAuthority;
  if (opts.signers !== undefined) {
    const list = opts.signers.split(",").map((s, i) => parseAddressOption(s.trim(), `--signers[${i}]`));
    authority = new AllowlistSignerAuthority(list);
  } else if (client !== undefined) {
    authority = new RegistrySignerAuthority(client, registry);
  } else {
    throw new InputError("VIEW_AUTHORITY_MISSING", "pass --signers or --rpc", "--signers");
  }
  if (opts.now !== undefined && !/^\d+$/.test(opts.now)) {
    throw new InputError("TIME_INVALID", `expected unix seconds, got "${opts.now}"`, "--now");
  }
  const now = opts.now === undefined ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(opts.now);
  const file = parseSignedViewSetFile(readJsonOption(path, "--in"), "--in");
  const nonces = opts.nonceStore === undefined ? new MemoryNonceStore() : new FileNonceStore(opts.nonceStore);
  return verifyViews(file, { chainId, registry, now, authority, nonces, erc1271: client, commit: false });
}
