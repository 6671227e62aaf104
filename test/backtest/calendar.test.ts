import { expect } from "chai";
import { Cron } from "croner";
import { cronDue, isPeriodEnd } from "../../src/backtest/calendar.ts";

describe("backtest/calendar", () => {
  const dates = ["2024-03-28", "2024-04-01", "2024-04-05", "2024-04-08", "2024-04-30", "2024-05-02", "2024-07-01"];

  it("finds the last trading day of each week, month and quarter, never the table's last row", () => {
    const ends = (period: "weekly" | "monthly" | "quarterly"): string[] =>
      dates.filter((_, t) => isPeriodEnd(dates, t, period));
    expect(ends("monthly")).to.deep.equal(["2024-03-28", "2024-04-30", "2024-05-02"]);
    expect(ends("quarterly")).to.deep.equal(["2024-03-28", "2024-05-02"]);
    // 2024-04-30 (Tuesday) and 2024-05-02 (Thursday) share a week.
    expect(ends("weekly")).to.deep.equal(["2024-03-28", "2024-04-05", "2024-04-08", "2024-05-02"]);
  });

  it("a cron occurrence on a weekend fires at the next trading day's close, once", () => {
    const firstOfMonth = new Cron("0 0 1 * *", { timezone: "UTC", paused: true });
    // 2024-06-01 is a Saturday.
    expect(cronDue(firstOfMonth, "2024-05-31", "2024-06-03")).to.equal(true);
    expect(cronDue(firstOfMonth, "2024-06-03", "2024-06-04")).to.equal(false);
    expect(cronDue(firstOfMonth, "2024-05-30", "2024-05-31")).to.equal(false);
  });
});
