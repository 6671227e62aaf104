// Synthetic daily prices for the backtest tests: a seeded random walk on business days.
import type { PriceTable } from "../../src/optimizer/estimators/priceTable.ts";

/** Mulberry32: a small seeded PRNG, so every run sees the same prices. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `days` business days from 2020-01-01 (Mondays to Fridays), ISO dates. */
export function businessDays(days: number, start = "2020-01-01"): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${start}T00:00:00Z`); out.length < days; d += 86_400_000) {
    const day = new Date(d).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/** Prices of `assets` on `days` business days: daily log-returns ~ ±2 %, each asset its own drift. */
export function randomPrices(assets: readonly string[], days: number, seed = 1): PriceTable {
  const rand = prng(seed);
  const dates = businessDays(days);
  let level = assets.map((_, j) => 50 + 10 * j);
  const rows = dates.map(() => {
    const row = [...level];
    level = level.map((p, j) => p * Math.exp(0.0002 * (j - 1) + 0.02 * (rand() - 0.5) * 1.7));
    return row;
  });
  return { dates, columns: [...assets], rows, source: "prices.csv" };
}

/** The table as prices CSV text, as a user would write it. */
export function toCsv(table: PriceTable): string {
  const lines = [["date", ...table.columns].join(",")];
  table.rows.forEach((row, t) =>
    lines.push([table.dates[t], ...row.map((p) => (p === null ? "" : String(p)))].join(",")),
  );
  return `${lines.join("\n")}\n`;
}
