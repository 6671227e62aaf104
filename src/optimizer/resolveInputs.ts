import { InputError } from "../errors.ts";
import { ensurePsd } from "./covariance.ts";
import { symmetricFromRows, vectorFromArray, type SymmetricMatrix } from "./matrix.ts";
import type { PricesInput, Problem } from "./problem.ts";
import type { QpCovariance } from "./qp/types.ts";

/** Prices by date, one column per asset; `null` = missing. */
export interface PriceTable {
  readonly dates: readonly string[];
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | null)[])[];
}

/** The estimator spec objects of the problem format (see docs/problem-format.md). */
export type ExpectedReturnsSpec = Exclude<Problem["expectedReturns"], unknown[] | undefined>;
export type CovarianceSpec = Extract<Exclude<Problem["covariance"], unknown[] | undefined>, { method: string }>;

/** Options the estimators take: periods per year and, for CAPM/single-factor, market prices. */
export interface EstimatorOptions {
  readonly frequency: number;
  readonly marketPrices?: PriceTable;
}

/**
 * The estimator functions `resolveInputs` needs, injected so the optimiser core does not depend
 * on how they are implemented (`src/optimizer/estimators/`; wired in `defaultEstimators.ts`).
 */
export interface EstimatorFunctions {
  parsePricesCsv(text: string, source?: string): PriceTable;
  priceTableFromInline(input: { columns: string[]; rows: (string | number | null)[][] }): PriceTable;
  estimateExpectedReturns(prices: PriceTable, spec: ExpectedReturnsSpec, options: EstimatorOptions): Float64Array;
  estimateCovariance(
    prices: PriceTable,
    spec: CovarianceSpec,
    options: EstimatorOptions,
  ): { matrix: SymmetricMatrix; warnings: string[] };
}

/** Market inputs every optimiser consumes: annualised μ (absent if not needed) and Σ. */
export interface MarketInputs {
  readonly assets: readonly string[];
  /** Annualised expected returns, fractions (0.08 = 8 %/year); null when neither given nor estimable. */
  readonly expectedReturns: Float64Array | null;
  readonly covariance: QpCovariance;
  /** Prices restricted to `assets`, when the problem has prices (used by resampling and ERC/BL). */
  readonly prices: PriceTable | null;
  readonly frequency: number;
  readonly warnings: string[];
}

/** Options of {@link resolveInputs}. */
export interface ResolveOptions {
  /** Contents of files named in the problem (prices paths), keyed by the path as written. */
  readonly files?: Readonly<Record<string, string>>;
}

function loadPrices(
  input: PricesInput,
  path: string,
  estimators: EstimatorFunctions,
  files: Readonly<Record<string, string>>,
): PriceTable {
  if (typeof input === "string") {
    const text = files[input];
    if (text === undefined) {
      throw new InputError(
        "PRICES_FILE_NOT_LOADED",
        `file "${input}" was not supplied; the CLI reads it relative to the problem file, library callers pass it in options.files`,
        path,
      );
    }
    return estimators.parsePricesCsv(text, input);
  }
  return estimators.priceTableFromInline({ columns: input.columns, rows: input.rows });
}

function selectColumns(table: PriceTable, assets: readonly string[], path: string): PriceTable {
  const index = assets.map((a) => {
    const i = table.columns.indexOf(a);
    if (i < 0) throw new InputError("ASSET_NOT_IN_PRICES", `asset "${a}" has no column in prices`, path);
    return i;
  });
  if (index.every((c, k) => c === k) && index.length === table.columns.length) return table;
  return { dates: table.dates, columns: [...assets], rows: table.rows.map((r) => index.map((i) => r[i] ?? null)) };
}

function matrixFromRows(rows: unknown, nRows: number, nCols: number, path: string): Float64Array {
  if (!Array.isArray(rows)) throw new InputError("MATRIX_NOT_ARRAY", "must be an array of rows", path);
  if (rows.length !== nRows) throw new InputError("MATRIX_SHAPE", `has ${rows.length} rows, expected ${nRows}`, path);
  const out = new Float64Array(nRows * nCols);
  rows.forEach((row: unknown, i) => out.set(vectorFromArray(row, nCols, `${path}[${i}]`), i * nCols));
  return out;
}

/**
 * Resolves the problem's market inputs: asset names, annualised expected returns and covariance,
 * from inline numbers, a factor model, or prices through the injected estimators. A covariance
 * that is not positive semidefinite is repaired by eigenvalue clipping, with a warning.
 *
 * @example
 * ```ts
 * const inputs = resolveInputs(parseProblem(json), defaultEstimators, { files: { "prices.csv": text } });
 * ```
 */
export function resolveInputs(
  problem: Problem,
  estimators: EstimatorFunctions,
  { files = {} }: ResolveOptions = {},
): MarketInputs {
  const warnings: string[] = [];
  const frequency = problem.frequency ?? 252;
  let prices: PriceTable | null = null;
  if (problem.prices !== undefined) prices = loadPrices(problem.prices, "prices", estimators, files);
  const assets: readonly string[] = problem.assets ?? prices?.columns ?? [];
  if (assets.length === 0) throw new InputError("FIELD_MISSING", "required when prices are absent", "assets");
  const duplicate = assets.find((a, i) => assets.indexOf(a) !== i);
  if (duplicate !== undefined) throw new InputError("ASSET_DUPLICATE", `"${duplicate}" appears twice`, "assets");
  if (prices !== null) prices = selectColumns(prices, assets, "prices");
  const n = assets.length;
  const market =
    problem.benchmarkPrices === undefined
      ? undefined
      : loadPrices(problem.benchmarkPrices, "benchmarkPrices", estimators, files);
  const estimatorOptions: EstimatorOptions = market === undefined ? { frequency } : { frequency, marketPrices: market };
  const needPrices = (path: string): PriceTable => {
    if (prices === null) {
      throw new InputError("PRICES_REQUIRED", "an estimator spec needs `prices`", path);
    }
    return prices;
  };

  // Covariance.
  let covariance: QpCovariance;
  const cov = problem.covariance;
  if (cov === undefined && prices === null) {
    throw new InputError(
      "FIELD_MISSING",
      "required: a matrix, a factor model, or prices to estimate it from",
      "covariance",
    );
  }
  if (cov === undefined || (!Array.isArray(cov) && "method" in cov)) {
    const spec: CovarianceSpec = cov === undefined ? { method: "sample" } : cov;
    const table = needPrices("covariance");
    const estimated = (estimators as EstimatorFunctions).estimateCovariance(table, spec, estimatorOptions);
    warnings.push(...estimated.warnings);
    covariance = { kind: "dense", n, data: estimated.matrix.data };
  } else if (Array.isArray(cov)) {
    const m = symmetricFromRows(cov, "covariance");
    if (m.n !== n)
      throw new InputError("MATRIX_SHAPE", `is ${m.n}×${m.n}, expected ${n}×${n} (one per asset)`, "covariance");
    covariance = { kind: "dense", n, data: m.data };
  } else {
    const k = Array.isArray(cov.factorCovariance) ? cov.factorCovariance.length : 0;
    if (k === 0) throw new InputError("MATRIX_EMPTY", "must have at least one factor", "covariance.factorCovariance");
    const loadings = matrixFromRows(cov.factorLoadings, n, k, "covariance.factorLoadings");
    const f = symmetricFromRows(cov.factorCovariance, "covariance.factorCovariance");
    const specific = vectorFromArray(cov.specificVariance, n, "covariance.specificVariance");
    specific.forEach((v, i) => {
      if (v < 0) {
        throw new InputError("MATRIX_NEGATIVE_VARIANCE", `is negative (${v})`, `covariance.specificVariance[${i}]`);
      }
    });
    const psd = ensurePsd(f.data, k);
    if (psd.repaired) {
      warnings.push(
        `covariance.factorCovariance is not positive semidefinite (smallest eigenvalue ${psd.smallestEigenvalue.toExponential(3)}): clipped ${psd.clipped} negative eigenvalue(s) to 0`,
      );
    }
    covariance = { kind: "factor", n, k, loadings, factorCovariance: psd.data, specificVariance: specific };
  }
  if (covariance.kind === "dense") {
    const psd = ensurePsd(covariance.data, n);
    if (psd.repaired) {
      warnings.push(
        `covariance is not positive semidefinite (smallest eigenvalue ${psd.smallestEigenvalue.toExponential(3)}): clipped ${psd.clipped} negative eigenvalue(s) to 0`,
      );
      covariance = { kind: "dense", n, data: psd.data };
    }
  }

  // Expected returns.
  let expectedReturns: Float64Array | null = null;
  const er = problem.expectedReturns;
  if (Array.isArray(er)) expectedReturns = vectorFromArray(er, n, "expectedReturns");
  else if (er !== undefined) {
    expectedReturns = (estimators as EstimatorFunctions).estimateExpectedReturns(
      needPrices("expectedReturns"),
      er,
      estimatorOptions,
    );
  } else if (prices !== null && estimators !== undefined) {
    expectedReturns = estimators.estimateExpectedReturns(prices, { method: "mean-historical" }, estimatorOptions);
  }
  return { assets, expectedReturns, covariance, prices, frequency, warnings };
}
