// What `portfolio backtest` and the governance evidence (`gov propose --backtest`,
// `gov verify-evidence`) read from their options alike: a prices CSV, ISO dates, and the optimiser
// to run (the pinned bundle, or the in-repo one).
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OptimizeFn } from "../backtest/target.ts";
import { InputError } from "../errors.ts";
import { parsePricesCsv, type PriceTable } from "../optimizer/estimators/priceTable.ts";
import { optimize } from "../optimizer/optimize.ts";
import { importBundle, readBundle } from "../protocol/bundle.ts";
import { sha256Hex } from "../protocol/inputs.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads and parses the prices CSV at `path`; an unreadable file is `FILE_UNREADABLE` naming
 * `option`, and parse errors name `source` (default the path).
 *
 * @example
 * ```ts
 * const prices = readPricesOption(opts.prices, "--prices");
 * ```
 */
export function readPricesOption(path: string, option: string, source: string = path): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError("FILE_UNREADABLE", `cannot read ${path}: ${(error as Error).message}`, option);
  }
  return parsePricesCsv(text, source);
}

/**
 * `text` when it is a calendar date YYYY-MM-DD (or absent), else `DATE_INVALID` naming `option`.
 *
 * @example
 * ```ts
 * dateOption("2018-01-31", "--from"); // "2018-01-31"
 * ```
 */
export function dateOption(text: string | undefined, option: string): string | undefined {
  if (text !== undefined && (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text)))) {
    throw new InputError("DATE_INVALID", `must be a date YYYY-MM-DD, got "${text}"`, option);
  }
  return text;
}

/**
 * The pinned bundle's `optimize`, imported from exactly the bytes hashed (cached under the temp
 * directory's `cache`), or the in-repo one without `bundle`.
 *
 * @example
 * ```ts
 * const run = await optimizerOf(opts.bundle, "portfolio-backtest-bundles");
 * ```
 */
export async function optimizerOf(bundle: string | undefined, cache: string): Promise<OptimizeFn> {
  if (bundle === undefined) return optimize;
  const bytes = await readBundle(bundle);
  const module = await importBundle(bytes, sha256Hex(bytes), join(tmpdir(), cache));
  return (problem, options) => module.optimize(problem, options);
}
