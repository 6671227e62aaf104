// The signed view-set file: what `portfolio views sign` writes, what the keeper and
// `portfolio views verify` read. Integers travel as decimal strings (JSON has no 256-bit numbers).
import { getAddress, isAddress, isHex, type Address, type Hex, type LocalAccount } from "viem";
import { z } from "zod";
import { InputError } from "../errors.ts";
import {
  INVESTOR_VIEW_DOMAIN_NAME,
  INVESTOR_VIEW_DOMAIN_VERSION,
  investorViewDigest,
  signInvestorView,
  viewSetCommitment,
  type InvestorView,
  type InvestorViewDomain,
} from "./typedData.ts";
import { toWad, WAD } from "../protocol/fixedPoint.ts";

/** A view with its signature, as stored in a signed view-set file. */
export interface SignedInvestorView {
  readonly view: InvestorView;
  /** 65-byte ECDSA signature (EOA) or whatever the signer's ERC-1271 wallet accepts. */
  readonly signature: Hex;
  /** EIP-712 digest of `view` under the set's domain (informative; verifiers recompute it). */
  readonly digest: Hex;
}

/** A signed view-set file. `views` stay unparsed until {@link verifyViews} checks them one by one. */
export interface SignedViewSetFile {
  readonly domain: InvestorViewDomain;
  readonly views: readonly unknown[];
  /** Commitment over every view's digest in file order (the signer's claim; verifiers recompute). */
  readonly commitment?: Hex | undefined;
}

const MAX_UINT64 = 2n ** 64n - 1n;
const MAX_UINT256 = 2n ** 256n - 1n;
const MIN_INT256 = -(2n ** 255n);
const MAX_INT256 = 2n ** 255n - 1n;

const integerString = (min: bigint, max: bigint): z.ZodType<bigint, z.ZodTypeDef, unknown> =>
  z.union([z.string(), z.number()]).transform((value, ctx): bigint => {
    const text = String(value);
    if (!/^-?\d+$/.test(text)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a decimal integer, got "${text}"` });
      return z.NEVER;
    }
    const n = BigInt(text);
    if (n < min || n > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `out of range [${min}, ${max}]: ${text}` });
      return z.NEVER;
    }
    return n;
  });

const addressSchema = z
  .string()
  .refine((a) => isAddress(a, { strict: false }), { message: "not an address" })
  .transform((a): Address => getAddress(a));
const hexSchema = z
  .string()
  .refine((h) => isHex(h, { strict: true }), { message: "not 0x-prefixed hex" })
  .transform((h) => h as Hex);

/** Shape of one signed view in a file, before the semantic checks of {@link checkInvestorView}. */
export const signedInvestorViewSchema = z
  .object({
    view: z
      .object({
        viewSetVersion: integerString(0n, MAX_UINT64),
        assets: z.array(z.string().min(1)).min(1),
        pick: z.array(integerString(MIN_INT256, MAX_INT256)).min(1),
        q: integerString(MIN_INT256, MAX_INT256),
        confidence: integerString(0n, MAX_UINT256),
        omega: integerString(0n, MAX_UINT256),
        nonce: integerString(0n, MAX_UINT256),
        validUntil: integerString(0n, MAX_UINT64),
        signer: addressSchema,
      })
      .strict(),
    signature: hexSchema,
    digest: hexSchema.optional(),
  })
  .strict();

const domainSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    chainId: z.number().int().positive(),
    verifyingContract: addressSchema,
  })
  .strict();

const fileSchema = z
  .object({
    domain: domainSchema,
    views: z.array(z.unknown()),
    commitment: hexSchema.optional(),
  })
  .strict();

function issuePath(path: readonly (string | number)[], base: string): string {
  return path.reduce<string>((p, key) => (typeof key === "number" ? `${p}[${key}]` : `${p}.${key}`), base);
}

/**
 * Validates the envelope of a signed view-set file (domain, list of views). Individual views are
 * checked later so that one malformed view is rejected on its own, never the whole set.
 *
 * @example
 * ```ts
 * const file = parseSignedViewSetFile(JSON.parse(readFileSync("signed.json", "utf8")));
 * ```
 */
export function parseSignedViewSetFile(json: unknown, path = "signedViews"): SignedViewSetFile {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("VIEW_SET_MALFORMED", issue?.message ?? "malformed", issuePath(issue?.path ?? [], path));
  }
  return parsed.data;
}

/**
 * Checks what the schema cannot: one picking weight per asset, no duplicate asset, a non-zero view
 * portfolio, confidence within (0, 1e18] or an explicit positive omega. Returns the first problem
 * as `{ field, message }`, or null when the view is well formed.
 *
 * @example
 * ```ts
 * checkInvestorView({ ...view, confidence: 0n, omega: 0n }); // { field: "omega", message: "confidence 0 requires …" }
 * ```
 */
export function checkInvestorView(view: InvestorView): { field: string; message: string } | null {
  if (view.pick.length !== view.assets.length) {
    return { field: "pick", message: `has ${view.pick.length} weights for ${view.assets.length} assets` };
  }
  const seen = new Set<string>();
  for (const [i, asset] of view.assets.entries()) {
    if (seen.has(asset)) return { field: `assets[${i}]`, message: `duplicate asset "${asset}"` };
    seen.add(asset);
  }
  if (view.pick.every((p) => p === 0n)) return { field: "pick", message: "every picking weight is zero" };
  if (view.confidence > WAD) return { field: "confidence", message: `exceeds 1e18 (100 %): ${view.confidence}` };
  if (view.confidence === 0n && view.omega === 0n) {
    return {
      field: "omega",
      message: "confidence 0 requires an explicit omega > 0 (use confidence 1e18 for certainty)",
    };
  }
  return null;
}

/**
 * Parses one raw view of a file; a failure names the offending field (relative to the entry).
 *
 * @example
 * ```ts
 * const parsed = parseSignedInvestorView(file.views[0]);
 * if (!parsed.ok) console.log(parsed.field, parsed.message); // e.g. "view.q", "must be a decimal integer, got \"0.03\""
 * ```
 */
export function parseSignedInvestorView(
  raw: unknown,
): { ok: true; value: SignedInvestorView } | { ok: false; field: string; message: string } {
  const parsed = signedInvestorViewSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      field: issuePath(issue?.path ?? [], "").replace(/^\./, ""),
      message: issue?.message ?? "malformed",
    };
  }
  const { view, signature, digest } = parsed.data;
  const problem = checkInvestorView(view);
  if (problem) return { ok: false, field: `view.${problem.field}`, message: problem.message };
  return { ok: true, value: { view, signature, digest: digest ?? ("0x" as Hex) } };
}

/**
 * Serialises a view for the file format (bigints as decimal strings).
 *
 * @example
 * ```ts
 * JSON.stringify({ view: investorViewToJson(view), signature });
 * ```
 */
export function investorViewToJson(view: InvestorView): Record<string, unknown> {
  return {
    viewSetVersion: view.viewSetVersion.toString(),
    assets: [...view.assets],
    pick: view.pick.map((p) => p.toString()),
    q: view.q.toString(),
    confidence: view.confidence.toString(),
    omega: view.omega.toString(),
    nonce: view.nonce.toString(),
    validUntil: view.validUntil.toString(),
    signer: view.signer,
  };
}

/** One view as written by a person: the problem file's unsigned view plus an optional nonce. */
export interface ViewRequest {
  /** Picking weights by asset id: `{ "WETH": 1 }` (absolute) or `{ "WETH": 1, "WBTC": -1 }` (relative). */
  readonly assets: Readonly<Record<string, number>>;
  /** Expected annualised return of the view portfolio, a fraction (0.03 = 3 %). */
  readonly q: number;
  /** Idzorek confidence in (0, 1]; omit it and give `omega` for an explicit variance. */
  readonly confidence?: number | undefined;
  /** Explicit view variance (annualised, fraction²), used when `confidence` is omitted. */
  readonly omega?: number | undefined;
  readonly nonce?: number | string | undefined;
}

/** The input of `portfolio views sign`. */
export interface ViewSetRequest {
  readonly viewSetVersion: number | string;
  /** Unix seconds, or an ISO-8601 date-time. */
  readonly validUntil: number | string;
  /** Nonce of the first view; view i gets nonce + i unless it names its own. */
  readonly nonce?: number | string | undefined;
  readonly views: readonly ViewRequest[];
}

const finite = z.number().finite();
const viewRequestSchema = z
  .object({
    assets: z.record(z.string().min(1), finite),
    q: finite,
    confidence: finite.gt(0).lte(1).optional(),
    omega: finite.gt(0).optional(),
    nonce: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).optional(),
  })
  .strict();
const viewSetRequestSchema = z
  .object({
    viewSetVersion: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
    validUntil: z.union([z.number().int().nonnegative(), z.string().min(1)]),
    nonce: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).optional(),
    views: z.array(viewRequestSchema).min(1),
  })
  .strict();

/**
 * Validates a view-set request (the human-written JSON) and converts it to InvestorViews in 1e18
 * fixed point for `signer`. Errors name the field, e.g. `views[1].confidence`.
 *
 * @example
 * ```ts
 * const views = viewSetRequestToInvestorViews(JSON.parse(text), account.address);
 * ```
 */
export function viewSetRequestToInvestorViews(json: unknown, signer: Address, path = "views"): InvestorView[] {
  const parsed = viewSetRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("VIEW_REQUEST_MALFORMED", issue?.message ?? "malformed", issuePath(issue?.path ?? [], path));
  }
  const request = parsed.data;
  const validUntil = parseValidUntil(request.validUntil, `${path}.validUntil`);
  return request.views.map((v, i) => {
    const at = `${path}.views[${i}]`;
    const nonce =
      v.nonce !== undefined ? BigInt(v.nonce) : request.nonce !== undefined ? BigInt(request.nonce) + BigInt(i) : null;
    if (nonce === null)
      throw new InputError("VIEW_REQUEST_MALFORMED", "needs a nonce (or a set-level nonce)", `${at}.nonce`);
    if (v.confidence === undefined && v.omega === undefined) {
      throw new InputError("VIEW_REQUEST_MALFORMED", "give a confidence in (0, 1] or an explicit omega", at);
    }
    if (v.confidence !== undefined && v.omega !== undefined) {
      throw new InputError("VIEW_REQUEST_MALFORMED", "give a confidence or an omega, not both", at);
    }
    const assets = Object.keys(v.assets);
    if (assets.length === 0) throw new InputError("VIEW_REQUEST_MALFORMED", "names no asset", `${at}.assets`);
    const view: InvestorView = {
      viewSetVersion: BigInt(request.viewSetVersion),
      assets,
      pick: assets.map((a) => toWad(v.assets[a] ?? 0, `${at}.assets.${a}`)),
      q: toWad(v.q, `${at}.q`),
      confidence: v.confidence === undefined ? 0n : toWad(v.confidence, `${at}.confidence`),
      omega: v.omega === undefined ? 0n : toWad(v.omega, `${at}.omega`),
      nonce,
      validUntil,
      signer,
    };
    const problem = checkInvestorView(view);
    if (problem) throw new InputError("VIEW_REQUEST_MALFORMED", problem.message, `${at}.${problem.field}`);
    return view;
  });
}

function parseValidUntil(value: number | string, path: string): bigint {
  if (typeof value === "number") return BigInt(value);
  if (/^\d+$/.test(value)) return BigInt(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InputError("VIEW_REQUEST_MALFORMED", `not unix seconds or ISO-8601: "${value}"`, path);
  return BigInt(Math.floor(ms / 1000));
}

/**
 * Signs every view with one local account and assembles the file, commitment included.
 *
 * @example
 * ```ts
 * const file = await signViewSet(account, domain, views);
 * writeFileSync("signed.json", JSON.stringify(file, null, 2));
 * ```
 */
export async function signViewSet(
  account: LocalAccount,
  domain: InvestorViewDomain,
  views: readonly InvestorView[],
): Promise<{ domain: InvestorViewDomain; views: Record<string, unknown>[]; commitment: Hex }> {
  const entries: Record<string, unknown>[] = [];
  const digests: Hex[] = [];
  for (const view of views) {
    const digest = investorViewDigest(domain, view);
    digests.push(digest);
    entries.push({ view: investorViewToJson(view), signature: await signInvestorView(account, domain, view), digest });
  }
  return { domain, views: entries, commitment: viewSetCommitment(digests) };
}

/**
 * Whether a domain has the fixed name and version of investor views.
 *
 * @example
 * ```ts
 * isInvestorViewDomain(investorViewDomain({ chainId: 1, registry })); // true
 * ```
 */
export function isInvestorViewDomain(domain: InvestorViewDomain): boolean {
  return domain.name === INVESTOR_VIEW_DOMAIN_NAME && domain.version === INVESTOR_VIEW_DOMAIN_VERSION;
}
