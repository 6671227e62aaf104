import { readFileSync } from "node:fs";
import { InputError } from "../errors.ts";

/** PyPortfolioOpt's daily closes (2010–2018, with missing cells), the demo's market history. */
export const STOCK_PRICES_CSV = new URL("../../test/optimizer/estimators/fixtures/stock_prices.csv", import.meta.url);

/** Parameters of {@link demoPricesCsv}. */
export interface DemoPricesCsvParameters {
  /** Symbol of the USD base asset; it gets a synthetic peg series (see below). */
  readonly base: string;
  /** Columns of the source CSV to keep, in vault order after the base. */
  readonly assets: readonly string[];
  /** Trailing rows to keep (daily closes). */
  readonly days: number;
  /** Source CSV text; default {@link STOCK_PRICES_CSV}. */
  readonly source?: string;
}

/**
 * The keeper's price history for the demo vault: the last `days` complete rows of the source CSV for
 * `assets`, plus a base-asset column. A stablecoin is not exactly flat: the base column oscillates
 * deterministically within ±5 bp around 1, so that its variance is small but positive (equal risk
 * contribution has no solution with a riskless asset in the universe).
 *
 * @example
 * ```ts
 * const csv = demoPricesCsv({ base: "USDC", assets: ["AAPL", "AMZN"], days: 500 });
 * ```
 */
export function demoPricesCsv({ base, assets, days, source }: DemoPricesCsvParameters): string {
  const text = source ?? readFileSync(STOCK_PRICES_CSV, "utf8");
  const [headerLine, ...lines] = text.trim().split(/\r?\n/);
  const header = (headerLine ?? "").split(",");
  const columns = assets.map((symbol) => {
    const index = header.indexOf(symbol);
    if (index < 1) throw new InputError("PRICE_COLUMN_MISSING", `no column ${symbol} in the price CSV`, "assets");
    return index;
  });
  const complete = lines
    .map((line) => line.split(","))
    .filter((cells) => columns.every((c) => (cells[c] ?? "").trim() !== ""));
  if (complete.length < days) {
    throw new InputError("PRICE_HISTORY_SHORT", `${complete.length} complete rows, ${days} wanted`, "days");
  }
  const rows = complete.slice(-days).map((cells, t) => {
    // Two incommensurate periods: no visible pattern, reproducible byte for byte.
    const peg = 1 + 0.0003 * Math.sin(t * 0.9) + 0.0002 * Math.sin(t * 2.3 + 1);
    return [cells[0] ?? "", peg.toFixed(6), ...columns.map((c) => cells[c] ?? "")].join(",");
  });
  return `${["date", base, ...assets].join(",")}\n${rows.join("\n")}\n`;
}
