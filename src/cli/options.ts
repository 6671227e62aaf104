// Option definitions shared by several commands. Only commander here: command definitions are
// loaded for every run, `--help` included, so nothing heavy may sit beside them.
import type { Command } from "commander";
import type { GovernanceClients } from "../chain/governance/actions.ts";

/** The command-line options that say how to verify a signed view set. */
/** Environment variable holding the signer's private key (never a flag: flags end up in shell history). */
export const PRIVATE_KEY_ENV = "PORTFOLIO_PRIVATE_KEY";

/** How `portfolio gov` reaches the chain and prints; tests swap in an in-process provider. */
export interface GovDependencies {
  /** Clients for `rpc`; with `wallet`, the wallet client signs with the key from {@link PRIVATE_KEY_ENV}. */
  readonly connect: (rpc: string | undefined, options: { wallet: boolean }) => GovernanceClients;
  readonly write: (text: string) => void;
}

/** Environment variable holding a hex private key for `views sign`. */
export const VIEW_KEY_ENV = "PORTFOLIO_VIEW_KEY";
/** Environment variable holding the password of `--keystore`. */
export const KEYSTORE_PASSWORD_ENV = "PORTFOLIO_KEYSTORE_PASSWORD";

export interface ViewVerificationOptions {
  readonly chainId?: string;
  readonly registry?: string;
  readonly signers?: string;
  readonly rpc?: string;
  readonly nonceStore?: string;
  readonly now?: string;
}

/**
 * Adds the view-verification options to a command (`views verify`, `optimize`).
 *
 * @example
 * ```ts
 * addViewVerificationOptions(new Command("verify"), { required: true });
 * ```
 */
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

/**
 * Appends an "Examples:" section to a command's `--help`.
 *
 * @example
 * ```ts
 * withExamples(cmd, ["portfolio optimize --in problem.json --table"]);
 * ```
 */
export function withExamples(command: Command, examples: readonly string[], note?: string): Command {
  const lines = examples.map((e) => `  $ ${e}`).join("\n");
  return command.addHelpText("after", `${note === undefined ? "" : `\n${note}\n`}\nExamples:\n${lines}`);
}
