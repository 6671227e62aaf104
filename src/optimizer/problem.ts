import { z } from "zod";
import { InputError } from "../errors.ts";
import { blackLittermanSectionSchema } from "./blackLitterman/section.ts";

// The problem format of docs/problem-format.md. Matrices and the estimator specs are checked in
// resolveInputs.ts, where the error can name the exact entry (`covariance[2][1]`).

const finite = z.number().finite();
const optionalBound = finite.nullable().optional();
const boundSide = z.union([finite.nullable(), z.array(finite.nullable())]).optional();

const pricesSchema = z.union([
  z.string().min(1),
  // Inline: `columns` = [date header, asset…], each row [date, price or null…]; the cells are checked
  // (and named) by priceTableFromInline.
  z.object({
    columns: z.array(z.string()),
    rows: z.array(z.array(z.union([z.string(), finite, z.null()]))),
  }),
]);

/** `expectedReturns`: annualised values, or an estimator spec (estimators/). */
const expectedReturnsSchema = z.union([
  z.array(z.unknown()),
  z
    .object({
      method: z.enum(["mean-historical", "ema-historical", "capm"]),
      compounding: z.boolean().optional(),
      span: finite.positive().optional(),
      riskFreeRate: finite.optional(),
    })
    .strict(),
]);

const covarianceSchema = z.union([
  z.array(z.unknown()),
  z
    .object({
      method: z.enum(["sample", "semicovariance", "exp", "ledoit-wolf", "oracle-approximating"]),
      target: z.enum(["constant-variance", "single-factor", "constant-correlation"]).optional(),
      span: finite.positive().optional(),
      benchmark: finite.optional(),
    })
    .strict(),
  z
    .object({
      factorLoadings: z.array(z.unknown()),
      factorCovariance: z.array(z.unknown()),
      specificVariance: z.array(z.unknown()),
    })
    .strict(),
]);

const weightsVector = z.array(finite);

const constraintsSchema = z
  .object({
    budget: finite.optional(),
    bounds: z.object({ lower: boundSide, upper: boundSide }).strict().optional(),
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            assets: z.array(z.string()).min(1),
            lower: optionalBound,
            upper: optionalBound,
          })
          .strict(),
      )
      .optional(),
    linear: z
      .array(
        z
          .object({ name: z.string().min(1), coefficients: weightsVector, lower: optionalBound, upper: optionalBound })
          .strict(),
      )
      .optional(),
    trackingError: z.object({ benchmarkWeights: weightsVector, max: finite.positive() }).strict().optional(),
    esg: z.object({ scores: weightsVector, min: finite }).strict().optional(),
    turnover: z.object({ currentWeights: weightsVector, max: finite.nonnegative() }).strict().optional(),
    liquidity: z
      .object({
        currentWeights: weightsVector,
        nav: finite.positive(),
        adv: z.array(finite.nonnegative()),
        maxAdvFraction: finite.positive().optional(),
      })
      .strict()
      .optional(),
    penalties: z
      .object({
        l2Gamma: finite.nonnegative().optional(),
        transactionCost: z.object({ currentWeights: weightsVector, rate: finite.nonnegative() }).strict().optional(),
        trackingError: z.object({ benchmarkWeights: weightsVector, lambda: finite.nonnegative() }).strict().optional(),
        marketImpact: z
          .object({
            currentWeights: weightsVector,
            nav: finite.positive(),
            adv: z.array(finite.positive()),
            coefficient: finite.nonnegative(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Fields every optimiser type reads: the market inputs, the risk-free rate and the constraints. */
const commonFields = {
  assets: z.array(z.string().min(1)).min(1).optional(),
  prices: pricesSchema.optional(),
  frequency: finite.positive().optional(),
  benchmarkPrices: pricesSchema.optional(),
  expectedReturns: expectedReturnsSchema.optional(),
  covariance: covarianceSchema.optional(),
  riskFreeRate: finite.optional(),
  constraints: constraintsSchema.optional(),
};

/** Fields of the mean-variance engine: MARKOWITZ, and Black-Litterman's last step. */
const meanVarianceFields = {
  objective: z
    .enum([
      "min-variance",
      "max-sharpe",
      "quadratic-utility",
      "efficient-risk",
      "efficient-return",
      "min-cvar",
      "efficient-cvar",
    ])
    .optional(),
  /** Confidence level of min-cvar / efficient-cvar (default 0.95). */
  beta: finite.optional(),
  riskAversion: finite.positive().optional(),
  targetVolatility: finite.positive().optional(),
  targetReturn: finite.optional(),
  method: z.enum(["closed-form", "qp", "resampled"]).optional(),
  resampling: z
    .object({
      draws: z.number().int().min(1).max(100_000).optional(),
      observations: z.number().int().min(2).optional(),
      seed: z.number().int().optional(),
    })
    .strict()
    .optional(),
  solver: z.enum(["ipm", "highs"]).optional(),
};

const markowitzProblemSchema = z
  .object({ optimizerType: z.literal("MARKOWITZ"), ...commonFields, ...meanVarianceFields })
  .strict();

// Risk budgeting has no objective, method, δ, targets or QP backend: those fields are refused
// rather than silently ignored. Budgets are checked (positive, summing to 1, one per asset) by
// riskParity/validate.ts, which names the entry.
const ercProblemSchema = z
  .object({
    optimizerType: z.literal("ERC"),
    ...commonFields,
    riskBudgets: z.array(finite).optional(),
    ercMethod: z.enum(["ccd", "newton", "qp", "gradient"]).optional(),
  })
  .strict();

// Hierarchical risk parity: no objective, method, δ, targets or QP backend, as for ERC. Tracking
// error and the penalties have no HRP form and are refused by the branch, naming the field.
const hrpProblemSchema = z
  .object({
    optimizerType: z.literal("HRP"),
    ...commonFields,
    linkage: z.enum(["single", "complete", "average", "ward"]).optional(),
    split: z.enum(["halves", "dendrogram"]).optional(),
    // Hierarchical equal risk contribution instead of bisection (docs/hrp.md).
    herc: z.object({ clusters: z.number().int().positive() }).strict().optional(),
  })
  .strict();

const blackLittermanProblemSchema = z
  .object({
    optimizerType: z.literal("BLACK_LITTERMAN"),
    ...commonFields,
    ...meanVarianceFields,
    blackLitterman: blackLittermanSectionSchema,
  })
  .strict();

/**
 * Zod schema of a problem: a union discriminated by `optimizerType`, each branch strict (a field
 * that its optimiser does not read is an error, not ignored). {@link parseProblem} fills in the
 * default `optimizerType: "MARKOWITZ"` before parsing.
 */
export const problemSchema = z.discriminatedUnion("optimizerType", [
  markowitzProblemSchema,
  ercProblemSchema,
  blackLittermanProblemSchema,
  hrpProblemSchema,
]);

/** A problem as parsed by {@link parseProblem}: one of the four optimiser types. */
export type Problem = z.infer<typeof problemSchema>;
export type MarkowitzProblem = z.infer<typeof markowitzProblemSchema>;
export type ErcProblem = z.infer<typeof ercProblemSchema>;
export type BlackLittermanProblem = z.infer<typeof blackLittermanProblemSchema>;
export type HrpProblem = z.infer<typeof hrpProblemSchema>;
/** The problems the mean-variance engine solves (Black-Litterman hands it its posterior). */
export type MeanVarianceProblem = MarkowitzProblem | BlackLittermanProblem;
export type OptimizerType = Problem["optimizerType"];
export type Constraints = z.infer<typeof constraintsSchema>;
export type PricesInput = z.infer<typeof pricesSchema>;
export type ExpectedReturnsInput = z.infer<typeof expectedReturnsSchema>;
export type CovarianceInput = z.infer<typeof covarianceSchema>;

/** Formats a zod path as `constraints.groups[0].upper`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? key : `${out}.${key}`),
    "",
  );
}

/**
 * The most specific issue: a union (`bounds.upper` is a number, null or an array) reports one
 * issue per alternative; the alternative that got furthest names the real culprit, e.g.
 * `constraints.bounds.upper[1]` rather than `constraints.bounds.upper`.
 */
function deepestIssue(issues: readonly z.ZodIssue[]): z.ZodIssue | undefined {
  let best: z.ZodIssue | undefined;
  for (const issue of issues) {
    const candidate =
      issue.code === "invalid_union" ? (deepestIssue(issue.unionErrors.flatMap((e) => e.issues)) ?? issue) : issue;
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  return best;
}

/**
 * Validates a problem object (parsed JSON or built in code). Throws an {@link InputError} whose
 * path names the first offending field, e.g. `constraints.bounds.upper[3]`.
 *
 * @example
 * ```ts
 * const problem = parseProblem(JSON.parse(text));
 * ```
 */
export function parseProblem(input: unknown): Problem {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InputError("PROBLEM_NOT_OBJECT", "the problem must be a JSON object", "problem");
  }
  // A problem without an optimizerType is a Markowitz problem (docs/problem-format.md).
  const typed =
    "optimizerType" in input && input.optimizerType !== undefined ? input : { ...input, optimizerType: "MARKOWITZ" };
  const parsed = problemSchema.safeParse(typed);
  if (parsed.success) return parsed.data;
  const type = String((typed as { optimizerType: unknown }).optimizerType);
  // Each top-level issue once, by its most specific form; the deepest names the error (its code
  // and field), and every other problem found is listed after it, so one run shows them all.
  const found = parsed.error.issues.map((issue) => describeIssue(deepestIssue([issue]) ?? issue, type));
  const first = deepestIssue(parsed.error.issues);
  if (first === undefined) throw new InputError("PROBLEM_INVALID", "invalid problem", "problem");
  const main = describeIssue(first, type);
  const others = found.filter((d) => !(d.path === main.path && d.message === main.message));
  const also =
    others.length === 0 ? "" : `; also ${others.map((d) => `${d.path}: ${d.message} [${d.code}]`).join("; ")}`;
  throw new InputError(main.code, `${main.message}${also}`, main.path);
}

/** One validation problem as the error names it: code, message and field path. */
function describeIssue(issue: z.ZodIssue, type: string): { code: string; message: string; path: string } {
  if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
    // At the top level the object path is empty: name the field, and the optimiser that refuses it.
    return {
      code: "FIELD_UNKNOWN",
      message: `is not a field of a problem with optimizerType ${type}`,
      path: issue.keys[0] ?? "problem",
    };
  }
  const path = formatPath(issue.path) || "problem";
  const code =
    issue.code === "invalid_type" && issue.received === "undefined"
      ? "FIELD_MISSING"
      : issue.code === "invalid_type" && (issue.received === "nan" || issue.received === "number")
        ? "INPUT_NOT_FINITE"
        : issue.code === "not_finite"
          ? "INPUT_NOT_FINITE"
          : issue.code === "unrecognized_keys"
            ? "FIELD_UNKNOWN"
            : "FIELD_INVALID";
  const message =
    issue.code === "invalid_union"
      ? "does not match any accepted form"
      : issue.code === "invalid_union_discriminator"
        ? `must be one of ${issue.options.map(String).join(", ")}`
        : issue.message;
  return { code, message, path };
}
