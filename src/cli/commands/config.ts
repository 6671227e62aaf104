import { Command } from "commander";
import { CONFIG_ENV, CONFIG_FILE_NAME } from "../config.ts";
import { withExamples } from "../options.ts";

/**
 * `portfolio config show`: the `--rpc`, `--deployment` and `--bus` every command would use here,
 * and where each comes from (flag, environment, config file, default).
 *
 * @example
 * ```ts
 * program.addCommand(configCommand());
 * ```
 */
export function configCommand(): Command {
  const config = new Command("config").description(
    `operator settings shared by every command: ${CONFIG_FILE_NAME}, --config or ${CONFIG_ENV}, and environment variables`,
  );
  const show = config
    .command("show")
    .description("print the resolved --rpc, --deployment and --bus, and where each value comes from")
    .option("--rpc <url>", "JSON-RPC endpoint")
    .option("--deployment <file>", "deployment file (deployments/<network>.json)")
    .option("--bus <url>", "message bus (nats://host:port)")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { configShow } = await import("../actions/config.ts");
      configShow(command, { json: opts.json === true });
    });
  withExamples(
    show,
    [
      "portfolio config show",
      "portfolio config show --json",
      "portfolio config show --config ops/portfolio.config.json --rpc http://127.0.0.1:8545",
    ],
    `Precedence: flag > environment > config file > default. The config file is --config, else ${CONFIG_ENV}, else
./${CONFIG_FILE_NAME} if present: a JSON object with any of "rpc", "deployment", "bus"; a relative
"deployment" is relative to the file.`,
  );
  return config;
}
