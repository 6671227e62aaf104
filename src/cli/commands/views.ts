import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { isHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { InputError, RejectedError } from "../../errors.ts";
import { decryptKeystore } from "../../views/keystore.ts";
import { signViewSet, viewSetRequestToInvestorViews } from "../../views/signedViewSet.ts";
import { investorViewDomain } from "../../views/typedData.ts";
import {
  addViewVerificationOptions,
  parseAddressOption,
  parseChainIdOption,
  readJsonOption,
  verifySignedViewFile,
  type ViewVerificationOptions,
} from "../signedViews.ts";

/** Environment variable holding a hex private key for `views sign`. */
export const VIEW_KEY_ENV = "PORTFOLIO_VIEW_KEY";
/** Environment variable holding the password of `--keystore`. */
export const KEYSTORE_PASSWORD_ENV = "PORTFOLIO_KEYSTORE_PASSWORD";

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
        chainId: parseChainIdOption(opts.chainId),
        registry: parseAddressOption(opts.registry, "--registry"),
      });
      const request = readJsonOption(opts.in, "--in");
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
  addViewVerificationOptions(
    views
      .command("verify")
      .description("verify a signed view set; prints accepted and rejected views with codes, exit 3 if any is rejected")
      .requiredOption("--in <file>", "signed view-set JSON"),
    { required: true },
  )
    .option("--json", "print the report as JSON")
    .action(async (opts: ViewVerificationOptions & { in: string; json?: boolean }) => {
      const result = await verifySignedViewFile(opts.in, opts);
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
        for (const r of result.rejections) process.stdout.write(`view ${r.index}  REJECTED  ${r.code}  ${r.message}\n`);
        process.stdout.write(`commitment of accepted views: ${result.commitment}\n`);
      }
      if (result.rejections.length > 0) {
        const codes = [...new Set(result.rejections.map((r) => r.code))].join(", ");
        throw new RejectedError("VIEWS_REJECTED", `${result.rejections.length} view(s) rejected (${codes})`);
      }
    });
  return views;
}
