import { formatUnits, parseUnits, type Hex } from "viem";
import { z } from "zod";
import { InputError } from "../../errors.ts";
import { readJsonFile } from "../../jsonFile.ts";
import { OPTIMIZER_TYPES, WAD, type ConstraintSet, type StrategyParameters } from "./types.ts";

/**
 * Proposal inputs as people write them (decimal fractions, optimiser names) and their conversion to
 * the registry's on-chain records (WAD integers, enum indices), checked against the same bounds as
 * `contracts/registry/RegistryValidation.sol` so that a bad file is refused before anything is sent.
 */

/** Bounds of `RegistryValidation.sol`, in on-chain units. */
export const REGISTRY_BOUNDS = {
  riskAversion: { min: 1n, max: 1_000n * WAD },
  tau: { min: 1n, max: WAD },
  driftThreshold: { min: 1n, max: WAD },
  volatilityBudget: { min: 1n, max: 10n * WAD },
  maxSlippageBps: { min: 1n, max: 10_000n },
  maxPositionWeight: { min: 1n, max: WAD },
  maxTurnover: { min: 1n, max: WAD },
} as const;

const MAX_CALENDAR_LENGTH = 64;
const MAX_URI_LENGTH = 256;
const MAX_VERSION_LENGTH = 64;

/** A decimal fraction as a JSON number or string, e.g. `0.05` or `"2.5"`, converted to WAD. */
const decimal = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const text = typeof value === "number" ? String(value) : value.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(text)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected a non-negative decimal with at most 18 decimals, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return parseUnits(text, 18);
});
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex (0x + 64 hex digits)")
  .transform((h) => h.toLowerCase() as Hex);

const parametersSchema = z
  .object({
    optimizerType: z.enum(OPTIMIZER_TYPES),
    riskAversion: decimal,
    tau: decimal,
    riskBudgetsHash: bytes32,
    driftThreshold: decimal,
    volatilityBudget: decimal,
    rebalanceCalendar: z.string(),
    maxSlippageBps: z.number().int().nonnegative(),
  })
  .partial()
  .strict();

const constraintsSchema = z
  .object({
    contentHash: bytes32,
    uri: z.string(),
    maxPositionWeight: decimal,
    maxTurnover: decimal,
  })
  .partial()
  .strict();

function parseWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, source: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `${source}.${issue.path.join(".")}` : source;
  throw new InputError("PROPOSAL_INPUT_INVALID", issue?.message ?? "invalid", path);
}

function checkRange(field: keyof typeof REGISTRY_BOUNDS, value: bigint, source: string): void {
  const { min, max } = REGISTRY_BOUNDS[field];
  if (value >= min && value <= max) return;
  const message = field.endsWith("Bps")
    ? `must lie in [${min}, ${max}] basis points, got ${value}`
    : `must be > 0 and ≤ ${formatWad(max)}, got ${formatWad(value)} (WAD ${value})`;
  throw new InputError("PARAMETER_OUT_OF_RANGE", message, `${source}.${field}`);
}

function checkLength(field: string, value: string, max: number, source: string): void {
  const length = new TextEncoder().encode(value).length;
  if (length === 0 || length > max) {
    throw new InputError("STRING_LENGTH_INVALID", `must have 1 to ${max} bytes, got ${length}`, `${source}.${field}`);
  }
}

/** Throws an {@link InputError} naming the first field of `p` outside the registry's bounds. */
export function checkStrategyParameters(p: StrategyParameters, source = "parameters"): void {
  checkRange("riskAversion", p.riskAversion, source);
  checkRange("tau", p.tau, source);
  checkRange("driftThreshold", p.driftThreshold, source);
  checkRange("volatilityBudget", p.volatilityBudget, source);
  checkRange("maxSlippageBps", BigInt(p.maxSlippageBps), source);
  checkLength("rebalanceCalendar", p.rebalanceCalendar, MAX_CALENDAR_LENGTH, source);
  const fields = p.rebalanceCalendar.split(" ").filter((f) => f.length > 0).length;
  if (fields !== 5) {
    throw new InputError(
      "CALENDAR_INVALID",
      `expected a five-field cron expression, got ${fields} fields`,
      `${source}.rebalanceCalendar`,
    );
  }
}

/** Throws an {@link InputError} naming the first field of `c` outside the registry's bounds. */
export function checkConstraintSet(c: ConstraintSet, source = "constraints"): void {
  if (/^0x0{64}$/.test(c.contentHash)) {
    throw new InputError("HASH_ZERO", "must not be zero", `${source}.contentHash`);
  }
  checkLength("uri", c.uri, MAX_URI_LENGTH, source);
  checkRange("maxPositionWeight", c.maxPositionWeight, source);
  checkRange("maxTurnover", c.maxTurnover, source);
}

/** Throws an {@link InputError} unless `hash` is a non-zero bytes32 and `version` has 1 to 64 bytes. */
export function checkBuild(hash: string, version: string): { hash: Hex; version: string } {
  const parsed = parseWith(bytes32, hash, "--pin-build <hash>");
  if (/^0x0{64}$/.test(parsed)) throw new InputError("HASH_ZERO", "must not be zero", "--pin-build <hash>");
  checkLength("version", version, MAX_VERSION_LENGTH, "--pin-build");
  return { hash: parsed, version };
}

/**
 * Reads a parameters file and merges it over `current`: fields the file omits keep their value.
 * Decimal fields are fractions (`0.05` = 5%) except `riskAversion` (δ, a plain number);
 * `maxSlippageBps` is an integer number of basis points.
 *
 * @example
 * ```ts
 * // params.json: { "riskAversion": 3, "maxSlippageBps": 30 }
 * const next = readStrategyParameters("params.json", await readCurrentParameters(client, registry));
 * ```
 */
export function readStrategyParameters(path: string, current: StrategyParameters): StrategyParameters {
  const input = parseWith(
    parametersSchema,
    readJsonFile(path, { field: "--set-parameters", invalidCode: "JSON_INVALID" }),
    path,
  );
  const next: StrategyParameters = {
    optimizerType:
      input.optimizerType === undefined ? current.optimizerType : OPTIMIZER_TYPES.indexOf(input.optimizerType),
    riskAversion: input.riskAversion ?? current.riskAversion,
    tau: input.tau ?? current.tau,
    riskBudgetsHash: input.riskBudgetsHash ?? current.riskBudgetsHash,
    driftThreshold: input.driftThreshold ?? current.driftThreshold,
    volatilityBudget: input.volatilityBudget ?? current.volatilityBudget,
    rebalanceCalendar: input.rebalanceCalendar ?? current.rebalanceCalendar,
    maxSlippageBps: input.maxSlippageBps ?? current.maxSlippageBps,
  };
  checkStrategyParameters(next, path);
  return next;
}

/**
 * Reads a constraint-set file and merges it over `current`. `maxPositionWeight` and `maxTurnover`
 * are fractions (`0.25` = 25%); `contentHash` is the sha256 of the canonical ConstraintSet JSON.
 */
export function readConstraintSet(path: string, current: ConstraintSet): ConstraintSet {
  const input = parseWith(
    constraintsSchema,
    readJsonFile(path, { field: "--set-constraints", invalidCode: "JSON_INVALID" }),
    path,
  );
  const next: ConstraintSet = {
    contentHash: input.contentHash ?? current.contentHash,
    uri: input.uri ?? current.uri,
    maxPositionWeight: input.maxPositionWeight ?? current.maxPositionWeight,
    maxTurnover: input.maxTurnover ?? current.maxTurnover,
  };
  checkConstraintSet(next, path);
  return next;
}

/** One changed field: its name and human-readable old and new values. */
export interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** A WAD value as a decimal, e.g. `2500000000000000000n` → `"2.5"`. */
export function formatWad(value: bigint): string {
  return formatUnits(value, 18);
}

function describeParameters(p: StrategyParameters): Record<string, string> {
  return {
    optimizerType: OPTIMIZER_TYPES[p.optimizerType] ?? `unknown(${p.optimizerType})`,
    riskAversion: formatWad(p.riskAversion),
    tau: formatWad(p.tau),
    riskBudgetsHash: p.riskBudgetsHash,
    driftThreshold: formatWad(p.driftThreshold),
    volatilityBudget: formatWad(p.volatilityBudget),
    rebalanceCalendar: JSON.stringify(p.rebalanceCalendar),
    maxSlippageBps: String(p.maxSlippageBps),
  };
}

function describeConstraints(c: ConstraintSet): Record<string, string> {
  return {
    contentHash: c.contentHash,
    uri: c.uri,
    maxPositionWeight: formatWad(c.maxPositionWeight),
    maxTurnover: formatWad(c.maxTurnover),
  };
}

function diff(from: Record<string, string>, to: Record<string, string>): FieldChange[] {
  return Object.keys(to)
    .filter((field) => from[field] !== to[field])
    .map((field) => ({ field, from: from[field] ?? "", to: to[field] ?? "" }));
}

/** The fields that differ between two parameter sets, as people read them (decimals, names). */
export function diffStrategyParameters(from: StrategyParameters, to: StrategyParameters): FieldChange[] {
  return diff(describeParameters(from), describeParameters(to));
}

/** The fields that differ between two constraint sets, as people read them. */
export function diffConstraintSet(from: ConstraintSet, to: ConstraintSet): FieldChange[] {
  return diff(describeConstraints(from), describeConstraints(to));
}

/** Every field of a parameter set, as people read them. */
export { describeParameters, describeConstraints };
