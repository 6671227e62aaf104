import { expect } from "chai";
import { parsePolicy } from "../../src/backtest/policy.ts";
import { expectInputError } from "../helpers/expect.ts";

describe("backtest/policy parsePolicy", () => {
  it("reads once, calendar periods, cron, drift, vol and + combinations", () => {
    expect(parsePolicy("once").triggers).to.deep.equal([]);
    expect(parsePolicy("calendar:monthly+drift:0.05+vol:0.2").triggers).to.deep.equal([
      { kind: "calendar", period: "monthly" },
      { kind: "drift", threshold: 0.05 },
      { kind: "vol", budget: 0.2 },
    ]);
    expect(parsePolicy("calendar:0 0 1,15 * *").triggers).to.deep.equal([{ kind: "cron", expression: "0 0 1,15 * *" }]);
  });

  it("refuses a malformed policy naming --rebalance", () => {
    for (const bad of [
      "",
      "calendar:yearly",
      "calendar:0 0 32 * *",
      "drift:abc",
      "drift:-0.1",
      "vol:",
      "sometimes",
      "drift:0.05+",
    ]) {
      expectInputError(() => parsePolicy(bad), "POLICY_INVALID", "--rebalance");
    }
  });
});
