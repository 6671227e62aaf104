import { expect } from "chai";
import { parseCostModel, tradeCost } from "../../src/backtest/costs.ts";
import { expectInputError, expectNear } from "../helpers/expect.ts";

describe("backtest/costs", () => {
  it("charges costBps of the traded notional", () => {
    const c = tradeCost(["A", "B"], [0.5, 0.5], [0.6, 0.4], 1_000_000, { costBps: 10 });
    expectNear(c.tradedNotional, 200_000, 1e-6);
    expectNear(c.linearCost, 200, 1e-9);
    expect(c.impactCost).to.equal(0);
  });

  it("adds coefficient · T · (T / ADV)^½ per asset (cvxportfolio's 3/2 power)", () => {
    const model = parseCostModel({ costBps: 0, impact: { coefficient: 0.1, adv: { A: 1e6, B: 4e6 } } }, ["A", "B"]);
    const c = tradeCost(["A", "B"], [0.5, 0.5], [0.6, 0.4], 1_000_000, model);
    // T = 100 000 each: 0.1·1e5·√0.1 + 0.1·1e5·√0.025
    expectNear(c.impactCost, 1e4 * Math.sqrt(0.1) + 1e4 * Math.sqrt(0.025), 1e-9);
    expectNear(c.cost, c.impactCost, 0);
  });

  it("names a bad cost model field", () => {
    expectInputError(() => parseCostModel({ costBps: -1 }, ["A"]), "COSTS_INVALID", "--costs.costBps");
    expectInputError(() => parseCostModel({ costBsp: 1 }, ["A"]), "FIELD_UNKNOWN", "--costs.costBsp");
    expectInputError(
      () => parseCostModel({ impact: { coefficient: 1, adv: { A: 1 } } }, ["A", "B"]),
      "COSTS_INVALID",
      "--costs.impact.adv.B",
    );
  });
});
