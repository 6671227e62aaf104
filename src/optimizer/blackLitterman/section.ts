import { z } from "zod";
import { InputError } from "../../errors.ts";
import type { BlackLittermanView, VerifiedViewSet } from "./types.ts";

/** Default τ: He & Litterman (1999) use 0.05 (see docs/black-litterman.md for calibration). */
export const DEFAULT_TAU = 0.05;

const finite = z.number().finite();

/** Schema of one unsigned view: `{ assets: { "AAPL": 1 }, q: 0.2, confidence?: 0.5, omega?: 0.0004 }`. */
export const blackLittermanViewSchema = z
  .object({
    assets: z.record(z.string().min(1), finite),
    q: finite,
    confidence: finite.gt(0).lte(1).optional(),
    omega: finite.gte(0).optional(),
  })
  .strict();

const hex = (bytes: number): z.ZodType<`0x${string}`, z.ZodTypeDef, string> =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${2 * bytes}}$`), `must be 0x and ${bytes} bytes of hex`)
    .transform((v) => v as `0x${string}`);

/** Schema of one verified view: an unsigned view's numbers plus signer, EIP-712 digest and nonce. */
export const verifiedViewSchema = blackLittermanViewSchema
  .extend({ signer: hex(20), digest: hex(32), nonce: z.string().regex(/^\d+$/, "must be a decimal integer") })
  .strict();

/** Schema of `blackLitterman.verifiedViews` ({@link VerifiedViewSet}). */
export const verifiedViewSetSchema = z.object({ commitment: hex(32), views: z.array(verifiedViewSchema) }).strict();

/**
 * Schema of the problem's `blackLitterman` section (issue 5). The problem schema embeds it for
 * `optimizerType: "BLACK_LITTERMAN"`.
 *
 * - `marketCaps`: market capitalisation by asset id (any currency, all in the same one); needed by `prior: "market"`.
 * - `riskAversion`: δ > 0. Absent, the caller derives it from `marketPrices`
 *   (estimators' `marketImpliedRiskAversion`: (annualised index return − r_f) / annualised variance).
 * - `marketPrices`: closing prices of a market index, oldest first, for that derivation.
 * - `tau`: τ > 0 (default 0.05), or `"1/T"` for one over the number of return observations.
 * - `riskFreeRate`: annualised, a fraction; added to the implied prior and subtracted for implied weights.
 * - at most one source of views: `views` (unsigned, research only); `verifiedViews` (signed views
 *   the caller verified, with their provenance: the keeper and the CLI write it); or `signedViews`
 *   (path to a signed view-set file, for the CLI to verify and replace by `verifiedViews`; the
 *   optimiser itself refuses it).
 * - `omega`: "he-litterman" (default) or "idzorek" (every view then needs a confidence).
 * - `prior`: "market" (default), "equal" (δΣ·(1/n) + r_f) or explicit annualised returns, one per asset.
 * - `covariance`: the covariance the Markowitz engine gets, "posterior" Σ* (default, He & Litterman) or "prior" Σ.
 */
export const blackLittermanSectionSchema = z
  .object({
    marketCaps: z.record(z.string().min(1), finite.nonnegative()).optional(),
    riskAversion: finite.positive().optional(),
    marketPrices: z.array(finite.positive()).min(3).optional(),
    tau: z.union([finite.positive(), z.literal("1/T")]).optional(),
    riskFreeRate: finite.optional(),
    views: z.array(blackLittermanViewSchema).optional(),
    verifiedViews: verifiedViewSetSchema.optional(),
    signedViews: z.string().min(1).optional(),
    omega: z.enum(["he-litterman", "idzorek"]).optional(),
    prior: z.union([z.enum(["market", "equal"]), z.array(finite)]).optional(),
    covariance: z.enum(["posterior", "prior"]).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const given = (["views", "verifiedViews", "signedViews"] as const).filter((key) => s[key] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `give one of views, verifiedViews or signedViews, not ${given.join(" and ")}`,
        path: [given[1] ?? "views"],
      });
    }
  });

/** The parsed `blackLitterman` section. */
export interface BlackLittermanSection {
  readonly marketCaps?: Readonly<Record<string, number>> | undefined;
  readonly riskAversion?: number | undefined;
  readonly marketPrices?: readonly number[] | undefined;
  readonly tau?: number | "1/T" | undefined;
  readonly riskFreeRate?: number | undefined;
  readonly views?: readonly BlackLittermanView[] | undefined;
  readonly verifiedViews?: VerifiedViewSet | undefined;
  readonly signedViews?: string | undefined;
  readonly omega?: "he-litterman" | "idzorek" | undefined;
  readonly prior?: "market" | "equal" | readonly number[] | undefined;
  readonly covariance?: "posterior" | "prior" | undefined;
}

/**
 * Validates a `blackLitterman` section; errors name the field, e.g. `blackLitterman.views[0].q`.
 *
 * @example
 * ```ts
 * const section = parseBlackLittermanSection(problem.blackLitterman);
 * ```
 */
export function parseBlackLittermanSection(raw: unknown, path = "blackLitterman"): BlackLittermanSection {
  const parsed = blackLittermanSectionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = (issue?.path ?? []).reduce<string>(
      (p, key) => (typeof key === "number" ? `${p}[${key}]` : `${p}.${key}`),
      path,
    );
    throw new InputError("BL_SECTION_INVALID", issue?.message ?? "invalid", at);
  }
  return parsed.data;
}

/**
 * τ calibration (the ParameterOptimizer's choice), see docs/black-litterman.md:
 * a number is used as is; `"1/T"` is 1/T for T return observations (the standard error of a
 * sample mean scales as Σ/T; Walters 2014 §"τ"; Meucci 2010 argues for removing τ altogether).
 *
 * @example
 * ```ts
 * resolveTau(undefined); // 0.05
 * resolveTau("1/T", 250); // 0.004
 * ```
 */
export function resolveTau(
  tau: number | "1/T" | undefined,
  observations?: number,
  path = "blackLitterman.tau",
): number {
  if (tau === undefined) return DEFAULT_TAU;
  if (tau === "1/T") {
    if (observations === undefined || !Number.isInteger(observations) || observations < 1) {
      throw new InputError(
        "BL_TAU_INVALID",
        `"1/T" needs the number of return observations, got ${observations}`,
        path,
      );
    }
    return 1 / observations;
  }
  if (!(Number.isFinite(tau) && tau > 0)) throw new InputError("BL_TAU_INVALID", `must be > 0, got ${tau}`, path);
  return tau;
}
