import { Cron } from "croner";
import { InputError } from "../errors.ts";
import type { PolicyTrigger, RebalancePolicy } from "./types.ts";

const PERIODS = new Set(["weekly", "monthly", "quarterly"]);
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function positive(text: string, what: string, policy: string): number {
  const value = Number(text);
  if (!NUMBER.test(text) || !(value > 0)) {
    throw new InputError(
      "POLICY_INVALID",
      `${what} must be a positive number, got "${text}" in "${policy}"`,
      "--rebalance",
    );
  }
  return value;
}

function parseTrigger(part: string, policy: string): PolicyTrigger {
  const colon = part.indexOf(":");
  const kind = colon < 0 ? part : part.slice(0, colon);
  const arg = colon < 0 ? "" : part.slice(colon + 1).trim();
  switch (kind.trim()) {
    case "calendar":
      if (PERIODS.has(arg)) return { kind: "calendar", period: arg as "weekly" | "monthly" | "quarterly" };
      if (arg.split(/\s+/).length !== 5) {
        throw new InputError(
          "POLICY_INVALID",
          `calendar needs weekly, monthly, quarterly or a 5-field cron expression, got "${arg}"`,
          "--rebalance",
        );
      }
      try {
        new Cron(arg, { timezone: "UTC", paused: true });
      } catch (cause) {
        throw new InputError("POLICY_INVALID", `not a cron expression: "${arg}"`, "--rebalance", { cause });
      }
      return { kind: "cron", expression: arg };
    case "drift":
      return { kind: "drift", threshold: positive(arg, "the drift threshold", policy) };
    case "vol":
      return { kind: "vol", budget: positive(arg, "the volatility budget", policy) };
    default:
      throw new InputError(
        "POLICY_INVALID",
        `unknown trigger "${kind}" in "${policy}" (once, calendar:…, drift:…, vol:…, joined by +)`,
        "--rebalance",
      );
  }
}

/**
 * Parses a `--rebalance` policy: `once` (buy and hold: the initial allocation only), or triggers
 * joined by `+`, any of which fires a rebalance at that date's close — `calendar:monthly`
 * (`weekly`, `quarterly`: the last trading day of each period in the price table),
 * `calendar:<5-field cron, UTC>`, `drift:<max |w − target|>` (fraction), `vol:<annualised budget>`
 * (fraction). The keeper's triggers, on daily closes.
 *
 * @example
 * ```ts
 * parsePolicy("calendar:monthly+drift:0.05").triggers; // [{kind: "calendar", period: "monthly"}, {kind: "drift", threshold: 0.05}]
 * ```
 */
export function parsePolicy(text: string): RebalancePolicy {
  const trimmed = text.trim();
  if (trimmed === "once") return { text: trimmed, triggers: [] };
  if (trimmed === "") throw new InputError("POLICY_INVALID", "is empty", "--rebalance");
  const triggers = trimmed.split("+").map((part) => parseTrigger(part.trim(), trimmed));
  return { text: trimmed, triggers };
}
