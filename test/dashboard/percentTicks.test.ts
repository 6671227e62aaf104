// The frontier's axis labels: as many decimals as d3's tick step needs, never a label twice.
import { expect } from "chai";
import { ticks } from "d3-array";
import { format } from "d3-format";
import fc from "fast-check";
import { percentTickFormat } from "../../src/dashboard/format.ts";

describe("dashboard/format percentTickFormat", () => {
  it("gives the frontier of the demo (7.2–9.6 % volatility) one decimal, not 8% 8% 9% 9%", () => {
    const spec = percentTickFormat([0.0715, 0.0962], 5);
    expect(spec).to.equal(".1%");
    const labels = ticks(0.0715, 0.0962, 5).map(format(spec));
    expect(labels).to.deep.equal(["7.5%", "8.0%", "8.5%", "9.0%", "9.5%"]);
  });

  it("keeps whole percents for a wide range, and falls back to one decimal for a single value", () => {
    expect(percentTickFormat([0.05, 0.4], 5)).to.equal(".0%");
    expect(percentTickFormat([0.1, 0.1], 5)).to.equal(".1%");
    expect(percentTickFormat([], 5)).to.equal(".1%");
  });

  it("never prints two of d3's ticks alike, for any range and tick count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -500_000, max: 500_000 }).map((v) => v / 1_000_000),
        fc.integer({ min: 1, max: 400_000 }).map((v) => v / 1_000_000),
        fc.integer({ min: 2, max: 12 }),
        (low, span, count) => {
          const labels = ticks(low, low + span, count).map(format(percentTickFormat([low, low + span], count)));
          expect(new Set(labels).size, labels.join(" ")).to.equal(labels.length);
        },
      ),
    );
  });
});
