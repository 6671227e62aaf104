// The metrics on real prices (PyPortfolioOpt's stock_prices.csv and spy_prices.csv, with missing
// cells), each checked against a second, independently derived computation.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { expectClose } from "./expectClose.ts";
import { beta, maxDrawdown, sharpeRatio, trackingError, volatility } from "../../src/analytics/returnMetrics.ts";

// The repository's copy (committed with the estimators) when present, else the shared data folder.
const FIXTURES = new URL("../optimizer/estimators/fixtures/", import.meta.url).pathname;
const DATA = existsSync(`${FIXTURES}stock_prices.csv`) ? FIXTURES : "/work/shared/data/pypfopt/";

/** Reads `date,<columns…>` prices into a map date → (column → price), skipping empty cells. */
function readPrices(file: string): { columns: string[]; rows: Map<string, Map<string, number>> } {
  const [header, ...lines] = readFileSync(`${DATA}${file}`, "utf8").trim().split("\n");
  const columns = header!.split(",").slice(1);
  const rows = new Map<string, Map<string, number>>();
  for (const line of lines) {
    const [date, ...cells] = line.split(",");
    const prices = new Map<string, number>();
    cells.forEach((cell, j) => {
      if (cell.trim() !== "") prices.set(columns[j]!, Number(cell));
    });
    rows.set(date!, prices);
  }
  return { columns, rows };
}

/** Aligned daily prices of `asset` and SPY on the dates where both exist. */
function alignedPrices(asset: string): { asset: number[]; spy: number[] } {
  const stocks = readPrices("stock_prices.csv").rows;
  const spy = readPrices("spy_prices.csv").rows;
  const out = { asset: [] as number[], spy: [] as number[] };
  for (const [date, prices] of stocks) {
    const a = prices.get(asset);
    const s = spy.get(date)?.get("SPY");
    if (a !== undefined && s !== undefined) {
      out.asset.push(a);
      out.spy.push(s);
    }
  }
  return out;
}

const simpleReturns = (prices: number[]): Float64Array =>
  Float64Array.from({ length: prices.length - 1 }, (_, i) => prices[i + 1]! / prices[i]! - 1);

describe("analytics on PyPortfolioOpt's price data", () => {
  const { asset: aapl, spy } = alignedPrices("AAPL");
  const ra = simpleReturns(aapl);
  const rs = simpleReturns(spy);

  it("has a long aligned sample", () => {
    expect(ra.length > 5000, `${ra.length} aligned returns`).to.equal(true);
    expect(ra.length).to.equal(rs.length);
  });

  it("max drawdown equals the largest fall of price below its running maximum", () => {
    // Independent of compounding returns: straight from prices, 1 − P_t / max_{s≤t} P_s.
    for (const prices of [aapl, spy]) {
      let peak = prices[0]!;
      let worst = 0;
      for (const p of prices) {
        peak = Math.max(peak, p);
        worst = Math.max(worst, 1 - p / peak);
      }
      expectClose(maxDrawdown(simpleReturns(prices)), worst, 1e-9);
    }
    // SPY since 1993 includes the 2007–2009 fall of about 55 %.
    const spyDrawdown = maxDrawdown(rs);
    expect(spyDrawdown > 0.5 && spyDrawdown < 0.6, `SPY max drawdown ${spyDrawdown}`).to.equal(true);
  });

  it("beta equals the OLS slope computed from raw sums", () => {
    // β = (nΣxy − ΣxΣy) / (nΣx² − (Σx)²): one pass over raw sums, no centring.
    let sx = 0;
    let sy = 0;
    let sxy = 0;
    let sxx = 0;
    const n = rs.length;
    for (let i = 0; i < n; i++) {
      const x = rs[i]!;
      const y = ra[i]!;
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
    }
    const ols = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    expectClose(beta(ra, rs), ols, 1e-8);
    expectClose(beta(rs, rs), 1, 1e-12);
  });

  it("tracking error satisfies var(r − b) = var(r) + var(b) − 2 cov(r, b)", () => {
    const va = volatility(ra, { frequency: 1 }) ** 2;
    const vs = volatility(rs, { frequency: 1 }) ** 2;
    const cov = beta(ra, rs) * vs;
    const te = Math.sqrt((va + vs - 2 * cov) * 252);
    expectClose(trackingError(ra, rs), te, 1e-10);
  });

  it("Sharpe equals PyPortfolioOpt's (μ·252 − rf) / (σ·√252) on SPY", () => {
    let sum = 0;
    for (const x of rs) sum += x;
    const mu = (sum / rs.length) * 252;
    const sigma = volatility(rs);
    expectClose(sharpeRatio(rs), (mu - 0.02) / sigma, 1e-10);
  });
});
