import { InputError } from "../../errors.ts";
import type { PriceTable } from "./priceTable.ts";

/**
 * Per-period returns (fractions: 0.01 = 1 %, not annualised), row-major `t × n`: the return of
 * asset `columns[j]` over the period ending on `dates[r]` is `values[r * n + j]`, `NaN` where it
 * is missing (a price on either side of the period was missing).
 */
export interface ReturnsTable {
  readonly dates: readonly string[];
  readonly columns: readonly string[];
  /** Number of periods (rows). */
  readonly t: number;
  /** Number of assets (columns). */
  readonly n: number;
  readonly values: Float64Array;
  /** Where the prices came from, to name them in errors. */
  readonly source: string;
}

/** Options of {@link returnsFromPrices}. */
export interface ReturnsFromPricesOptions {
  /** Log returns ln(1 + r) instead of simple returns. Default false. */
  readonly log?: boolean;
}

/**
 * Simple returns r_t = p_t / p_{t−1} − 1 per asset, with pandas' `pct_change(fill_method=None)`
 * semantics as PyPortfolioOpt's `returns_from_prices` uses them: a return is missing when either
 * price is missing (no forward filling), the first row is dropped, and so is every row where all
 * returns are missing (`dropna(how="all")`). With `log`, ln(1 + r).
 *
 * @example
 * ```ts
 * const r = returnsFromPrices(parsePricesCsv("date,A\n2024-01-02,10\n2024-01-03,11\n"));
 * r.values[0]; // 0.1 (up to rounding)
 * ```
 */
export function returnsFromPrices(prices: PriceTable, { log = false }: ReturnsFromPricesOptions = {}): ReturnsTable {
  const n = prices.columns.length;
  const source = prices.source ?? "prices";
  const dates: string[] = [];
  const out: number[] = [];
  for (let t = 1; t < prices.rows.length; t++) {
    const prev = prices.rows[t - 1];
    const cur = prices.rows[t];
    if (prev === undefined || cur === undefined || prev.length !== n || cur.length !== n) {
      throw new InputError("PRICES_RAGGED", `row ${t} does not have ${n} prices`, source);
    }
    let any = false;
    const start = out.length;
    for (let j = 0; j < n; j++) {
      const a = prev[j] ?? null;
      const b = cur[j] ?? null;
      let r = Number.NaN;
      if (a !== null && b !== null) {
        if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
          throw new InputError(
            "PRICES_NOT_POSITIVE",
            `row ${a > 0 && Number.isFinite(a) ? t : t - 1}, column ${prices.columns[j] ?? j}: prices must be finite and positive`,
            source,
          );
        }
        r = b / a - 1;
        if (log) r = Math.log(1 + r);
        any = true;
      }
      out.push(r);
    }
    if (any) dates.push(prices.dates[t] ?? "");
    else out.length = start;
  }
  return { dates, columns: prices.columns, t: dates.length, n, values: Float64Array.from(out), source };
}
