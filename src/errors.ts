/**
 * Typed errors shared by the library, the keeper and the CLI. Each carries a stable `code` and,
 * where an input is at fault, the path of the offending field, so a user can fix it without
 * reading a stack trace.
 */

/** What went wrong, which also fixes the CLI's exit code. */
export type ErrorKind = "bad-input" | "infeasible" | "rejected" | "internal";

/** Exit codes of the `portfolio` CLI: 2 = bad input, 3 = infeasible or rejected, 1 = internal. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  "bad-input": 2,
  infeasible: 3,
  rejected: 3,
  internal: 1,
};

/** Base class of every error this project throws on purpose. */
export class PortfolioError extends Error {
  /** Stable machine-readable code, e.g. `INPUT_NOT_FINITE`. */
  readonly code: string;
  readonly kind: ErrorKind;
  /** Path of the offending field, e.g. `covariance[2][1]`, when an input is at fault. */
  readonly path: string | undefined;

  constructor(kind: ErrorKind, code: string, message: string, path?: string, options?: ErrorOptions) {
    super(path === undefined ? message : `${path}: ${message}`, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.path = path;
  }
}

/**
 * Malformed or inconsistent input.
 *
 * @example
 * ```ts
 * throw new InputError("INPUT_NOT_FINITE", "must be a finite number, got NaN", "expectedReturns[3]");
 * ```
 */
export class InputError extends PortfolioError {
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("bad-input", code, message, path, options);
  }
}

/** A well-formed problem that has no solution; the message names the conflicting constraints. */
export class InfeasibleError extends PortfolioError {
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("infeasible", code, message, path, options);
  }
}

/** A well-formed request refused by policy: a bad signature, an unauthorised signer, a halted vault. */
export class RejectedError extends PortfolioError {
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("rejected", code, message, path, options);
  }
}
