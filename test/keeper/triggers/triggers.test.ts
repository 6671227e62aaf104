import { expect } from "chai";
import fc from "fast-check";
import { InputError } from "../../../src/errors.ts";
import {
  calendarTrigger,
  driftTrigger,
  evaluateTriggers,
  riskSpikeTrigger,
  type TriggerState,
} from "../../../src/keeper/triggers/triggers.ts";

const MONDAYS = "0 0 * * 1";

describe("keeper/triggers", () => {
  describe("calendar", () => {
    it("fires when a scheduled time passed since the last rebalance", () => {
      // 2026-11-23 is a Monday.
      const d = calendarTrigger(MONDAYS, new Date("2026-11-20T12:00:00Z"), new Date("2026-11-24T01:00:00Z"));
      expect(d?.kind).to.equal("calendar");
      expect(d?.details["scheduledAt"]).to.equal("2026-11-23T00:00:00.000Z");
    });

    it("stays quiet between scheduled times", () => {
      expect(calendarTrigger(MONDAYS, new Date("2026-11-23T00:00:01Z"), new Date("2026-11-29T23:59:59Z"))).to.equal(
        null,
      );
    });

    it("fires on the scheduled instant itself", () => {
      expect(calendarTrigger(MONDAYS, new Date("2026-11-22T00:00:00Z"), new Date("2026-11-23T00:00:00Z"))).to.not.equal(
        null,
      );
    });

    it("fires when there was no rebalance yet", () => {
      expect(calendarTrigger(MONDAYS, null, new Date())?.reason).to.match(/no rebalance/);
    });

    it("rejects a malformed cron expression naming the registry field", () => {
      try {
        calendarTrigger("every monday", null, new Date());
        expect.fail("expected an error");
      } catch (error) {
        expect(error).to.be.instanceOf(InputError);
        expect((error as InputError).path).to.equal("strategyParameters.rebalanceCalendar");
      }
    });
  });

  describe("drift", () => {
    it("reports the worst asset when above the threshold", () => {
      const d = driftTrigger(["A", "B", "C"], [0.5, 0.3, 0.2], [0.4, 0.35, 0.25], 0.05, new Date(0));
      expect(d?.details).to.include({ asset: "A" });
      // Plain comparisons: hardhat's chai matchers make closeTo bigint-only.
      expect(Math.abs(Number(d?.details["drift"]) - 0.1)).to.be.lessThan(1e-15);
      expect(Math.abs(Number(d?.details["l1Drift"]) - 0.2)).to.be.lessThan(1e-15);
    });

    it("does not fire at or below the threshold", () => {
      expect(driftTrigger(["A", "B"], [0.55, 0.45], [0.5, 0.5], 0.05 + 1e-12, new Date(0))).to.equal(null);
    });

    it("rejects mismatched lengths", () => {
      expect(() => driftTrigger(["A", "B"], [1], [0.5, 0.5], 0.05, new Date(0))).to.throw(InputError);
    });

    it("fires exactly when the max absolute drift exceeds the threshold (property)", () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
            minLength: 1,
            maxLength: 20,
          }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (pairs, threshold) => {
            const assets = pairs.map((_, i) => `X${i}`);
            const current = pairs.map(([c]) => c);
            const target = pairs.map(([, t]) => t);
            const maxDrift = Math.max(...pairs.map(([c, t]) => Math.abs(c - t)));
            const fired = driftTrigger(assets, current, target, threshold, new Date(0)) !== null;
            return fired === maxDrift > threshold;
          },
        ),
      );
    });
  });

  describe("risk spike", () => {
    it("fires on realised or forecast volatility above the budget", () => {
      expect(riskSpikeTrigger({ realisedVolatility: 0.3 }, 0.25, new Date(0))?.details).to.include({
        measure: "realised",
      });
      expect(riskSpikeTrigger({ forecastVolatility: 0.3 }, 0.25, new Date(0))?.details).to.include({
        measure: "forecast",
      });
      expect(riskSpikeTrigger({ realisedVolatility: 0.2, forecastVolatility: 0.25 }, 0.25, new Date(0))).to.equal(null);
      expect(riskSpikeTrigger({ realisedVolatility: Number.NaN }, 0.25, new Date(0))).to.equal(null);
    });
  });

  it("evaluates all triggers and records each reason", () => {
    const state: TriggerState = {
      now: new Date("2026-11-24T01:00:00Z"),
      rebalanceCalendar: MONDAYS,
      lastRebalanceAt: new Date("2026-11-20T00:00:00Z"),
      assets: ["A", "B"],
      currentWeights: [0.6, 0.4],
      targetWeights: [0.5, 0.5],
      driftThreshold: 0.05,
      realisedVolatility: 0.4,
      volatilityBudget: 0.25,
      signal: { id: "sig-1", reason: "new views" },
    };
    expect(evaluateTriggers(state).map((d) => d.kind)).to.deep.equal(["signal", "risk-spike", "drift", "calendar"]);
    const { signal: _signal, ...withoutSignal } = state;
    const quiet: TriggerState = {
      ...withoutSignal,
      currentWeights: [0.5, 0.5],
      realisedVolatility: 0.1,
      lastRebalanceAt: state.now,
    };
    expect(evaluateTriggers(quiet)).to.deep.equal([]);
  });
});
