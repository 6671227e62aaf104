// `portfolio allocate`'s implementation, loaded only when the command runs (src/cli/main.ts).
import { readFileSync } from "node:fs";
import Table from "cli-table3";
import { InputError } from "../../errors.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { tableStyle, useColour } from "../output.ts";
import { allocate, type AllocationMethod, type AllocationResult } from "../../optimizer/allocation/allocate.ts";

/** The options `portfolio allocate` parses (src/cli/commands/allocate.ts). */
export interface AllocateOptions {
  weights: string;
  prices: string;
  nav: string;
  decimals?: string;
  minTrade: string;
  method: string;
  /** Seconds (default "10", src/cli/commands/allocate.ts); greedy ignores it. */
  timeLimit?: string;
  json?: boolean;
  table?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `{assets, weights}` (what `portfolio optimize` prints) or `{weights: {symbol: w}}`. */
function readWeights(path: string): { assets: string[]; weights: number[] } {
  const json = readJsonFile(path, { field: "--weights" });
  if (isRecord(json) && Array.isArray(json.assets) && Array.isArray(json.weights)) {
    const assets = json.assets.map((a, i) => {
      if (typeof a !== "string") throw new InputError("WEIGHTS_INVALID", "must be a symbol", `--weights: assets[${i}]`);
      return a;
    });
    return { assets, weights: json.weights.map((w) => (typeof w === "number" ? w : NaN)) };
  }
  if (isRecord(json) && isRecord(json.weights)) {
    const entries = Object.entries(json.weights);
    return { assets: entries.map(([a]) => a), weights: entries.map(([, w]) => (typeof w === "number" ? w : NaN)) };
  }
  throw new InputError(
    "WEIGHTS_INVALID",
    "must hold {assets: [...], weights: [...]} or {weights: {symbol: w}}",
    "--weights",
  );
}

/** `{symbol: price}` JSON, or a CSV (header `date,SYM,…`) whose last row holds the latest prices. */
function readPrices(path: string): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError("FILE_UNREADABLE", `cannot read ${path}: ${(error as Error).message}`, "--prices");
  }
  if (text.trimStart().startsWith("{")) {
    const json = readJsonFile(path, { field: "--prices" });
    if (!isRecord(json)) throw new InputError("PRICES_INVALID", "must be a JSON object {symbol: price}", "--prices");
    return Object.fromEntries(Object.entries(json).map(([s, p]) => [s, typeof p === "number" ? p : NaN]));
  }
  const rows = text.trim().split(/\r?\n/);
  const header = (rows[0] ?? "").split(",").slice(1);
  const last = (rows.at(-1) ?? "").split(",").slice(1);
  if (rows.length < 2 || header.length === 0) {
    throw new InputError("PRICES_INVALID", "a prices CSV needs a header `date,SYM,…` and at least one row", "--prices");
  }
  // A blank cell (an asset not yet listed) is no price, which the library reports only if it has weight.
  return Object.fromEntries(
    header.flatMap((s, i) => ((last[i] ?? "").trim() === "" ? [] : [[s.trim(), Number(last[i])] as const])),
  );
}

/** `{"WETH": 18}` or `WETH=18,USDC=6`. */
function parseDecimals(spec: string | undefined): Record<string, number> | undefined {
  if (spec === undefined) return undefined;
  if (spec.trimStart().startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(spec);
    } catch {
      throw new InputError("OPTION_INVALID", `is not JSON: ${spec}`, "--decimals");
    }
    if (!isRecord(json))
      throw new InputError("OPTION_INVALID", "must be a JSON object {symbol: decimals}", "--decimals");
    return Object.fromEntries(Object.entries(json).map(([s, d]) => [s, typeof d === "number" ? d : NaN]));
  }
  return Object.fromEntries(
    spec.split(",").map((pair) => {
      const [symbol, d] = pair.split("=");
      if (symbol === undefined || d === undefined || symbol.trim() === "" || !/^\d+$/.test(d.trim())) {
        throw new InputError("OPTION_INVALID", `expected symbol=decimals, got "${pair}"`, "--decimals");
      }
      return [symbol.trim(), Number(d)];
    }),
  );
}

function amountOption(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new InputError("OPTION_INVALID", `must be a number, got "${text}"`, option);
  }
  return value;
}

function positiveOption(text: string, option: string): number {
  const value = amountOption(text, option);
  if (value <= 0) throw new InputError("OPTION_INVALID", `must be > 0, got "${text}"`, option);
  return value;
}

/** The allocation as a table for people; `--json` prints the same numbers. */
export function allocationTable(r: AllocationResult, colour: boolean): string {
  const table = new Table({
    head: ["asset", "amount", "value", "target", "weight"],
    style: tableStyle(colour),
  });
  for (const a of r.allocation) {
    table.push([
      a.asset,
      a.amount,
      a.value.toFixed(2),
      `${(a.targetWeight * 100).toFixed(2)}%`,
      `${(a.weight * 100).toFixed(2)}%`,
    ]);
  }
  const summary = `${r.method}: spent ${r.spent.toFixed(2)} of ${r.nav}, leftover ${r.leftover.toFixed(2)}, RMSE ${r.rmse.toFixed(4)}`;
  const warnings = r.warnings.map((w) => `warning: ${w}\n`).join("");
  return `${table.toString()}\n${summary}\n${warnings}`;
}

/**
 * Reads the weights and prices, allocates and prints JSON (or `--table`).
 *
 * @throws {InputError} naming the option or field at fault (exit 2).
 * @throws {InfeasibleError} when nothing is affordable (exit 3).
 * @throws {RejectedError} `ALLOCATION_NOT_PROVEN` when the integer search outlasts `--time-limit` (exit 3).
 * @example
 * ```ts
 * await runAllocate({ weights: "result.json", prices: "latest.json", nav: "10000", minTrade: "0", method: "integer" });
 * ```
 */
export async function runAllocate(opts: AllocateOptions): Promise<void> {
  if (opts.method !== "greedy" && opts.method !== "integer") {
    throw new InputError("OPTION_INVALID", `must be greedy or integer, got "${opts.method}"`, "--method");
  }
  const method: AllocationMethod = opts.method;
  const { assets, weights } = readWeights(opts.weights);
  const decimals = parseDecimals(opts.decimals);
  const result = await allocate(
    {
      assets,
      weights,
      prices: readPrices(opts.prices),
      nav: amountOption(opts.nav, "--nav"),
      minTrade: amountOption(opts.minTrade, "--min-trade"),
      ...(decimals === undefined ? {} : { decimals }),
      ...(opts.timeLimit === undefined ? {} : { timeLimitSeconds: positiveOption(opts.timeLimit, "--time-limit") }),
    },
    method,
  );
  if (opts.table) process.stdout.write(allocationTable(result, useColour(process.stdout)));
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
