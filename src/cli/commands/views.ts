import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createReadClient } from "../../chain/client.ts";
import { InputError, RejectedError } from "../../errors.ts";
import { decryptKeystore } from "../../views/keystore.ts";
import { FileNonceStore, MemoryNonceStore } from "../../views/nonceStore.ts";
import {
  AllowlistSignerAuthority,
  RegistrySignerAuthority,
  type SignerAuthority,
} from "../../views/signerAuthority.ts";
import { parseSignedViewSetFile, signViewSet, viewSetRequestToInvestorViews } from "../../views/signedViewSet.ts";
import { investorViewDomain } from "../../views/typedData.ts";
import { verifyViews } from "../../views/verifyViews.ts";

/** Environment variable holding a hex private key for `views sign`. */
export const VIEW_KEY_ENV = "PORTFOLIO_VIEW_KEY";
/** Environment variable holding the password of `--keystore`. */
export const KEYSTORE_PASSWORD_ENV = "PORTFOLIO_KEYSTORE_PASSWORD";

function parseAddress(value: string, field: string): Address {
  if (!isAddress(value, { strict: false })) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}

function parseChainId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new InputError("CHAIN_ID_INVALID", `expected a positive integer, got "${value}"`, "--chain-id");
  }
  return Number(value);
}

function readJson(path: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError("FILE_UNREADABLE", `cannot read ${path}`, field, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InputError("JSON_MALFORMED", `${path} is not valid JSON`, field, { cause });
  }
}

function loadKey(keystore: string | undefined): Hex {
  if (keystore !== undefined) {
    const password = process.env[KEYSTORE_PASSWORD_ENV];
    if (password === undefined) {
      throw new InputError(
        "KEYSTORE_PASSWORD_MISSING",
        `set ${KEYSTORE_PASSWORD_ENV} to decrypt the keystore`,
        "--keystore",
      );
    }
    let text: string;
    try {
      text = readFileSync(keystore, "utf8");
    } catch (cause) {
      throw new InputError("FILE_UNREADABLE", `cannot read ${keystore}`, "--keystore", { cause });
    }
    return decryptKeystore(text, password);
  }
  const key = process.env[VIEW_KEY_ENV];
  if (key === undefined)
    throw new InputError("VIEW_KEY_MISSING", `set ${VIEW_KEY_ENV} or pass --keystore`, VIEW_KEY_ENV);
  const prefixed = (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (!isHex(prefixed) || prefixed.length !== 66) {
    throw new InputError("VIEW_KEY_INVALID", "must be a 32-byte hex private key", VIEW_KEY_ENV);
  }
  return prefixed;
}

const json = (value: unknown): string =>
  `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;

/** `portfolio views …`: sign and verify EIP-712 investor views (docs/eip712.md). */
export function viewsCommand(): Command {
  const views = new Command("views").description("sign and verify EIP-712 Black-Litterman investor views");
  views
    .command("sign")
    .description(
      `sign a view-set request; the key comes from ${VIEW_KEY_ENV} or --keystore (password in ${KEYSTORE_PASSWORD_ENV})`,
    )
    .requiredOption("--in <file>", "view-set request JSON (docs/examples/signed-views/view.json)")
    .requiredOption("--chain-id <n>", "chain id of the EIP-712 domain")
    .requiredOption("--registry <address>", "ModelRegistry address (the domain's verifying contract)")
    .option("--keystore <file>", "encrypted v3 keystore file instead of the environment key")
    .option("--out <file>", "write the signed view set here instead of stdout")
    .action(async (opts: { in: string; chainId: string; registry: string; keystore?: string; out?: string }) => {
      const domain = investorViewDomain({
        chainId: parseChainId(opts.chainId),
        registry: parseAddress(opts.registry, "--registry"),
      });
      const request = readJson(opts.in, "--in");
      const account = privateKeyToAccount(loadKey(opts.keystore));
      const signed = await signViewSet(account, domain, viewSetRequestToInvestorViews(request, account.address));
      if (opts.out === undefined) {
        process.stdout.write(json(signed));
      } else {
        writeFileSync(opts.out, json(signed));
        process.stdout.write(
          `signed ${signed.views.length} view(s) as ${account.address}; commitment ${signed.commitment}\n`,
        );
      }
    });
  views
    .command("verify")
    .description("verify a signed view set; prints accepted and rejected views with codes, exit 3 if any is rejected")
    .requiredOption("--in <file>", "signed view-set JSON")
    .requiredOption("--chain-id <n>", "expected chain id")
    .requiredOption("--registry <address>", "expected ModelRegistry address")
    .option("--signers <addresses>", "comma-separated allowlist of view signers (instead of the registry)")
    .option("--rpc <url>", "JSON-RPC endpoint: reads isViewSigner from the registry and checks ERC-1271 signers")
    .option("--nonce-store <file>", "check nonces and version against this keeper store (read only)")
    .option("--now <unix>", "verification time in unix seconds (default: now)")
    .option("--json", "print the report as JSON")
    .action(
      async (opts: {
        in: string;
        chainId: string;
        registry: string;
        signers?: string;
        rpc?: string;
        nonceStore?: string;
        now?: string;
        json?: boolean;
      }) => {
        const chainId = parseChainId(opts.chainId);
        const registry = parseAddress(opts.registry, "--registry");
        const client = opts.rpc === undefined ? undefined : createReadClient(opts.rpc);
        let authority: SignerAuthority;
        if (opts.signers !== undefined) {
          const list = opts.signers.split(",").map((s, i) => parseAddress(s.trim(), `--signers[${i}]`));
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
        const file = parseSignedViewSetFile(readJson(opts.in, "--in"), "--in");
        const nonces = opts.nonceStore === undefined ? new MemoryNonceStore() : new FileNonceStore(opts.nonceStore);
        const result = await verifyViews(file, {
          chainId,
          registry,
          now,
          authority,
          nonces,
          erc1271: client,
          commit: false,
        });
        if (opts.json) {
          process.stdout.write(
            json({
              accepted: result.accepted.map((a) => ({ index: a.index, signer: a.view.signer, digest: a.digest })),
              rejections: result.rejections,
              commitment: result.commitment,
            }),
          );
        } else {
          for (const a of result.accepted)
            process.stdout.write(`view ${a.index}  accepted  ${a.view.signer}  ${a.digest}\n`);
          for (const r of result.rejections)
            process.stdout.write(`view ${r.index}  REJECTED  ${r.code}  ${r.message}\n`);
          process.stdout.write(`commitment of accepted views: ${result.commitment}\n`);
        }
        if (result.rejections.length > 0) {
          const codes = [...new Set(result.rejections.map((r) => r.code))].join(", ");
          throw new RejectedError("VIEWS_REJECTED", `${result.rejections.length} view(s) rejected (${codes})`);
        }
      },
    );
  return views;
}
