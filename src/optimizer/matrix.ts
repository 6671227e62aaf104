import { InputError } from "../errors.ts";

/**
 * A dense symmetric n×n matrix, row-major: entry (i, j) is `data[i * n + j]`. Covariance matrices
 * cross module boundaries in this form, annualised unless a name says otherwise.
 */
export interface SymmetricMatrix {
  readonly n: number;
  readonly data: Float64Array;
}

/** Options of {@link symmetricFromRows}. */
export interface SymmetricFromRowsOptions {
  /** Largest accepted |a_ij − a_ji| relative to max(|a_ij|, |a_ji|, 1e-300). Default 1e-8. */
  readonly symmetryTolerance?: number;
}

/**
 * Validates a nested-array matrix from user input and packs it. Errors name the offending entry,
 * e.g. `covariance[2][1]`: the matrix must be square, finite, symmetric (then averaged with its
 * transpose to remove rounding noise) and have a non-negative diagonal.
 *
 * @example
 * ```ts
 * const sigma = symmetricFromRows([[0.04, 0.006], [0.006, 0.09]], "covariance");
 * sigma.data[1]; // 0.006
 * ```
 */
export function symmetricFromRows(
  rows: unknown,
  path: string,
  { symmetryTolerance = 1e-8 }: SymmetricFromRowsOptions = {},
): SymmetricMatrix {
  if (!Array.isArray(rows)) throw new InputError("MATRIX_NOT_ARRAY", "must be an array of rows", path);
  const n = rows.length;
  if (n === 0) throw new InputError("MATRIX_EMPTY", "must have at least one row", path);
  const data = new Float64Array(n * n);
  // Plain indexed loops: a 2000×2000 Σ is four million entries, and this runs on every call.
  for (let i = 0; i < n; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row)) throw new InputError("MATRIX_NOT_ARRAY", "must be an array", `${path}[${i}]`);
    if (row.length !== n) {
      throw new InputError(
        "MATRIX_NOT_SQUARE",
        `has ${row.length} entries, expected ${n} (square matrix)`,
        `${path}[${i}]`,
      );
    }
    const offset = i * n;
    for (let j = 0; j < n; j++) {
      const value: unknown = row[j];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new InputError(
          "INPUT_NOT_FINITE",
          `must be a finite number, got ${String(value)}`,
          `${path}[${i}][${j}]`,
        );
      }
      data[offset + j] = value;
    }
  }
  for (let i = 0; i < n; i++) {
    const d = data[i * n + i] ?? 0;
    if (d < 0)
      throw new InputError("MATRIX_NEGATIVE_VARIANCE", `diagonal entry is negative (${d})`, `${path}[${i}][${i}]`);
    for (let j = i + 1; j < n; j++) {
      const a = data[i * n + j] ?? 0;
      const b = data[j * n + i] ?? 0;
      if (a === b) continue;
      if (Math.abs(a - b) > symmetryTolerance * Math.max(Math.abs(a), Math.abs(b), 1e-300)) {
        throw new InputError("MATRIX_NOT_SYMMETRIC", `is ${a} but [${j}][${i}] is ${b}`, `${path}[${i}][${j}]`);
      }
      const mean = (a + b) / 2;
      data[i * n + j] = mean;
      data[j * n + i] = mean;
    }
  }
  return { n, data };
}

/**
 * Validates a numeric vector from user input: an array of `n` finite numbers.
 *
 * @example
 * ```ts
 * const mu = vectorFromArray([0.08, 0.1], 2, "expectedReturns");
 * ```
 */
export function vectorFromArray(values: unknown, n: number, path: string): Float64Array {
  if (!Array.isArray(values)) throw new InputError("VECTOR_NOT_ARRAY", "must be an array of numbers", path);
  if (values.length !== n) throw new InputError("VECTOR_LENGTH", `has ${values.length} entries, expected ${n}`, path);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value: unknown = values[i];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InputError("INPUT_NOT_FINITE", `must be a finite number, got ${String(value)}`, `${path}[${i}]`);
    }
    out[i] = value;
  }
  return out;
}

/** Unpacks a matrix to nested arrays (for JSON output). */
export function toRows({ n, data }: SymmetricMatrix): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * n, (i + 1) * n)));
}
