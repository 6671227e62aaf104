import { randomUUID } from "node:crypto";
import { pino, type DestinationStream, type Level, type Logger } from "pino";
import { InputError } from "../errors.ts";

/** The pino levels `PORTFOLIO_LOG_LEVEL` accepts, plus `silent`. */
const LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Options of {@link createKeeperLogger}. */
export interface KeeperLoggerOptions {
  /** Log level; default `env.PORTFOLIO_LOG_LEVEL`, else `info`. */
  readonly level?: Level | "silent";
  /** Where to write the JSON lines (default stdout). */
  readonly destination?: DestinationStream;
  /** Environment to read the level from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The keeper's structured logger: one JSON object per line (pino), `service: "keeper"`, ISO
 * timestamps, and anything that looks like a key or signature redacted.
 *
 * @example
 * ```ts
 * const log = createKeeperLogger(); // PORTFOLIO_LOG_LEVEL=debug for more
 * log.info({ rpc: url }, "keeper started");
 * ```
 */
export function createKeeperLogger(options: KeeperLoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? env["PORTFOLIO_LOG_LEVEL"] ?? "info";
  if (!LEVELS.includes(level)) {
    throw new InputError(
      "LOG_LEVEL_INVALID",
      `expected one of ${LEVELS.join(", ")}, got "${level}"`,
      "PORTFOLIO_LOG_LEVEL",
    );
  }
  return pino(
    {
      level,
      base: { service: "keeper" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["privateKey", "*.privateKey", "key", "*.key", "signature", "*.signature"],
        censor: "[redacted]",
      },
    },
    // Synchronous writes: the last lines before a crash are the ones an operator needs.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * A child logger for one keeper cycle: every line it writes carries `cycleId`, so one cycle's
 * story can be pulled out of interleaved logs.
 *
 * @example
 * ```ts
 * const log = cycleLogger(root); // { cycleId: "6f1c…" }
 * log.info({ trigger: "drift" }, "cycle started");
 * ```
 */
export function cycleLogger(parent: Logger, cycleId: string = randomUUID()): Logger {
  return parent.child({ cycleId });
}
