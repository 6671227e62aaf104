// `portfolio views sign|verify`: loaded only when the command runs.
import { readFileSync } from "node:fs";
import { isHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { InputError, RejectedError } from "../../errors.ts";
import { decryptKeystore } from "../../views/keystore.ts";
import { signViewSet, viewSetRequestToInvestorViews } from "../../views/signedViewSet.ts";
import { investorViewDomain } from "../../views/typedData.ts";
import { writeOutputFile } from "../output.ts";
import type { ViewVerificationOptions } from "../options.ts";
import { parseAddressOption, parseChainIdOption, readJsonOption, verifySignedViewFile } from "../signedViews.ts";

import { KEYSTORE_PASSWORD_ENV, VIEW_KEY_ENV } from "../options.ts";

/** The options of `portfolio views sign`. */
export interface ViewsSignOptions {
  readonly in: string;
  readonly chainId: string;
  readonly registry: string;
  readonly keystore?: string;
  readonly out?: string;
}

/** The options of `portfolio views verify`. */
export interface ViewsVerifyOptions extends ViewVerificationOptions {
  readonly in: string;
  readonly json?: boolean;
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

/**
 * Runs `portfolio views sign`: signs a view-set request as EIP-712 typed data.
 *
 * @example
 * ```ts
 * await signViews({ in: "view.json", chainId: "31337", registry: "0x…", out: "signed.json" });
 * ```
 */
export async function signViews(opts: ViewsSignOptions): Promise<void> {
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
    writeOutputFile(opts.out, json(signed), "--out");
    process.stdout.write(
      `signed ${signed.views.length} view(s) as ${account.address}; commitment ${signed.commitment}\n`,
    );
  }
}

/**
 * Runs `portfolio views verify`: prints accepted and rejected views; any rejection exits 3.
 *
 * @example
 * ```ts
 * await verifyViewsFile({ in: "signed.json", chainId: "31337", registry: "0x…", signers: "0x…" });
 * ```
 */
export async function verifyViewsFile(opts: ViewsVerifyOptions): Promise<void> {
  const result = await verifySignedViewFile(opts.in, opts);
  if (opts.json === true) {
    process.stdout.write(
      json({
        accepted: result.accepted.map((a) => ({ index: a.index, signer: a.view.signer, digest: a.digest })),
        rejections: result.rejections,
        commitment: result.commitment,
      }),
    );
  } else {
    for (const a of result.accepted) process.stdout.write(`view ${a.index}  accepted  ${a.view.signer}  ${a.digest}\n`);
    for (const r of result.rejections) process.stdout.write(`view ${r.index}  REJECTED  ${r.code}  ${r.message}\n`);
    process.stdout.write(`commitment of accepted views: ${result.commitment}\n`);
  }
  if (result.rejections.length > 0) {
    const codes = [...new Set(result.rejections.map((r) => r.code))].join(", ");
    throw new RejectedError("VIEWS_REJECTED", `${result.rejections.length} view(s) rejected (${codes})`);
  }
}
