// The market model an optimisation ran on — μ, Σ (dense or factor form) and, on request, the
// efficient frontier on them — returned with the weights so that risk published from a result is
// the risk of the model that chose the weights, not a re-estimate by other code (issue 15 item 3).
import { z } from "zod";
import { InfeasibleError, InputError } from "../errors.ts";
import { denseCovariance } from "./covariance.ts";
import { frontierOf, type FrontierPoint } from "./frontierOf.ts";
import { buildConstraints } from "./markowitz/constraints.ts";
import { toRows } from "./matrix.ts";
import type { Problem } from "./problem.ts";
import type { QpCovariance, QpSolver } from "./qp/types.ts";

/** Σ as the optimiser used it, annualised: dense rows, or the factor model Σ = B F B' + diag(s). */
export type ModelCovariance =
  | { readonly kind: "dense"; readonly matrix: readonly (readonly number[])[] }
  | {
      readonly kind: "factor";
      /** B, n rows of k loadings. */
      readonly factorLoadings: readonly (readonly number[])[];
      /** F, k×k. */
      readonly factorCovariance: readonly (readonly number[])[];
      /** s, one specific variance per asset. */
      readonly specificVariance: readonly number[];
    };

/** The efficient frontier on the model's μ and Σ; annualised fractions. */
export interface ModelFrontier {
  /** By increasing expected return, from the minimum-variance portfolio up. */
  readonly points: readonly FrontierPoint[];
  readonly minVariance: FrontierPoint;
  /** Null when no feasible portfolio beats the risk-free rate. */
  readonly maxSharpe: FrontierPoint | null;
  readonly warnings: readonly string[];
}

/**
 * `result.model` of `optimize(problem, { model: … })`: exactly the arrays the optimiser chose the
 * weights with. For Black-Litterman that is the posterior π* and the covariance the Markowitz step
 * used (Σ* by default); for ERC the problem's Σ (μ is the inputs' expected returns, unused by ERC).
 */
export interface OptimizerModel {
  readonly assets: readonly string[];
  /** Annualised expected returns, fractions, asset order; null when the problem has none. */
  readonly expectedReturns: readonly number[] | null;
  readonly covariance: ModelCovariance;
  /** Annual risk-free rate of the Sharpe ratios, fraction. */
  readonly riskFreeRate: number;
  /** Present when requested and solvable. */
  readonly frontier?: ModelFrontier;
  /** Why the requested frontier is absent (no expected returns, infeasible or unbounded constraints). */
  readonly frontierUnavailable?: string;
}

/** What `optimize`'s `model` option asks for; `true` = the model without a frontier. */
export interface ModelRequest {
  /** Solve the efficient frontier on the model: `points` ≥ 2 portfolios. */
  readonly frontier?: {
    readonly points: number;
    /**
     * Drop the problem's turnover limit for the frontier (default false): the limit says how far
     * one rebalance may move, so without it the frontier is the strategic one.
     */
    readonly withoutTurnover?: boolean;
  };
}

/** What {@link buildOptimizerModel} needs: the arrays the optimiser used, and how to solve the frontier. */
export interface OptimizerModelSource {
  readonly problem: Problem;
  readonly assets: readonly string[];
  readonly expectedReturns: Float64Array | null;
  readonly covariance: QpCovariance;
  readonly riskFreeRate: number;
  readonly solver: QpSolver;
}

function covarianceOf(cov: QpCovariance): ModelCovariance {
  if (cov.kind === "dense") return { kind: "dense", matrix: toRows({ n: cov.n, data: cov.data }) };
  const rows = (data: Float64Array, cols: number): number[][] =>
    Array.from({ length: data.length / cols }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return {
    kind: "factor",
    factorLoadings: rows(cov.loadings, cov.k),
    factorCovariance: rows(cov.factorCovariance, cov.k),
    specificVariance: Array.from(cov.specificVariance),
  };
}

/**
 * The model of one optimisation, with the frontier solved on the same μ and Σ when `request` asks.
 * A frontier that cannot be solved leaves `frontierUnavailable` with the reason, not an error: the
 * weights stand without it.
 *
 * @example
 * ```ts
 * const model = buildOptimizerModel({ problem, assets, expectedReturns: mu, covariance, riskFreeRate: 0.02, solver }, { frontier: { points: 20 } });
 * ```
 */
export function buildOptimizerModel(source: OptimizerModelSource, request: ModelRequest): OptimizerModel {
  const { problem, assets, expectedReturns: mu, covariance, riskFreeRate } = source;
  const base = {
    assets: [...assets],
    expectedReturns: mu === null ? null : Array.from(mu),
    covariance: covarianceOf(covariance),
    riskFreeRate,
  };
  if (request.frontier === undefined) return base;
  if (mu === null) return { ...base, frontierUnavailable: "the frontier needs expected returns" };
  const constraints =
    request.frontier.withoutTurnover === true && problem.constraints !== undefined
      ? { ...problem.constraints, turnover: undefined }
      : problem.constraints;
  try {
    const frontier = frontierOf(
      {
        constraints: buildConstraints(constraints, assets),
        expectedReturns: mu,
        covariance,
        riskFreeRate,
        solver: source.solver,
      },
      request.frontier.points,
    );
    return { ...base, frontier };
  } catch (error) {
    if (!(error instanceof InfeasibleError) && !(error instanceof InputError)) throw error;
    return { ...base, frontierUnavailable: error.message };
  }
}

/**
 * Σ of a model as a dense row-major matrix (a factor model expanded), for w'Σw and risk contributions.
 *
 * @example
 * ```ts
 * const sigma = modelCovarianceMatrix(result.model); // { n, data }
 * ```
 */
export function modelCovarianceMatrix(model: Pick<OptimizerModel, "covariance" | "assets">): {
  n: number;
  data: Float64Array;
} {
  const n = model.assets.length;
  const c = model.covariance;
  if (c.kind === "dense") return { n, data: Float64Array.from(c.matrix.flat()) };
  const k = c.factorCovariance.length;
  return {
    n,
    data: denseCovariance({
      kind: "factor",
      n,
      k,
      loadings: Float64Array.from(c.factorLoadings.flat()),
      factorCovariance: Float64Array.from(c.factorCovariance.flat()),
      specificVariance: Float64Array.from(c.specificVariance),
    }),
  };
}

const finite = z.number().finite();
const rows = z.array(z.array(finite));
const frontierPointSchema = z.object({
  expectedReturn: finite,
  volatility: finite.nonnegative(),
  sharpe: finite.nullable(),
  weights: z.array(finite),
});

/** Runtime schema of {@link OptimizerModel}: what a consumer accepts from a (pinned, possibly older) bundle. */
export const optimizerModelSchema: z.ZodType<OptimizerModel> = z
  .object({
    assets: z.array(z.string()),
    expectedReturns: z.array(finite).nullable(),
    covariance: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("dense"), matrix: rows }),
      z.object({
        kind: z.literal("factor"),
        factorLoadings: rows,
        factorCovariance: rows,
        specificVariance: z.array(finite),
      }),
    ]),
    riskFreeRate: finite,
    frontier: z
      .object({
        points: z.array(frontierPointSchema),
        minVariance: frontierPointSchema,
        maxSharpe: frontierPointSchema.nullable(),
        warnings: z.array(z.string()),
      })
      .optional(),
    frontierUnavailable: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    const n = m.assets.length;
    const bad = (path: string, message: string): void => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: path.split("."), message });
    };
    if (m.expectedReturns !== null && m.expectedReturns.length !== n) bad("expectedReturns", `expected ${n} entries`);
    const c = m.covariance;
    if (c.kind === "dense" && (c.matrix.length !== n || c.matrix.some((r) => r.length !== n))) {
      bad("covariance.matrix", `expected ${n}×${n}`);
    }
    if (c.kind === "factor") {
      const k = c.factorCovariance.length;
      if (c.factorCovariance.some((r) => r.length !== k)) bad("covariance.factorCovariance", `expected ${k}×${k}`);
      if (c.factorLoadings.length !== n || c.factorLoadings.some((r) => r.length !== k)) {
        bad("covariance.factorLoadings", `expected ${n}×${k}`);
      }
      if (c.specificVariance.length !== n) bad("covariance.specificVariance", `expected ${n} entries`);
    }
  });

/**
 * Validates a model returned by an optimiser bundle; throws {@link InputError} `MODEL_INVALID`
 * naming the field.
 *
 * @example
 * ```ts
 * const model = parseOptimizerModel(result.model);
 * ```
 */
export function parseOptimizerModel(raw: unknown, path = "model"): OptimizerModel {
  const parsed = optimizerModelSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError("MODEL_INVALID", issue?.message ?? "invalid model", [path, ...(issue?.path ?? [])].join("."));
}
