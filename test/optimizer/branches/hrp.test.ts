// optimize() with optimizerType "HRP", end to end through the problem format: PyPortfolioOpt's
// weights from prices, the covariance-only path, bounds and sectors kept, turnover moved part way,
// and the constraints HRP has no form of refused by name.
import { expect } from "chai";
import { optimize, type HrpResult } from "../../../src/optimizer/optimize.ts";
import { expectNear } from "../../helpers/expect.ts";
import { readData } from "../estimators/reference.ts";

const files = { "stock_prices.csv": readData("stock_prices.csv") };
/** PyPortfolioOpt tests/resources/weights_hrp.csv (HRPOpt on the daily returns of stock_prices.csv). */
const PYPFOPT: Record<string, number> = {
  GOOG: 0.04956008428992926,
  AAPL: 0.022258941278778387,
  FB: 0.06272994714663536,
  BABA: 0.07963382071794088,
  AMZN: 0.016086842079874982,
  GE: 0.05519063444162851,
  AMD: 0.022294021796692116,
  WMT: 0.10569551148587902,
  BAC: 0.014409222455552267,
  GM: 0.055576660241857236,
  T: 0.11138956508836473,
  UAA: 0.027115909570750083,
  SHLD: 0.027113184241298872,
  XOM: 0.11175337115721229,
  RRC: 0.03161528695094598,
  BBY: 0.03406419438245041,
  MA: 0.038127373497320226,
  PFE: 0.07786528342813452,
  JPM: 0.017675709092515715,
  SBUX: 0.039844436656239136,
};

function hrp(problem: Record<string, unknown>): HrpResult {
  const result = optimize({ optimizerType: "HRP", ...problem }, { files });
  expect(result.optimizerType).to.equal("HRP");
  return result as HrpResult;
}

describe("optimizer/branches/hrp", () => {
  it("gives PyPortfolioOpt's HRPOpt weights from prices with split: halves, with the tree and leaf order", () => {
    const r = hrp({ prices: "stock_prices.csv", split: "halves" });
    expect(r.status).to.equal("optimal");
    r.assets.forEach((a, i) => expectNear(r.weights[i]!, PYPFOPT[a]!, 1e-12));
    expect(r.hrp?.order.slice(0, 5)).to.deep.equal(["SHLD", "AMD", "BBY", "RRC", "FB"]);
    expect(r.hrp?.tree).to.have.length(19);
    expect(r.objective).to.equal(null);
    expect(r.diagnostics.solver).to.equal("hrp:single/halves");
  });

  it("splits at the tree's nodes by default: the same tree, other weights than halving", () => {
    const r = hrp({ prices: "stock_prices.csv" });
    const halves = hrp({ prices: "stock_prices.csv", split: "halves" });
    expect(r.hrp?.split).to.equal("dendrogram");
    expect(r.diagnostics.solver).to.equal("hrp:single/dendrogram");
    expect(r.hrp?.tree).to.deep.equal(halves.hrp?.tree);
    expect(r.hrp?.order).to.deep.equal(halves.hrp?.order);
    expectNear(
      r.weights.reduce((s, w) => s + w, 0),
      1,
      1e-12,
    );
    const gap = Math.max(...r.weights.map((w, i) => Math.abs(w - halves.weights[i]!)));
    expect(gap, "20 leaves: some cluster's halves differ from its subtrees").to.be.greaterThan(1e-3);
  });

  it("the default is free of the order the assets are listed in, end to end through optimize()", () => {
    const lines = readData("stock_prices.csv").trim().split("\n");
    const header = lines[0]!.split(",");
    // Columns reversed (the date column stays first).
    const reorder = (cells: string[]): string[] => [cells[0]!, ...cells.slice(1).reverse()];
    const reversed = [reorder(header), ...lines.slice(1).map((l) => reorder(l.split(",")))]
      .map((c) => c.join(","))
      .join("\n");
    const a = hrp({ prices: "stock_prices.csv" });
    const b = optimize({ optimizerType: "HRP", prices: "reversed.csv" }, { files: { "reversed.csv": reversed } });
    for (const [i, asset] of a.assets.entries()) expectNear(b.weights[b.assets.indexOf(asset)]!, a.weights[i]!, 1e-13);
  });

  it("keeps position bounds and sector limits the unconstrained HRP breaks", () => {
    const tech = ["GOOG", "AAPL", "FB", "AMZN", "AMD", "MA"];
    const r = hrp({
      prices: "stock_prices.csv",
      linkage: "average",
      constraints: { bounds: { lower: 0.01, upper: 0.08 }, groups: [{ name: "tech", assets: tech, upper: 0.15 }] },
    });
    expect(r.status).to.equal("optimal");
    expectNear(
      r.weights.reduce((s, w) => s + w, 0),
      1,
      1e-10,
    );
    for (const w of r.weights) {
      expect(w).to.be.gte(0.01 - 1e-10);
      expect(w).to.be.lte(0.08 + 1e-10);
    }
    const techWeight = r.assets.reduce((s, a, i) => s + (tech.includes(a) ? r.weights[i]! : 0), 0);
    expect(techWeight).to.be.lte(0.15 + 1e-10);
    expect(r.hrp?.clippedSplits).to.be.greaterThan(0);
    expect(r.hrp?.projected).to.deep.equal(["groups.tech"]);
    expect(r.hrp?.linkage).to.equal("average");
  });

  it("moves part of the way under a turnover limit, as ERC does", () => {
    const free = hrp({
      assets: ["A", "B", "C"],
      covariance: [
        [0.04, 0.01, 0],
        [0.01, 0.09, 0.02],
        [0, 0.02, 0.16],
      ],
    });
    const r = hrp({
      assets: ["A", "B", "C"],
      covariance: [
        [0.04, 0.01, 0],
        [0.01, 0.09, 0.02],
        [0, 0.02, 0.16],
      ],
      constraints: { turnover: { currentWeights: [0, 0, 1], max: 0.5 } },
    });
    const turnover = r.weights.reduce((s, w, i) => s + Math.abs(w - [0, 0, 1][i]!), 0);
    expectNear(turnover, 0.5, 1e-12);
    expect(r.hrp?.weights).to.deep.equal(free.weights);
    expect(r.warnings.join(" ")).to.contain("of the way to the HRP portfolio");
  });

  it("refuses tracking error and penalties by name, and HRP-only fields on other types", () => {
    const base = {
      assets: ["A", "B"],
      covariance: [
        [0.04, 0],
        [0, 0.09],
      ],
    };
    expect(() =>
      optimize({
        optimizerType: "HRP",
        ...base,
        constraints: { trackingError: { benchmarkWeights: [0.5, 0.5], max: 0.1 } },
      }),
    ).to.throw("constraints.trackingError");
    expect(() => optimize({ optimizerType: "HRP", ...base, objective: "min-variance" })).to.throw();
    expect(() => optimize({ optimizerType: "ERC", ...base, linkage: "single" })).to.throw();
  });
});

describe("optimizer: inline prices", () => {
  it("takes prices inline as [date, price…] rows, as a CSV file gives them", () => {
    const lines = readData("stock_prices.csv").trim().split("\n");
    const header = lines[0]!.split(",");
    const rows = lines.slice(1).map((l) => {
      const [date, ...cells] = l.split(",");
      return [date!, ...cells.map((c) => (c === "" ? null : Number(c)))];
    });
    const inline = optimize({ optimizerType: "HRP", prices: { columns: header, rows } });
    const file = optimize({ optimizerType: "HRP", prices: "stock_prices.csv" }, { files });
    expect(inline.weights).to.deep.equal(file.weights);
  });
});
