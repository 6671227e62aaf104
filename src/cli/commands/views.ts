import { Command } from "commander";
import { KEYSTORE_PASSWORD_ENV, VIEW_KEY_ENV, addViewVerificationOptions, withExamples } from "../options.ts";
import type { ViewsSignOptions, ViewsVerifyOptions } from "../actions/views.ts";

/**
 * `portfolio views …`: sign and verify EIP-712 investor views (docs/eip712.md).
 *
 * @example
 * ```ts
 * program.addCommand(viewsCommand());
 * ```
 */
export function viewsCommand(): Command {
  const views = new Command("views").description("sign and verify EIP-712 Black-Litterman investor views");
  const sign = views
    .command("sign")
    .description(
      `sign a view-set request; the key comes from ${VIEW_KEY_ENV} or --keystore (password in ${KEYSTORE_PASSWORD_ENV})`,
    )
    .requiredOption("--in <file>", "view-set request JSON (docs/examples/signed-views/view.json)")
    .requiredOption("--chain-id <n>", "chain id of the EIP-712 domain")
    .requiredOption("--registry <address>", "ModelRegistry address (the domain's verifying contract)")
    .option("--keystore <file>", "encrypted v3 keystore file instead of the environment key")
    .option("--out <file>", "write the signed view set here instead of stdout")
    .action(async (opts: ViewsSignOptions) => {
      const { signViews } = await import("../actions/views.ts");
      await signViews(opts);
    });
  withExamples(sign, [
    `${VIEW_KEY_ENV}=0x… portfolio views sign --in docs/examples/signed-views/view.json --chain-id 31337 --registry 0x… --out signed.json`,
    `${KEYSTORE_PASSWORD_ENV}=… portfolio views sign --in view.json --chain-id 1 --registry 0x… --keystore key.json`,
  ]);
  const verify = addViewVerificationOptions(
    views
      .command("verify")
      .description("verify a signed view set; prints accepted and rejected views with codes, exit 3 if any is rejected")
      .requiredOption("--in <file>", "signed view-set JSON"),
    { required: true },
  )
    .option("--json", "print the report as JSON")
    .action(async (opts: ViewsVerifyOptions) => {
      const { verifyViewsFile } = await import("../actions/views.ts");
      await verifyViewsFile(opts);
    });
  withExamples(verify, [
    "portfolio views verify --in docs/examples/signed-views/signed.json --chain-id 31337 --registry 0x… --signers 0x…",
    "portfolio views verify --in signed.json --chain-id 31337 --registry 0x… --rpc http://127.0.0.1:8545 --json",
  ]);
  return views;
}
