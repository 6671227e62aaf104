// result.model: the μ and Σ the optimiser chose the weights with, and the frontier on them.
import { expect } from "chai";
import { expectNear } from "../helpers/expect.ts";
import { readFileSync } from "node:fs";
import { InputError } from "../../src/errors.ts";
import { estimateCovariance } from "../../src/optimizer/estimators/covariance.ts";
import { estimateExpectedReturns } from "../../src/optimizer/estimators/expectedReturns.ts";
import { parsePricesCsv, selectAssets } from "../../src/optimizer/estimators/priceTable.ts";
import { efficientFrontier } from "../../src/optimizer/frontier.ts";
import { toRows } from "../../src/optimizer/matrix.ts";
import { modelCovarianceMatrix, parseOptimizerModel, type OptimizerModel } from "../../src/optimizer/model.ts";
import { optimize } from "../../src/optimizer/optimize.ts";
import { randomFactorModel } from "./fixtures.ts";

const csv = readFileSync(new URL("./estimators/fixtures/stock_prices.csv", import.meta.url), "utf8");
const assets = ["AAPL", "GE", "WMT", "XOM", "PFE"];
const problem = {
  assets,
  prices: "prices.csv",
  covariance: { method: "ledoit-wolf" },
  expectedReturns: { method: "ema-historical", span: 500 },
  objective: "quadratic-utility",
  riskAversion: 2,
  constraints: { bounds: { upper: 0.4 }, turnover: { currentWeights: [0.2, 0.2, 0.2, 0.2, 0.2], max: 0.3 } },
} as const;
const files = { "prices.csv": csv };

/** √(w'Σw) with Σ given as rows. */
function volatilityOf(w: readonly number[], rows: readonly (readonly number[])[]): number {
  let v = 0;
  for (let i = 0; i < w.length; i++) for (let j = 0; j < w.length; j++) v += w[i]! * rows[i]![j]! * w[j]!;
  return Math.sqrt(v);
}

function modelOf(result: { model?: OptimizerModel }): OptimizerModel {
  expect(result.model, "result.model").to.not.equal(undefined);
  return result.model!;
}

describe("optimizer/model", () => {
  it("returns exactly the estimators' μ and Σ, and the published volatility is √(w'Σw) with that Σ", () => {
    const result = optimize(problem, { files, model: true });
    expect(result.status).to.equal("optimal");
    const model = modelOf(result);
    // The estimator outputs the optimiser consumed, computed independently here.
    const table = selectAssets(parsePricesCsv(csv, "prices.csv"), assets, "prices");
    const sigma = estimateCovariance(table, { method: "ledoit-wolf" }, { frequency: 252 }).matrix;
    const mu = estimateExpectedReturns(table, { method: "ema-historical", span: 500 }, { frequency: 252 });
    expect(model.covariance).to.deep.equal({ kind: "dense", matrix: toRows(sigma) });
    expect(model.expectedReturns).to.deep.equal(Array.from(mu));
    expect(model.assets).to.deep.equal(assets);
    expect(model.riskFreeRate).to.equal(0.02);
    expect(model.frontier).to.equal(undefined);
    // Not the sample covariance: a re-estimate with the default risk model would differ.
    const sample = toRows(estimateCovariance(table, { method: "sample" }, { frequency: 252 }).matrix);
    expect(Math.abs(volatilityOf(result.weights, sample) - result.volatility!)).to.be.greaterThan(1e-9);
    expectNear(result.volatility!, volatilityOf(result.weights, toRows(sigma)), 1e-15);
    const expected = result.weights.reduce((s, w, i) => s + w * mu[i]!, 0);
    expectNear(result.expectedReturn!, expected, 1e-15);
  });

  it("is absent unless asked for", () => {
    expect(optimize(problem, { files }).model).to.equal(undefined);
    expect(optimize(problem, { files, model: false }).model).to.equal(undefined);
  });

  it("keeps a factor model in factor form", () => {
    const { factor, mu } = randomFactorModel(6, 2, 3);
    const rowsOf = (data: Float64Array, cols: number): number[][] =>
      Array.from({ length: data.length / cols }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
    const covariance = {
      factorLoadings: rowsOf(factor.loadings, 2),
      factorCovariance: rowsOf(factor.factorCovariance, 2),
      specificVariance: Array.from(factor.specificVariance),
    };
    const result = optimize(
      { assets: ["A", "B", "C", "D", "E", "F"], expectedReturns: mu, covariance, objective: "min-variance" },
      { model: true },
    );
    const model = modelOf(result);
    expect(model.covariance).to.deep.equal({ kind: "factor", ...covariance });
    const dense = modelCovarianceMatrix(model);
    const rows = Array.from({ length: 6 }, (_, i) => Array.from(dense.data.subarray(i * 6, i * 6 + 6)));
    expectNear(result.volatility!, volatilityOf(result.weights, rows), 1e-15);
  });

  it("Black-Litterman: the posterior π* and the Σ* the Markowitz step used", () => {
    const example = JSON.parse(
      readFileSync(new URL("../../docs/examples/signed-views/problem.json", import.meta.url), "utf8"),
    ) as { assets: string[]; covariance: number[][]; blackLitterman: Record<string, unknown> };
    const result = optimize(
      {
        assets: example.assets,
        covariance: example.covariance,
        optimizerType: "BLACK_LITTERMAN",
        blackLitterman: {
          ...example.blackLitterman,
          signedViews: undefined,
          views: [{ assets: { WETH: 1 }, q: 0.3, confidence: 0.6 }],
        },
      },
      { model: true },
    ) as ReturnType<typeof optimize> & { posteriorReturns: number[]; posteriorCovariance: number[][] };
    const model = modelOf(result);
    expect(model.expectedReturns).to.deep.equal(result.posteriorReturns);
    expect(model.covariance).to.deep.equal({ kind: "dense", matrix: result.posteriorCovariance });
    expectNear(result.volatility!, volatilityOf(result.weights, result.posteriorCovariance), 1e-15);
  });

  it("solves the frontier on the model, with or without the turnover limit", () => {
    const result = optimize(problem, { files, model: { frontier: { points: 6, withoutTurnover: true } } });
    const frontier = modelOf(result).frontier!;
    const { turnover: _turnover, ...strategic } = problem.constraints;
    const reference = efficientFrontier({ ...problem, constraints: strategic }, { files, points: 6 });
    expect(frontier.points).to.deep.equal(reference.points);
    expect(frontier.minVariance).to.deep.equal(reference.minVariance);
    expect(frontier.maxSharpe).to.deep.equal(reference.maxSharpe);
    const bounded = modelOf(optimize(problem, { files, model: { frontier: { points: 6 } } })).frontier!;
    const withTurnover = efficientFrontier(problem, { files, points: 6 });
    expect(bounded.points).to.deep.equal(withTurnover.points);
    expect(bounded.points.at(-1)!.expectedReturn).to.be.below(frontier.points.at(-1)!.expectedReturn);
  });

  it("says why a requested frontier is absent", () => {
    const result = optimize(
      {
        optimizerType: "ERC",
        assets: ["A", "B"],
        covariance: [
          [0.04, 0],
          [0, 0.09],
        ],
      },
      { model: { frontier: { points: 5 } } },
    );
    const model = modelOf(result);
    expect(model.expectedReturns).to.equal(null);
    expect(model.frontierUnavailable).to.match(/needs expected returns/);
  });

  it("parseOptimizerModel accepts a model and names a malformed field", () => {
    const model = modelOf(optimize(problem, { files, model: { frontier: { points: 3 } } }));
    expect(parseOptimizerModel(JSON.parse(JSON.stringify(model)))).to.deep.equal(model);
    const bad = { ...model, covariance: { kind: "dense", matrix: [[1, 0]] } };
    expect(() => parseOptimizerModel(bad))
      .to.throw(InputError)
      .with.property("path", "model.covariance.matrix");
    expect(() => parseOptimizerModel(undefined)).to.throw(InputError);
  });
});
