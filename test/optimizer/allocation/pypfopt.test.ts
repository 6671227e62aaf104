import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { greedyAllocation, integerAllocation } from "../../../src/optimizer/allocation/allocate.ts";
import type { AllocationResult } from "../../../src/optimizer/allocation/types.ts";
import { expectNear } from "../../helpers/expect.ts";

/** PyPortfolioOpt's get_latest_prices: the last row of tests/resources/stock_prices.csv. */
function latestPrices(): { assets: string[]; prices: Record<string, number> } {
  const path = join(import.meta.dirname, "..", "estimators", "fixtures", "stock_prices.csv");
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const assets = (lines[0] ?? "").split(",").slice(1);
  const last = (lines.at(-1) ?? "").split(",").slice(1).map(Number);
  const prices: Record<string, number> = {};
  assets.forEach((a, i) => (prices[a] = last[i] ?? NaN));
  return { assets, prices };
}

/** The max-Sharpe weights PyPortfolioOpt's README prints (clean_weights, 5 decimals). */
const README_WEIGHTS: Readonly<Record<string, number>> = {
  GOOG: 0.03835,
  AAPL: 0.0689,
  FB: 0.20603,
  BABA: 0.07315,
  AMZN: 0.04033,
  BBY: 0.01324,
  MA: 0.35349,
  PFE: 0.1957,
  SBUX: 0.01082,
};

function held(r: AllocationResult): Record<string, number> {
  return Object.fromEntries(r.allocation.filter((a) => a.units !== "0").map((a) => [a.asset, Number(a.units)]));
}

describe("optimizer/allocation: PyPortfolioOpt's published numbers", () => {
  const { assets, prices } = latestPrices();
  const weights = assets.map((a) => README_WEIGHTS[a] ?? 0);

  it("README quick example, $10 000: the printed allocation and $11.89 remaining (both methods)", async () => {
    const readme = { GOOG: 1, AAPL: 4, FB: 12, BABA: 4, BBY: 2, MA: 20, PFE: 54, SBUX: 1 };
    for (const r of [
      greedyAllocation({ assets, weights, prices, nav: 10_000 }),
      await integerAllocation({ assets, weights, prices, nav: 10_000 }),
    ]) {
      expect(held(r)).to.deep.equal(readme);
      expect(r.leftover.toFixed(2)).to.equal("11.89");
      expectNear(r.spent + r.leftover, 10_000, 1e-9);
    }
  });

  it("greedy RMSE matches test_greedy_allocation_rmse_error (0.017086185…) to the README weights' rounding", () => {
    const r = greedyAllocation({ assets, weights, prices, nav: 10_000 });
    expectNear(r.rmse, 0.017086185150415774, 1e-5);
  });

  it("test_lp_portfolio_allocation_different_params: $80 000 gives PyPortfolioOpt's integer allocation", async () => {
    const r = await integerAllocation({ assets, weights, prices, nav: 80_000 });
    expect(held(r)).to.deep.equal({
      GOOG: 3,
      AAPL: 32,
      FB: 100,
      BABA: 34,
      AMZN: 2,
      BBY: 15,
      MA: 164,
      PFE: 438,
      SBUX: 15,
    });
    expectNear(r.spent + r.leftover, 80_000, 1e-9);
  });

  it("RMSE decreases with portfolio value (test_rmse_decreases_with_value)", async () => {
    const g1 = greedyAllocation({ assets, weights, prices, nav: 10_000 });
    const g2 = greedyAllocation({ assets, weights, prices, nav: 100_000 });
    expect(g2.rmse).to.be.below(g1.rmse);
    const i1 = await integerAllocation({ assets, weights, prices, nav: 10_000 });
    const i2 = await integerAllocation({ assets, weights, prices, nav: 30_000 });
    expect(i2.rmse).to.be.below(i1.rmse);
  });
});
