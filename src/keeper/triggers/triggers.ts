import { Cron } from "croner";
import { InputError } from "../../errors.ts";

/** Why a keeper decided to rebalance. */
export type TriggerKind = "calendar" | "drift" | "risk-spike" | "signal";

/** One fired trigger with the reason a person reads in the logs and the numbers behind it. */
export interface TriggerDecision {
  readonly kind: TriggerKind;
  readonly reason: string;
  /** When the trigger was evaluated (ISO 8601, UTC). */
  readonly at: string;
  readonly details: Readonly<Record<string, number | string>>;
}

/** Everything the triggers look at, read by the keeper from the chain, the bus and analytics. */
export interface TriggerState {
  readonly now: Date;
  /** Cron expression from the registry (5 fields, UTC). */
  readonly rebalanceCalendar: string;
  /** Time of the last settled rebalance, `null` before the first. */
  readonly lastRebalanceAt: Date | null;
  readonly assets: readonly string[];
  /** Current portfolio weights (fractions summing to 1), in `assets` order. */
  readonly currentWeights: readonly number[];
  /** Target weights of the last settled rebalance (fractions), in `assets` order. */
  readonly targetWeights: readonly number[];
  /** Drift threshold from the registry: a fraction, e.g. 0.05 = 5 percentage points. */
  readonly driftThreshold: number;
  /** Annualised volatilities (fractions); either may be absent when not yet measurable. */
  readonly realisedVolatility?: number;
  readonly forecastVolatility?: number;
  /** Annualised volatility budget from the registry (fraction). */
  readonly volatilityBudget: number;
  /** A pending RebalanceSignal from `ai.rebalance`, if any. */
  readonly signal?: { readonly id: string; readonly reason: string };
}

/**
 * Calendar trigger: fires when a scheduled time of `cron` lies in (lastRebalanceAt, now], or when
 * there has been no rebalance yet.
 *
 * @example
 * ```ts
 * calendarTrigger("0 0 * * 1", new Date("2026-11-20T00:00Z"), new Date("2026-11-24T01:00Z")); // fires: Monday 23rd 00:00
 * ```
 */
export function calendarTrigger(cron: string, lastRebalanceAt: Date | null, now: Date): TriggerDecision | null {
  let schedule: Cron;
  try {
    schedule = new Cron(cron, { timezone: "UTC", paused: true });
  } catch (cause) {
    throw new InputError("CRON_INVALID", `not a cron expression: "${cron}"`, "strategyParameters.rebalanceCalendar", {
      cause,
    });
  }
  if (lastRebalanceAt === null) {
    return decision("calendar", "no rebalance recorded yet", now, { cron });
  }
  const due = schedule.nextRun(lastRebalanceAt);
  if (due === null || due.getTime() > now.getTime()) return null;
  return decision("calendar", `scheduled run ${due.toISOString()} (cron "${cron}") is due`, now, {
    cron,
    scheduledAt: due.toISOString(),
  });
}

/**
 * Drift trigger: fires when some |w_i − target_i| exceeds the threshold; reports the worst asset.
 *
 * @example
 * ```ts
 * driftTrigger(["A", "B"], [0.58, 0.42], [0.5, 0.5], 0.05, new Date()); // fires: A drifted 8 pp
 * ```
 */
export function driftTrigger(
  assets: readonly string[],
  current: readonly number[],
  target: readonly number[],
  threshold: number,
  now: Date,
): TriggerDecision | null {
  if (current.length !== assets.length || target.length !== assets.length) {
    throw new InputError(
      "WEIGHTS_LENGTH",
      `expected ${assets.length} weights, got ${current.length} and ${target.length}`,
      "weights",
    );
  }
  let worst = -1;
  let worstDrift = 0;
  let l1 = 0;
  for (let i = 0; i < assets.length; i++) {
    const drift = Math.abs((current[i] ?? 0) - (target[i] ?? 0));
    l1 += drift;
    if (drift > worstDrift) {
      worstDrift = drift;
      worst = i;
    }
  }
  if (worst < 0 || worstDrift <= threshold) return null;
  const asset = assets[worst] ?? String(worst);
  return decision(
    "drift",
    `${asset} drifted ${(worstDrift * 100).toFixed(2)} pp from target (threshold ${(threshold * 100).toFixed(2)} pp)`,
    now,
    { asset, drift: worstDrift, threshold, l1Drift: l1 },
  );
}

/**
 * Risk-spike trigger: fires when realised or forecast annualised volatility exceeds the budget.
 *
 * @example
 * ```ts
 * riskSpikeTrigger({ realisedVolatility: 0.31 }, 0.25, new Date()); // fires
 * ```
 */
export function riskSpikeTrigger(
  volatility: { readonly realisedVolatility?: number; readonly forecastVolatility?: number },
  budget: number,
  now: Date,
): TriggerDecision | null {
  for (const [name, value] of [
    ["realised", volatility.realisedVolatility],
    ["forecast", volatility.forecastVolatility],
  ] as const) {
    if (value !== undefined && Number.isFinite(value) && value > budget) {
      return decision(
        "risk-spike",
        `${name} volatility ${(value * 100).toFixed(2)}% exceeds the budget ${(budget * 100).toFixed(2)}%`,
        now,
        { measure: name, volatility: value, budget },
      );
    }
  }
  return null;
}

/**
 * Evaluates every trigger in a fixed order (signal, risk spike, drift, calendar) and returns those
 * that fired; the keeper rebalances when the list is non-empty and records all of them.
 *
 * @example
 * ```ts
 * const fired = evaluateTriggers(state);
 * if (fired.length > 0) log.info({ triggers: fired }, "rebalance triggered");
 * ```
 */
export function evaluateTriggers(state: TriggerState): TriggerDecision[] {
  const fired: (TriggerDecision | null)[] = [
    state.signal === undefined
      ? null
      : decision("signal", `RebalanceSignal ${state.signal.id}: ${state.signal.reason}`, state.now, {
          signalId: state.signal.id,
        }),
    riskSpikeTrigger(state, state.volatilityBudget, state.now),
    driftTrigger(state.assets, state.currentWeights, state.targetWeights, state.driftThreshold, state.now),
    calendarTrigger(state.rebalanceCalendar, state.lastRebalanceAt, state.now),
  ];
  return fired.filter((d): d is TriggerDecision => d !== null);
}

function decision(
  kind: TriggerKind,
  reason: string,
  now: Date,
  details: Record<string, number | string>,
): TriggerDecision {
  return { kind, reason, at: now.toISOString(), details };
}
