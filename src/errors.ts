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

/**
 * The brand every {@link PortfolioError} carries: the error tags of its class and their ancestors
 * (`["PortfolioError", "InputError"]`). A global-registry symbol, so two copies of this module —
 * the CLI's and the one esbuild bundles into the pinned optimiser (`dist/optimizer.mjs`) — brand
 * alike, and an error thrown inside the bundle is still recognised, by value, outside it.
 */
const BRAND: unique symbol = Symbol.for("dao-portfolio.PortfolioError");

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>(["bad-input", "infeasible", "rejected", "internal"]);

/** What `instanceof` and {@link isPortfolioError} read: the fields every copy of the class sets. */
interface Branded {
  readonly [BRAND]: readonly string[];
  readonly code: unknown;
  readonly kind: unknown;
  readonly message: unknown;
}

function brandOf(value: unknown): readonly string[] | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<Branded>;
  const tags = v[BRAND];
  if (!Array.isArray(tags) || typeof v.code !== "string" || typeof v.message !== "string") return null;
  if (typeof v.kind !== "string" || !ERROR_KINDS.has(v.kind)) return null;
  return tags as readonly string[];
}

/**
 * Base class of every error this project throws on purpose. `instanceof` compares by brand, not by
 * prototype, for the classes of this file: `e instanceof InputError` is true for an `InputError`
 * thrown by the bundled optimiser's own copy of this class. Subclasses elsewhere (the keeper's
 * transaction errors) keep plain prototype `instanceof`: they never cross the bundle boundary.
 *
 * @example
 * ```ts
 * try {
 *   optimizer.optimize(problem); // the pinned bundle, with its own copy of this file
 * } catch (error) {
 *   if (error instanceof InputError) process.exitCode = EXIT_CODES[error.kind]; // 2
 * }
 * ```
 */
export class PortfolioError extends Error {
  /** Tag compared by value across copies of this module; only this file's classes set one. */
  static readonly errorTag: string = "PortfolioError";

  /** Stable machine-readable code, e.g. `INPUT_NOT_FINITE`. */
  readonly code: string;
  readonly kind: ErrorKind;
  /** Path of the offending field, e.g. `covariance[2][1]`, when an input is at fault. */
  readonly path: string | undefined;
  readonly [BRAND]: readonly string[];

  constructor(kind: ErrorKind, code: string, message: string, path?: string, options?: ErrorOptions) {
    super(path === undefined ? message : `${path}: ${message}`, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.path = path;
    this[BRAND] = lineage(new.target);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only this file's classes are matched by tag; a subclass without its own tag is not.
    if (!Object.hasOwn(this, "errorTag")) return false;
    const tags = brandOf(value);
    return tags !== null && tags.includes((this as unknown as typeof PortfolioError).errorTag);
  }
}

/** The error tags of `target` and its ancestors (own `errorTag` statics), most derived first. */
function lineage(target: unknown): string[] {
  const tags: string[] = [];
  for (let c = target; typeof c === "function"; c = Object.getPrototypeOf(c) as unknown) {
    if (Object.hasOwn(c, "errorTag")) tags.push((c as unknown as typeof PortfolioError).errorTag);
    if (c === PortfolioError) break;
  }
  return tags;
}

/**
 * Whether `value` is an error of this hierarchy from any copy of this module (the CLI's, the
 * bundled optimiser's): compared by its brand and fields, not by prototype.
 *
 * @example
 * ```ts
 * if (isPortfolioError(error)) process.stderr.write(`${error.message} [${error.code}]\n`);
 * ```
 */
export function isPortfolioError(value: unknown): value is PortfolioError {
  return brandOf(value)?.includes(PortfolioError.errorTag) === true;
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
  static override readonly errorTag: string = "InputError";
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("bad-input", code, message, path, options);
  }
}

/** A well-formed problem that has no solution; the message names the conflicting constraints. */
export class InfeasibleError extends PortfolioError {
  static override readonly errorTag: string = "InfeasibleError";
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("infeasible", code, message, path, options);
  }
}

/** A well-formed request refused by policy: a bad signature, an unauthorised signer, a halted vault. */
export class RejectedError extends PortfolioError {
  static override readonly errorTag: string = "RejectedError";
  constructor(code: string, message: string, path?: string, options?: ErrorOptions) {
    super("rejected", code, message, path, options);
  }
}
