import { InputError } from "../../errors.ts";

/**
 * Prices as read from a CSV or an inline table: one row per date, one column per asset.
 * `rows[t][j]` is the price of asset `columns[j]` on `dates[t]` (any positive unit, e.g. USD;
 * only ratios matter), or `null` where the cell was empty (before a listing, after a delisting).
 */
export interface PriceTable {
  readonly dates: readonly string[];
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | null)[])[];
  /** Where the table came from (a file path or a field path), used to name it in errors. */
  readonly source?: string;
}

/** The inline form of a price table in a problem file: the first column is the date. */
export interface InlinePriceTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

// A plain decimal number; everything else ("abc", "0x10", "NaN", "Infinity") is rejected.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/;

/**
 * Parses a prices CSV held in a string (the caller reads the file). The header's first cell names
 * the date column and the others name the assets; an empty cell is a missing price. Errors name
 * the row (the line number in the file, header = row 1), the date and the asset.
 *
 * @example
 * ```ts
 * const prices = parsePricesCsv("date,AAA,BBB\n2024-01-02,10,20\n2024-01-03,10.5,\n", "prices.csv");
 * prices.rows[1]; // [10.5, null]
 * ```
 */
export function parsePricesCsv(text: string, source = "prices"): PriceTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] ?? "").trim() === "") lines.pop();
  const headerLine = lines[0];
  if (headerLine === undefined || headerLine.trim() === "") {
    throw new InputError("PRICES_EMPTY", "the CSV is empty (expected a header row: date,ASSET1,ASSET2,...)", source);
  }
  const header = splitCsvLine(headerLine, 1, source);
  const columns = checkColumns(
    header.slice(1).map((c) => c.trim()),
    source,
    (j) => `header, column ${j + 2}`,
  );
  const dates: string[] = [];
  const rows: (number | null)[][] = [];
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l] ?? "";
    const rowNumber = l + 1;
    if (line.trim() === "") {
      throw new InputError("PRICES_BLANK_ROW", `row ${rowNumber} is blank`, source);
    }
    const cells = splitCsvLine(line, rowNumber, source);
    if (cells.length !== header.length) {
      throw new InputError(
        "PRICES_RAGGED",
        `row ${rowNumber} has ${cells.length} cells, the header has ${header.length}`,
        source,
      );
    }
    const date = (cells[0] ?? "").trim();
    const where = `row ${rowNumber} (${date === "" ? "no date" : date})`;
    if (date === "") throw new InputError("PRICES_MISSING_DATE", `${where}: the date cell is empty`, source);
    dates.push(date);
    rows.push(cells.slice(1).map((cell, j) => parsePriceCell(cell, source, `${where}, column ${columns[j] ?? j}`)));
  }
  return finishTable(dates, columns, rows, source, (t) => `row ${t + 2} (${dates[t] ?? ""})`);
}

/**
 * Validates the inline form `{columns, rows}` of a problem file (first column the date). Errors
 * carry the exact field path, e.g. `prices.rows[16][3]`.
 *
 * @example
 * ```ts
 * const prices = priceTableFromInline({ columns: ["date", "AAA"], rows: [["2024-01-02", 10], ["2024-01-03", 11]] });
 * ```
 */
export function priceTableFromInline(inline: unknown, source = "prices"): PriceTable {
  if (typeof inline !== "object" || inline === null || Array.isArray(inline)) {
    throw new InputError("PRICES_NOT_TABLE", "must be an object {columns, rows} or a CSV path", source);
  }
  const { columns: rawColumns, rows: rawRows } = inline as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(rawColumns) || rawColumns.some((c) => typeof c !== "string")) {
    throw new InputError("PRICES_COLUMNS", "must be an array of strings (date column first)", `${source}.columns`);
  }
  const header = rawColumns as string[];
  const columns = checkColumns(
    header.slice(1).map((c) => c.trim()),
    `${source}.columns`,
    (j) => `entry ${j + 1}`,
  );
  if (!Array.isArray(rawRows)) throw new InputError("PRICES_ROWS", "must be an array of rows", `${source}.rows`);
  const dates: string[] = [];
  const rows: (number | null)[][] = [];
  rawRows.forEach((row: unknown, t) => {
    const path = `${source}.rows[${t}]`;
    if (!Array.isArray(row)) throw new InputError("PRICES_ROWS", "must be an array [date, price, ...]", path);
    if (row.length !== header.length) {
      throw new InputError("PRICES_RAGGED", `has ${row.length} cells, columns has ${header.length}`, path);
    }
    const date: unknown = row[0];
    if (typeof date !== "string" || date.trim() === "") {
      throw new InputError("PRICES_MISSING_DATE", "the date must be a non-empty string", `${path}[0]`);
    }
    dates.push(date.trim());
    rows.push(
      row.slice(1).map((cell: unknown, j) => {
        const cellPath = `${path}[${j + 1}]`;
        if (cell === null) return null;
        if (typeof cell === "string") return parsePriceCell(cell, cellPath, `column ${columns[j] ?? j}`);
        if (typeof cell !== "number" || !Number.isFinite(cell)) {
          throw new InputError("INPUT_NOT_FINITE", `must be a finite number or null, got ${String(cell)}`, cellPath);
        }
        return checkPositive(cell, cellPath, `column ${columns[j] ?? j}`);
      }),
    );
  });
  return finishTable(dates, columns, rows, source, (t) => `rows[${t}] (${dates[t] ?? ""})`);
}

function checkColumns(names: readonly string[], path: string, where: (j: number) => string): string[] {
  if (names.length === 0)
    throw new InputError("PRICES_NO_ASSETS", "needs at least one asset column after the date", path);
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === "") throw new InputError("PRICES_COLUMN_NAME", `${where(j)}: the asset name is empty`, path);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError("PRICES_DUPLICATE_COLUMN", `${where(j)}: asset ${name} appears twice`, path);
    }
    seen.set(name, j);
  });
  return [...names];
}

function parsePriceCell(raw: string, path: string, where: string): number | null {
  const cell = raw.trim();
  if (cell === "") return null;
  if (!DECIMAL.test(cell)) {
    throw new InputError(
      "PRICES_NOT_A_NUMBER",
      `${where}: "${cell}" is not a number (leave the cell empty for a missing price)`,
      path,
    );
  }
  return checkPositive(Number(cell), path, where);
}

function checkPositive(value: number, path: string, where: string): number {
  if (!Number.isFinite(value)) throw new InputError("INPUT_NOT_FINITE", `${where}: ${value} is not finite`, path);
  if (value <= 0) throw new InputError("PRICES_NOT_POSITIVE", `${where}: price ${value} is not positive`, path);
  return value;
}

function finishTable(
  dates: string[],
  columns: string[],
  rows: (number | null)[][],
  source: string,
  where: (t: number) => string,
): PriceTable {
  if (dates.length < 2) {
    throw new InputError("PRICES_TOO_FEW_ROWS", `has ${dates.length} price rows; at least 2 are needed`, source);
  }
  const seen = new Map<string, number>();
  dates.forEach((date, t) => {
    const first = seen.get(date);
    if (first !== undefined) {
      throw new InputError(
        "PRICES_DUPLICATE_DATE",
        `${where(t)}: date ${date} already appears at ${where(first)}`,
        source,
      );
    }
    seen.set(date, t);
  });
  // Returns are taken between consecutive rows, so rows out of order would silently give wrong
  // numbers. Only ISO dates can be compared as strings; other formats are taken as given.
  if (dates.every((d) => ISO_DATE.test(d))) {
    for (let t = 1; t < dates.length; t++) {
      if ((dates[t] ?? "") <= (dates[t - 1] ?? "")) {
        throw new InputError(
          "PRICES_UNSORTED",
          `${where(t)}: dates must increase (previous row is ${dates[t - 1] ?? ""})`,
          source,
        );
      }
    }
  }
  return { dates, columns, rows, source };
}

/**
 * Splits one CSV line, honouring RFC 4180 double quotes (a quoted cell may hold commas; `""` is a
 * quote). Line breaks inside quotes are not supported: price files never need them.
 */
function splitCsvLine(line: string, rowNumber: number, source: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new InputError("PRICES_BAD_QUOTE", `row ${rowNumber}: unterminated quote`, source);
  cells.push(cell);
  return cells;
}

/**
 * The columns of `prices` named by `assets`, in that order (a problem's `assets` field picks and
 * orders the universe from a wider prices file). Errors name the entry of `assets` at fault.
 *
 * @example
 * ```ts
 * const universe = selectAssets(prices, ["MSFT", "AAPL"], "assets");
 * universe.columns; // ["MSFT", "AAPL"]
 * ```
 */
export function selectAssets(prices: PriceTable, assets: readonly string[], path = "assets"): PriceTable {
  const index = new Map(prices.columns.map((c, j) => [c, j]));
  const seen = new Set<string>();
  const picks = assets.map((asset, k) => {
    const j = typeof asset === "string" ? index.get(asset) : undefined;
    if (j === undefined) {
      throw new InputError(
        "ASSET_NOT_IN_PRICES",
        `${JSON.stringify(asset)} is not a column of ${prices.source ?? "prices"}`,
        `${path}[${k}]`,
      );
    }
    if (seen.has(asset)) throw new InputError("ASSET_DUPLICATE", `${asset} appears twice`, `${path}[${k}]`);
    seen.add(asset);
    return j;
  });
  if (picks.length === 0) throw new InputError("ASSETS_EMPTY", "must name at least one asset", path);
  return {
    dates: prices.dates,
    columns: picks.map((j) => prices.columns[j] as string),
    rows: prices.rows.map((row) => picks.map((j) => row[j] ?? null)),
    ...(prices.source === undefined ? {} : { source: prices.source }),
  };
}
