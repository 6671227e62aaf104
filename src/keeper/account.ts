import type { PrivateKeyAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { InputError } from "../errors.ts";

/** Name of the environment variable that holds the keeper's private key. */
export const KEEPER_KEY_ENV = "PORTFOLIO_KEEPER_KEY";

/**
 * The keeper's signing account from `PORTFOLIO_KEEPER_KEY` (0x-prefixed 32-byte hex). The key is
 * read from the environment only — never a command-line flag, which `ps` and shell history would
 * show — and the error on a malformed key never repeats it.
 *
 * @example
 * ```ts
 * const account = loadKeeperAccount(); // throws InputError naming PORTFOLIO_KEEPER_KEY when unset
 * const sender = createTxSender({ client, account });
 * ```
 */
export function loadKeeperAccount(env: Readonly<Record<string, string | undefined>> = process.env): PrivateKeyAccount {
  const raw = env[KEEPER_KEY_ENV]?.trim();
  if (raw === undefined || raw === "") {
    throw new InputError(
      "KEEPER_KEY_MISSING",
      "set it to the keeper's private key (0x + 64 hex digits)",
      KEEPER_KEY_ENV,
    );
  }
  const key = raw.startsWith("0x") ? raw : `0x${raw}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new InputError(
      "KEEPER_KEY_INVALID",
      `expected 0x + 64 hex digits (got ${key.length - 2} characters)`,
      KEEPER_KEY_ENV,
    );
  }
  try {
    return privateKeyToAccount(key as `0x${string}`);
  } catch {
    // The cause would quote the key; leave it out.
    throw new InputError("KEEPER_KEY_INVALID", "not a valid secp256k1 private key", KEEPER_KEY_ENV);
  }
}
