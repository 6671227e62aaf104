import { getAddress, isAddress, type Address } from "viem";
import { InputError } from "../errors.ts";
import { readJsonFile } from "../jsonFile.ts";
import { FileNonceStore, MemoryNonceStore } from "../views/nonceStore.ts";
import { AllowlistSignerAuthority, RegistrySignerAuthority, type SignerAuthority } from "../views/signerAuthority.ts";
import { parseSignedViewSetFile } from "../views/signedViewSet.ts";
import { verifyViews, type VerifyViewsReturnType } from "../views/verifyViews.ts";
import type { ViewVerificationOptions } from "./options.ts";
import { connectRpc } from "./rpc.ts";
import { checkAll } from "./validate.ts";

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
  const [chainId, registry, signers, now, file] = checkAll(
    () => parseChainIdOption(opts.chainId),
    () => {
      if (opts.registry === undefined)
        throw new InputError("FIELD_MISSING", "the ModelRegistry address is required", "--registry");
      return parseAddressOption(opts.registry, "--registry");
    },
    () => {
      if (opts.signers === undefined) {
        if (opts.rpc === undefined)
          throw new InputError("VIEW_AUTHORITY_MISSING", "pass --signers or --rpc", "--signers");
        return undefined;
      }
      return opts.signers.split(",").map((s, i) => parseAddressOption(s.trim(), `--signers[${i}]`));
    },
    () => {
      if (opts.now !== undefined && !/^\d+$/.test(opts.now)) {
        throw new InputError("TIME_INVALID", `expected unix seconds, got "${opts.now}"`, "--now");
      }
      return opts.now === undefined ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(opts.now);
    },
    () => parseSignedViewSetFile(readJsonOption(path, "--in"), "--in"),
  );
  const client = opts.rpc === undefined ? undefined : (await connectRpc(opts.rpc)).client;
  let authority: SignerAuthority;
  if (signers !== undefined) authority = new AllowlistSignerAuthority(signers);
  else if (client !== undefined) authority = new RegistrySignerAuthority(client, registry);
  else throw new InputError("VIEW_AUTHORITY_MISSING", "pass --signers or --rpc", "--signers");
  const nonces = opts.nonceStore === undefined ? new MemoryNonceStore() : new FileNonceStore(opts.nonceStore);
  return verifyViews(file, { chainId, registry, now, authority, nonces, erc1271: client, commit: false });
}
