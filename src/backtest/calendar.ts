import { Cron } from "croner";

/** The period key of an ISO date (`YYYY-MM-DD`) for weekly (ISO week), monthly or quarterly ends. */
function periodKey(date: string, period: "weekly" | "monthly" | "quarterly"): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  if (period === "monthly") return date.slice(0, 7);
  if (period === "quarterly") return `${year}-Q${Math.ceil(month / 3)}`;
  // Weeks start on Monday: days since the Monday on or before 1970-01-05 (a Monday), / 7.
  const day = Math.floor(
    (Date.parse(`${date.slice(0, 10)}T00:00:00Z`) - Date.parse("1970-01-05T00:00:00Z")) / 86_400_000,
  );
  return `w${Math.floor(day / 7)}`;
}

/**
 * Whether `dates[t]` is the last date of its week, month or quarter in the table: the next date
 * falls in another period. The last date of the table is not a period end (its period may not be
 * over), so a backtest never rebalances on a period end it cannot know yet.
 *
 * @example
 * ```ts
 * isPeriodEnd(["2024-01-30", "2024-01-31", "2024-02-01"], 1, "monthly"); // true
 * ```
 */
export function isPeriodEnd(dates: readonly string[], t: number, period: "weekly" | "monthly" | "quarterly"): boolean {
  const next = dates[t + 1];
  const here = dates[t];
  if (next === undefined || here === undefined) return false;
  return periodKey(here, period) !== periodKey(next, period);
}

/** The end of a date's trading day (23:59:59.999 UTC): a date's close is taken as its last instant. */
export function closeOf(date: string): Date {
  return new Date(`${date.slice(0, 10)}T23:59:59.999Z`);
}

/**
 * Whether a cron occurrence (5 fields, UTC) lies in (close of `lastRebalance`, close of `date`]:
 * the keeper's calendar trigger on daily closes, so a schedule falling on a weekend or holiday
 * fires at the next trading day's close.
 *
 * @example
 * ```ts
 * cronDue(new Cron("0 0 1 * *", { paused: true, timezone: "UTC" }), "2024-01-31", "2024-02-01"); // true
 * ```
 */
export function cronDue(schedule: Cron, lastRebalance: string, date: string): boolean {
  const due = schedule.nextRun(closeOf(lastRebalance));
  return due !== null && due.getTime() <= closeOf(date).getTime();
}
