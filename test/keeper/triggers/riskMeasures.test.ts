import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";
import { expectClose } from "../../analytics/expectClose.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { assembleTriggerState, portfolioRiskMeasures } from "../../../src/keeper/triggers/riskMeasures.ts";
import { evaluateTriggers } from "../../../src/keeper/triggers/triggers.ts";

// Returns A: +10 %, −10 %, +10 %; B: 0 %, +2 %, −1 %. At 50/50 the portfolio returns are
// 0.05, −0.04, 0.045. By hand (ddof 1): var A = 1/75, var B = 7/30000, cov = −1/600, so
// w'Σw = ¼(1/75 + 7/30000 − 2/600) = 307/120000 per day, × 252 = 0.6447 a year.
const CSV = "date,A,B\n2024-01-01,100,100\n2024-01-02,110,100\n2024-01-03,99,102\n2024-01-04,108.9,100.98\n";
const FULL = Math.sqrt((307 / 120000) * 252);

describe("keeper/riskMeasures", () => {
  it("matches the hand-computed 2-asset example (whole history: realised = forecast)", () => {
    const m = portfolioRiskMeasures(parsePricesCsv(CSV), ["A", "B"], [0.5, 0.5]);
    expect(m.observations).to.equal(3);
    expectClose(m.realisedVolatility, FULL, 1e-12);
    expectClose(m.forecastVolatility, FULL, 1e-12);
  });

  it("takes the realised volatility over the last `window` returns only", () => {
    // Last two portfolio returns −0.04 and 0.045: variance 2 · 0.0425² per day.
    const m = portfolioRiskMeasures(parsePricesCsv(CSV), ["A", "B"], [0.5, 0.5], { window: 2 });
    expect(m.observations).to.equal(2);
    expectClose(m.realisedVolatility, Math.sqrt(2 * 0.0425 ** 2 * 252), 1e-12);
    expectClose(m.forecastVolatility, FULL, 1e-12);
  });

  it("follows the vault's asset order, not the CSV's", () => {
    const m = portfolioRiskMeasures(parsePricesCsv(CSV), ["B", "A"], [1, 0]);
    // B alone: var 7/30000 per day.
    expectClose(m.realisedVolatility, Math.sqrt((7 / 30000) * 252), 1e-12);
    expectClose(m.forecastVolatility, Math.sqrt((7 / 30000) * 252), 1e-12);
  });

  it("skips dates on which some asset has no return in the realised window", () => {
    const gap = `date,A,B\n2023-12-29,90,\n${CSV.slice("date,A,B\n".length)}`;
    const m = portfolioRiskMeasures(parsePricesCsv(gap), ["A", "B"], [0.5, 0.5]);
    expect(m.observations).to.equal(3);
    expectClose(m.realisedVolatility, FULL, 1e-12);
  });

  it("refuses a history with fewer than two complete return dates", () => {
    const short = "date,A,B\n2024-01-01,100,100\n2024-01-02,110,\n2024-01-03,99,102\n2024-01-04,108.9,100.98\n";
    try {
      portfolioRiskMeasures(parsePricesCsv(short, "prices.csv"), ["A", "B"], [0.5, 0.5]);
      expect.fail("did not throw");
    } catch (e) {
      expect(e).to.be.instanceOf(InputError);
      expect((e as InputError).code).to.equal("PRICES_TOO_SHORT");
      expect((e as InputError).path).to.equal("prices.csv");
    }
  });

  it("refuses weights of the wrong length, non-finite weights and a missing asset", () => {
    const prices = parsePricesCsv(CSV);
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        return (e as InputError).path ?? "";
      }
      throw new Error("did not throw");
    };
    expect(field(() => portfolioRiskMeasures(prices, ["A", "B"], [1]))).to.equal("weights");
    expect(field(() => portfolioRiskMeasures(prices, ["A", "B"], [0.5, Number.NaN]))).to.equal("weights[1]");
    expect(field(() => portfolioRiskMeasures(prices, ["A", "C"], [0.5, 0.5]))).to.equal("assets[1]");
  });

  describe("assembleTriggerState", () => {
    const chain = {
      assets: ["A", "B"],
      currentWeights: [0.5, 0.5],
      rebalanceCalendar: "0 0 1 1 *",
      driftThreshold: 0.05,
      volatilityBudget: 0.5,
    };
    const now = new Date("2026-11-24T03:00:00Z");

    it("fires the risk-spike trigger when realised volatility exceeds the registry's budget", () => {
      const { state, risk } = assembleTriggerState({
        now,
        chain,
        prices: parsePricesCsv(CSV),
        lastRebalanceAt: new Date("2026-11-20T00:00:00Z"),
        targetWeights: [0.5, 0.5],
      });
      expectClose(risk.realisedVolatility, FULL, 1e-12);
      const fired = evaluateTriggers(state);
      expect(fired.map((d) => d.kind)).to.deep.equal(["risk-spike"]);
      expect(fired[0]?.details["measure"]).to.equal("realised");
      expectClose(fired[0]?.details["volatility"] as number | undefined, FULL, 1e-12);
    });

    it("stays quiet when both volatilities are inside the budget", () => {
      const { state } = assembleTriggerState({
        now,
        chain: { ...chain, volatilityBudget: 0.9 },
        prices: parsePricesCsv(CSV),
        lastRebalanceAt: new Date("2026-11-20T00:00:00Z"),
        targetWeights: null,
      });
      expect(state.targetWeights).to.deep.equal([0.5, 0.5]);
      expect(evaluateTriggers(state)).to.deep.equal([]);
    });
  });
});
