import Table from "cli-table3";
import type { Command } from "commander";
import { CONFIG_SETTINGS, chooseConfigFile, type ConfigKey } from "../config.ts";
import { tableStyle, useColour } from "../output.ts";

/** Where a resolved setting comes from. */
export type SettingSource = "flag" | "env" | "config" | "default" | "unset";

/** One resolved setting of `portfolio config show`. */
export interface ResolvedSetting {
  readonly key: ConfigKey;
  readonly flag: string;
  readonly value: string | null;
  readonly source: SettingSource;
  /** The environment variable or config file it came from, when it did. */
  readonly origin: string | null;
}

/** What `portfolio config show --json` prints. */
export interface ConfigReport {
  /** The config file that applies, or null. */
  readonly configFile: string | null;
  /** `--config`, `PORTFOLIO_CONFIG`, `./portfolio.config.json` or `none`. */
  readonly configFileFrom: string;
  readonly settings: readonly ResolvedSetting[];
}

const SOURCES: Readonly<Record<string, SettingSource>> = {
  cli: "flag",
  env: "env",
  config: "config",
  default: "default",
};

/**
 * The settings as `command` (the parsed `config show`) resolved them: the same resolution every
 * other command gets from main.ts, read back with the source commander recorded for each.
 *
 * @example
 * ```ts
 * configReport(showCommand, process.cwd()).settings[0]; // { key: "rpc", value: "http://…", source: "env", origin: "PORTFOLIO_RPC" }
 * ```
 */
export function configReport(command: Command, cwd: string): ConfigReport {
  const root = command.parent?.parent ?? command;
  const flag: unknown = root.opts()["config"];
  const file = chooseConfigFile(typeof flag === "string" ? flag : undefined, process.env, cwd);
  const settings = (Object.keys(CONFIG_SETTINGS) as ConfigKey[]).map((key): ResolvedSetting => {
    const value: unknown = command.getOptionValue(key);
    const raw = command.getOptionValueSource(key);
    const source: SettingSource = typeof value === "string" ? (SOURCES[raw ?? ""] ?? "flag") : "unset";
    const origin = source === "env" ? CONFIG_SETTINGS[key].env : source === "config" ? (file.path ?? null) : null;
    return { key, flag: CONFIG_SETTINGS[key].flag, value: typeof value === "string" ? value : null, source, origin };
  });
  return { configFile: file.path ?? null, configFileFrom: file.from, settings };
}

/**
 * `portfolio config show`: prints {@link configReport} as a table, or JSON with `json`.
 *
 * @example
 * ```ts
 * configShow(showCommand, { json: true });
 * ```
 */
export function configShow(command: Command, { json }: { json: boolean }): void {
  const report = configReport(command, process.cwd());
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const colour = useColour(process.stdout);
  const table = new Table({ head: ["setting", "value", "from"], style: tableStyle(colour) });
  for (const s of report.settings) {
    const from = s.origin === null ? s.source : `${s.source} (${s.origin})`;
    table.push([s.flag, s.value ?? "—", from]);
  }
  const file = report.configFile === null ? "none" : `${report.configFile} (${report.configFileFrom})`;
  process.stdout.write(`config file: ${file}\n${table.toString()}\n`);
}
