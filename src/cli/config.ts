// Operator settings that would otherwise be repeated on every command (`--rpc`, `--deployment`,
// `--bus`): read once from a config file or the environment, applied to whichever command declares
// the option. Precedence: flag > environment > config file > the option's default. Only node:fs and
// commander types here: main.ts loads this for every run, `--help` included.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { checkAll } from "./validate.ts";

/** The file looked for in the working directory when neither `--config` nor `PORTFOLIO_CONFIG` names one. */
export const CONFIG_FILE_NAME = "portfolio.config.json";
/** Environment variable naming the config file (instead of `--config`). */
export const CONFIG_ENV = "PORTFOLIO_CONFIG";

/** One setting a config file or the environment may give. */
export interface ConfigSetting {
  /** The command-line flag it stands for. */
  readonly flag: `--${string}`;
  /** The environment variable that gives it. */
  readonly env: string;
  /** Whether a relative value is a path, resolved against the config file's directory. */
  readonly path: boolean;
  /**
   * Flags that, given on the command line, mean this setting from the environment or config file
   * must not apply (explicit contract addresses instead of a deployment file).
   */
  readonly overriddenBy: readonly string[];
}

/** The settings, keyed as in the config file (the option's attribute name). */
export const CONFIG_SETTINGS = {
  rpc: { flag: "--rpc", env: "PORTFOLIO_RPC", path: false, overriddenBy: [] },
  deployment: {
    flag: "--deployment",
    env: "PORTFOLIO_DEPLOYMENT",
    path: true,
    overriddenBy: ["registry", "governor", "timelock", "token"],
  },
  bus: { flag: "--bus", env: "PORTFOLIO_BUS", path: false, overriddenBy: [] },
} as const satisfies Record<string, ConfigSetting>;

/** A key of {@link CONFIG_SETTINGS}. */
export type ConfigKey = keyof typeof CONFIG_SETTINGS;

const KEYS = Object.keys(CONFIG_SETTINGS) as ConfigKey[];

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_SETTINGS, key);
}

/** Which config file applies, and why. */
export interface ConfigFileChoice {
  /** The file's path, or undefined when none applies. */
  readonly path: string | undefined;
  /** `--config`, `PORTFOLIO_CONFIG`, `./portfolio.config.json`, or `none`. */
  readonly from: string;
}

/**
 * The config file a run uses: `--config F`, else `PORTFOLIO_CONFIG`, else `portfolio.config.json`
 * in `cwd` when it exists; `PORTFOLIO_CONFIG` set empty means none. A named file that is missing
 * is an error later, when it is read.
 *
 * @example
 * ```ts
 * chooseConfigFile(undefined, process.env, process.cwd()); // { path: ".../portfolio.config.json", from: "./portfolio.config.json" }
 * ```
 */
export function chooseConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigFileChoice {
  if (flag !== undefined) return { path: resolve(cwd, flag), from: "--config" };
  const named = env[CONFIG_ENV];
  // Set but empty: no config file at all, not even one in the working directory.
  if (named === "") return { path: undefined, from: CONFIG_ENV };
  if (named !== undefined) return { path: resolve(cwd, named), from: CONFIG_ENV };
  const local = resolve(cwd, CONFIG_FILE_NAME);
  return existsSync(local) ? { path: local, from: `./${CONFIG_FILE_NAME}` } : { path: undefined, from: "none" };
}

/** The values a config file gives; paths already resolved against the file's directory. */
export type ConfigValues = Partial<Record<ConfigKey, string>>;

/**
 * Reads and checks a config file: a JSON object whose keys are {@link CONFIG_SETTINGS}' and whose
 * values are non-empty strings. Every problem is reported at once, each named `<file>: <key>`.
 *
 * @throws {InputError} CONFIG_UNREADABLE, CONFIG_MALFORMED, CONFIG_KEY_UNKNOWN or CONFIG_VALUE_INVALID.
 * @example
 * ```ts
 * readConfigFile("/ops/portfolio.config.json"); // { rpc: "http://127.0.0.1:8545", deployment: "/ops/deployments/localhost.json" }
 * ```
 */
export function readConfigFile(path: string): ConfigValues {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    const unreadable = !(cause instanceof SyntaxError);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InputError(
      unreadable ? "CONFIG_UNREADABLE" : "CONFIG_MALFORMED",
      unreadable ? `cannot read the config file: ${reason}` : `not valid JSON: ${reason}`,
      path,
      { cause },
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError("CONFIG_MALFORMED", "expected a JSON object of settings", path);
  }
  const entries = Object.entries(json as Record<string, unknown>);
  const checked = checkAll(
    ...entries.map(([key, value]) => (): [ConfigKey, string] => {
      const field = `${path}: ${key}`;
      if (!isConfigKey(key)) {
        throw new InputError("CONFIG_KEY_UNKNOWN", `unknown setting; the settings are ${KEYS.join(", ")}`, field);
      }
      if (typeof value !== "string" || value === "") {
        throw new InputError(
          "CONFIG_VALUE_INVALID",
          `expected a non-empty string, got ${JSON.stringify(value)}`,
          field,
        );
      }
      const setting: ConfigSetting = CONFIG_SETTINGS[key];
      return [key, setting.path && !isAbsolute(value) ? resolve(dirname(path), value) : value];
    }),
  );
  return Object.fromEntries(checked) as ConfigValues;
}

/** The root command's `--config` value (a program-level option, accepted anywhere on the line). */
function configFlag(command: Command): string | undefined {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const value: unknown = root.opts()["config"];
  return typeof value === "string" ? value : undefined;
}

/** The settings a command declares, by key. */
function declaredSettings(command: Command): ConfigKey[] {
  const names = new Set(command.options.map((o) => o.attributeName()));
  return KEYS.filter((key) => names.has(key));
}

/**
 * Makes every command that declares `--rpc`, `--deployment` or `--bus` take them from the
 * environment and the config file: each parent fills in those values just before a subcommand
 * parses its flags, so a flag still wins and a required option is satisfied by either. `--help`
 * names each option's environment variable. Applied to the whole tree by main.ts; a command needs
 * nothing of its own.
 *
 * @example
 * ```ts
 * applyConfigSettings(program); // after every command is added
 * ```
 */
export function applyConfigSettings(command: Command, cwd: () => string = () => process.cwd()): void {
  for (const option of command.options) {
    const key = option.attributeName();
    // Shown by `--help` only: the value itself is filled in by fillSettings (commander listens for
    // an option's variable only when it is set before the option is added).
    if (isConfigKey(key)) option.env(CONFIG_SETTINGS[key].env);
  }
  if (command.commands.length > 0) {
    command.hook("preSubcommand", (parent, sub) => {
      // `--help` still works beside a broken config file.
      if (!parent.args.some((a) => a === "--help" || a === "-h")) fillSettings(sub, process.env, cwd());
    });
  }
  if (command.parent === null) command.hook("preAction", (_root, leaf) => dropOverridden(leaf));
  for (const sub of command.commands) applyConfigSettings(sub, cwd);
}

// Before the command parses its own flags, which then overwrite these values.
function fillSettings(command: Command, env: NodeJS.ProcessEnv, cwd: string): void {
  const keys = declaredSettings(command);
  if (keys.length === 0) return;
  const { path } = chooseConfigFile(configFlag(command), env, cwd);
  const values = path === undefined ? {} : readConfigFile(path);
  for (const key of keys) {
    const fromEnv = env[CONFIG_SETTINGS[key].env];
    if (fromEnv !== undefined && fromEnv !== "") command.setOptionValueWithSource(key, fromEnv, "env");
    else if (values[key] !== undefined) command.setOptionValueWithSource(key, values[key], "config");
  }
}

// A deployment from the environment or config file yields to contract addresses given as flags.
function dropOverridden(command: Command): void {
  for (const key of declaredSettings(command)) {
    const setting: ConfigSetting = CONFIG_SETTINGS[key];
    const source = command.getOptionValueSource(key);
    if (source !== "env" && source !== "config") continue;
    if (setting.overriddenBy.some((flag) => command.getOptionValueSource(flag) === "cli")) {
      command.setOptionValueWithSource(key, undefined, "default");
    }
  }
}
