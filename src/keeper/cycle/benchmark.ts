// The keeper's benchmark: a price series in the problem format's `benchmarkPrices` file form (a date
// column and exactly one price column), for the ex-post tracking error and beta it publishes.
import { readFile } from "node:fs/promises";
import { InputError } from "../../errors.ts";
import { parsePricesCsv, type PriceTable } from "../../optimizer/estimators/priceTable.ts";

/**
 * Reads and validates a benchmark price CSV: the problem format's `benchmarkPrices` (first column
 * a date, then exactly one price column). Errors name the file: `BENCHMARK_UNREADABLE`,
 * `BENCHMARK_COLUMNS`, or the CSV parser's row and column.
 *
 * @example
 * ```ts
 * const spy = await readBenchmarkPrices("spy_prices.csv");
 * ```
 */
export async function readBenchmarkPrices(path: string): Promise<PriceTable> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new InputError("BENCHMARK_UNREADABLE", `cannot read ${path}`, "benchmarkPrices", { cause });
  });
  return checkBenchmark(parsePricesCsv(text, path));
}

/**
 * Refuses ({@link InputError} `BENCHMARK_COLUMNS`, naming the table's source) a benchmark table that
 * does not have exactly one price column; returns it otherwise.
 *
 * @example
 * ```ts
 * checkBenchmark(parsePricesCsv("date,SPY\n2024-01-02,470\n2024-01-03,471\n", "spy.csv"));
 * ```
 */
export function checkBenchmark(table: PriceTable): PriceTable {
  if (table.columns.length !== 1) {
    throw new InputError(
      "BENCHMARK_COLUMNS",
      `must have exactly one price column (the benchmark), has ${table.columns.length}`,
      table.source ?? "benchmarkPrices",
    );
  }
  return table;
}

/** Portfolio and benchmark returns on the dates both have one; oldest first. */
export interface AlignedReturns {
  readonly dates: readonly string[];
  /** Portfolio simple returns per period. */
  readonly returns: Float64Array;
  /** Benchmark simple returns per period over the same periods. */
  readonly benchmark: Float64Array;
}

/**
 * Pairs each portfolio return with the benchmark's return over the same period: the portfolio's
 * return dated d_t runs from the previous row of its price table, d_{t−1}, so the benchmark's is
 * B(d_t) / B(d_{t−1}) − 1, read from the benchmark's prices by date. A period whose start or end
 * the benchmark lacks (or prices non-positive) is left out of both series, so returns over
 * different periods are never paired.
 *
 * @example
 * ```ts
 * const { returns, benchmark } = alignBenchmark(prices.dates, risk.dates, risk.returns, spy);
 * trackingError(returns, benchmark);
 * ```
 */
export function alignBenchmark(
  priceDates: readonly string[],
  returnDates: readonly string[],
  returns: Float64Array,
  benchmark: PriceTable,
): AlignedReturns {
  checkBenchmark(benchmark);
  if (returnDates.length !== returns.length) {
    throw new InputError(
      "VECTOR_LENGTH",
      `has ${returnDates.length} dates for ${returns.length} returns`,
      "returnDates",
    );
  }
  const price = new Map<string, number>();
  benchmark.dates.forEach((d, t) => {
    const p = benchmark.rows[t]?.[0];
    if (typeof p === "number" && p > 0) price.set(d, p);
  });
  const row = new Map<string, number>();
  priceDates.forEach((d, t) => row.set(d, t));
  const dates: string[] = [];
  const r: number[] = [];
  const b: number[] = [];
  returnDates.forEach((d, k) => {
    const t = row.get(d);
    const start = t === undefined || t === 0 ? undefined : price.get(priceDates[t - 1] ?? "");
    const end = price.get(d);
    if (start === undefined || end === undefined) return;
    dates.push(d);
    r.push(returns[k] as number);
    b.push(end / start - 1);
  });
  return { dates, returns: Float64Array.from(r), benchmark: Float64Array.from(b) };
}
