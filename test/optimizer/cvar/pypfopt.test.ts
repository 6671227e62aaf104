// CVaR against PyPortfolioOpt's tests/test_efficient_cvar.py on its stock_prices.csv (μ =
// mean_historical_return, scenarios = returns_from_prices(df).dropna(), β = 0.95), solved by the
// TypeScript engine and by HiGHS; and the reported CVaR against a direct recomputation from the
// sorted scenario losses.
import { expect } from "chai";
import { scenariosFromPrices } from "../../../src/optimizer/branches/cvar.ts";
import { parsePricesCsv } from "../../../src/optimizer/estimators/priceTable.ts";
import { optimize, optimizeAsync, type MarkowitzResult } from "../../../src/optimizer/optimize.ts";
import { createHighsSolver } from "../../../src/optimizer/qp/highsSolver.ts";
import { expectNear } from "../../helpers/expect.ts";
import { readData } from "../estimators/reference.ts";

const full = readData("stock_prices.csv");
/** setup_efficient_cvar's `get_data().dropna(axis=0, how="any")`: the dates every asset has a price. */
const complete = full
  .split("\n")
  .filter((line, i) => i === 0 || (line !== "" && !line.split(",").some((cell) => cell === "")))
  .join("\n");
const files = { "stock_prices.csv": full, "complete.csv": complete };

async function run(problem: Record<string, unknown>): Promise<MarkowitzResult> {
  const r = await optimizeAsync({ prices: "stock_prices.csv", ...problem }, { files });
  expect(r.status).to.equal("optimal");
  return r as MarkowitzResult;
}

/** PyPortfolioOpt's own check: −mean of the returns below the (1 − β) quantile. */
function historicalCvar(weights: readonly number[], beta: number): number {
  const s = scenariosFromPrices(parsePricesCsv(files["stock_prices.csv"]));
  const rets: number[] = [];
  for (let t = 0; t < s.t; t++) rets.push(weights.reduce((acc, w, j) => acc + w * s.values[t * s.n + j]!, 0));
  const sorted = [...rets].sort((a, b) => a - b);
  // pandas quantile, linear interpolation.
  const pos = (1 - beta) * (sorted.length - 1);
  const q = sorted[Math.floor(pos)]! + (pos - Math.floor(pos)) * (sorted[Math.ceil(pos)]! - sorted[Math.floor(pos)]!);
  const tail = rets.filter((r) => r < q);
  return -tail.reduce((a, b) => a + b, 0) / tail.length;
}

describe("optimizer/cvar: PyPortfolioOpt EfficientCVaR reference", () => {
  it("min-cvar: test_cvar_example's CVaR, with weights summing to 1", async () => {
    const r = await run({ objective: "min-cvar" });
    expectNear(r.cvar!.cvar, 0.017049502122532853, 1e-8);
    expectNear(
      r.weights.reduce((s, w) => s + w, 0),
      1,
      1e-9,
    );
    expectNear(historicalCvar(r.weights, 0.95), r.cvar!.cvar, 1e-3);
    expect(r.cvar!.beta).to.equal(0.95);
  });

  it("efficient-cvar at 25 % (test_efficient_return, μ of the complete rows); the sync entry point names what it needs", async () => {
    // setup_efficient_cvar: μ is the mean historical return of the complete rows.
    const r = await run({ prices: "complete.csv", objective: "efficient-cvar", targetReturn: 0.25 });
    expectNear(r.cvar!.cvar, 0.021036631225933487, 1e-8);
    expectNear(r.expectedReturn!, 0.25, 1e-8);
    const sync = optimize(
      { prices: "complete.csv", objective: "efficient-cvar", targetReturn: 0.25 },
      { files, qpSolver: await createHighsSolver() },
    ) as MarkowitzResult;
    expectNear(sync.cvar!.cvar, r.cvar!.cvar, 1e-12);
    expect(() => optimize({ prices: "stock_prices.csv", objective: "min-cvar" }, { files })).to.throw("optimizeAsync");
  });

  it("CVaR rises with beta (test_cvar_beta) and VaR never exceeds CVaR", async () => {
    let previous = 0;
    for (const beta of [0.5, 0.7, 0.9, 0.95, 0.99]) {
      const r = await run({ objective: "min-cvar", beta });
      expect(r.cvar!.cvar).to.be.gte(previous - 1e-12);
      expect(r.cvar!.valueAtRisk).to.be.lte(r.cvar!.cvar + 1e-12);
      previous = r.cvar!.cvar;
    }
  });

  it("keeps sector limits (test_min_cvar_sector_constraints)", async () => {
    const tech = ["GOOG", "AAPL", "FB", "AMZN", "BABA", "AMD"];
    const r = await run({
      objective: "min-cvar",
      constraints: {
        groups: [
          { name: "tech", assets: tech, upper: 0.2 },
          { name: "utility", assets: ["GE"], lower: 0.01, upper: 0.1 },
        ],
      },
    });
    const sum = (names: string[]): number =>
      r.assets.reduce((s, a, i) => s + (names.includes(a) ? r.weights[i]! : 0), 0);
    expect(sum(tech)).to.be.lte(0.2 + 1e-9);
    expect(sum(["GE"])).to.be.gte(0.01 - 1e-9);
  });

  it("refuses beta outside (0, 1) and constraints with no linear form, by name", async () => {
    const qpSolver = await createHighsSolver();
    expect(() =>
      optimize({ prices: "stock_prices.csv", objective: "min-cvar", beta: 1 }, { files, qpSolver }),
    ).to.throw("beta");
    expect(() => optimize({ prices: "stock_prices.csv", objective: "min-variance", beta: 0.9 }, { files })).to.throw(
      "beta",
    );
    expect(() =>
      optimize(
        {
          prices: "stock_prices.csv",
          objective: "min-cvar",
          constraints: { turnover: { currentWeights: new Array(20).fill(0.05), max: 0.1 } },
        },
        { files, qpSolver },
      ),
    ).to.throw("constraints.turnover");
    expect(() => optimize({ assets: ["A"], covariance: [[0.04]], objective: "min-cvar" }, { qpSolver })).to.throw(
      "prices",
    );
  });
});
