// Estimator timings: sample covariance and Ledoit-Wolf (constant-variance) from prices, for the
// 20-asset PyPortfolioOpt CSV and synthetic one-factor prices of 200 and 1000 assets × 1000 days,
// beside a naive row-major XᵀX (the O(n²T) kernel both estimators are built on) in the same run.
import { readFileSync } from "node:fs";
import {
  estimateCovariance,
  parsePricesCsv,
  type CovarianceSpec,
  type PriceTable,
} from "../src/optimizer/estimators/index.ts";
import { formatMs, medianMs, type BenchModule, type BenchTable } from "./harness.ts";

// Deterministic normal draws (mulberry32 + Box-Muller), so every run times the same data.
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Daily prices of `n` assets over `days` dates from a one-factor model (1 % market, 1.5 % specific vol). */
function syntheticPrices(n: number, days: number, seed: number): PriceTable {
  const draw = normals(seed);
  const betas = Array.from({ length: n }, () => 0.5 + Math.abs(draw()) * 0.5);
  const level = new Array<number>(n).fill(100);
  const rows: number[][] = [];
  const dates: string[] = [];
  const start = Date.UTC(2020, 0, 1);
  for (let t = 0; t < days; t++) {
    const market = 0.0003 + 0.01 * draw();
    rows.push(level.map((p, i) => (level[i] = p * (1 + (betas[i] ?? 1) * market + 0.015 * draw()))));
    dates.push(new Date(start + t * 86_400_000).toISOString().slice(0, 10));
  }
  return { dates, columns: Array.from({ length: n }, (_, i) => `S${i}`), rows, source: "synthetic" };
}

// The reference: XᵀX over row-major returns with a plain triple loop, no centring or blocking.
function naiveGram(prices: PriceTable): number {
  const t = prices.rows.length - 1;
  const n = prices.columns.length;
  const x = new Float64Array(t * n);
  for (let r = 0; r < t; r++) {
    for (let j = 0; j < n; j++) x[r * n + j] = (prices.rows[r + 1]?.[j] ?? 1) / (prices.rows[r]?.[j] ?? 1) - 1;
  }
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let r = 0; r < t; r++) s += (x[r * n + i] ?? 0) * (x[r * n + j] ?? 0);
      g[i * n + j] = s;
    }
  }
  return g[0] ?? 0;
}

export const estimatorsBench: BenchModule = {
  name: "estimators",
  async run(): Promise<readonly BenchTable[]> {
    const csv = readFileSync(
      new URL("../test/optimizer/estimators/fixtures/stock_prices.csv", import.meta.url),
      "utf8",
    );
    const cases: { label: string; prices: PriceTable; runs: number }[] = [
      { label: "20 × 7126 (stock_prices.csv, gaps)", prices: parsePricesCsv(csv, "stock_prices.csv"), runs: 9 },
      { label: "200 × 1000 (synthetic)", prices: syntheticPrices(200, 1000, 1), runs: 7 },
      { label: "1000 × 1000 (synthetic)", prices: syntheticPrices(1000, 1000, 2), runs: 5 },
    ];
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const { label, prices, runs } of cases) {
      const options = { frequency: 252 };
      const sample = await medianMs(() => estimateCovariance(prices, { method: "sample" }, options), { runs });
      const lw = await medianMs(() => estimateCovariance(prices, { method: "ledoit-wolf" }, options), { runs });
      const naive = await medianMs(() => naiveGram(prices), { runs: Math.min(runs, 5) });
      const warnings = estimateCovariance(prices, { method: "sample" }, options).warnings;
      if (warnings.length > 0) notes.push(`${label}: ${warnings.join("; ")}`);
      rows.push([label, formatMs(sample), formatMs(lw), formatMs(naive), (naive / sample).toFixed(1)]);
    }
    // Every method once, on the 200-asset data, for an idea of their relative cost.
    const mid = cases[1]?.prices;
    const methods: readonly { label: string; spec: CovarianceSpec }[] = [
      { label: "sample", spec: { method: "sample" } },
      { label: "semicovariance", spec: { method: "semicovariance" } },
      { label: "exp (span 180)", spec: { method: "exp" } },
      { label: "ledoit-wolf constant-variance", spec: { method: "ledoit-wolf" } },
      { label: "ledoit-wolf single-factor", spec: { method: "ledoit-wolf", target: "single-factor" } },
      { label: "ledoit-wolf constant-correlation", spec: { method: "ledoit-wolf", target: "constant-correlation" } },
      { label: "oracle-approximating", spec: { method: "oracle-approximating" } },
    ];
    const methodRows: string[][] = [];
    if (mid !== undefined) {
      for (const { label, spec } of methods) {
        const ms = await medianMs(() => estimateCovariance(mid, spec, { frequency: 252 }), { runs: 5 });
        methodRows.push([label, formatMs(ms)]);
      }
    }
    return [
      {
        title: "Estimators: covariance from prices",
        description:
          "Median wall time (ms) of `estimateCovariance` from a price table, returns included: pandas-style " +
          "pairwise-complete sample covariance and Ledoit-Wolf towards μI (scikit-learn's formula), both with the " +
          "PSD check. Reference: a naive row-major triple-loop XᵀX of the returns, same process.",
        columns: ["assets × dates", "sample (ms)", "ledoit-wolf (ms)", "naive XᵀX (ms)", "naive / sample"],
        rows,
        notes,
      },
      {
        title: "Estimators: every covariance method, 200 assets × 1000 dates",
        description: "Median wall time (ms) of `estimateCovariance` per method on the synthetic 200-asset prices.",
        columns: ["method", "ms"],
        rows: methodRows,
      },
    ];
  },
};
