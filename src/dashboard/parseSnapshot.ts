import { z } from "zod";
import { InputError } from "../errors.ts";
import { readJsonFileAsync } from "../jsonFile.ts";
import { OPTIMIZER_TYPES } from "../protocol/enums.ts";
import { SNAPSHOT_SCHEMA_VERSION, type DashboardSnapshot } from "./snapshot.ts";

const finite = z.number().finite();
const fraction = finite;
const nonNegative = finite.nonnegative();
const count = z.number().int().nonnegative();
const isoTime = z.string().datetime({ offset: true, message: "expected an ISO 8601 time" });
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address") as z.ZodType<`0x${string}`>;
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex") as z.ZodType<`0x${string}`>;
const decimal = z.string().regex(/^\d+(\.\d+)?$/, "expected a non-negative decimal string");

const point = z.object({ volatility: nonNegative, return: finite }).strict();
const risk = z
  .object({ name: z.string().min(1), contribution: finite, share: fraction, budget: fraction.nullable() })
  .strict();

const schema = z
  .object({
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
    generatedAt: isoTime,
    portfolio: z
      .object({
        id: z.string().min(1),
        address: address.nullable(),
        chainId: z.number().int().positive().nullable(),
        baseSymbol: z.string().optional(),
        nav: nonNegative.optional(),
      })
      .strict(),
    weights: z
      .array(z.object({ symbol: z.string().min(1), sector: z.string(), weight: fraction, target: fraction }).strict())
      .nullable(),
    risk: z
      .object({ volatility: nonNegative, byAsset: z.array(risk), bySector: z.array(risk) })
      .strict()
      .nullable(),
    frontier: z
      .object({
        points: z.array(point),
        current: point,
        target: point.optional(),
        minVariance: point,
        maxSharpe: point.optional(),
        riskFreeRate: finite,
      })
      .strict()
      .nullable(),
    drift: z.array(z.object({ time: isoTime, maxDrift: nonNegative, l1Drift: nonNegative }).strict()).nullable(),
    settlements: z
      .array(
        z
          .object({
            instructionId: hex32,
            status: z.enum(["finalized", "rolled-back", "pending"]),
            issuedAt: isoTime,
            finalizedAt: isoTime.optional(),
            legs: count,
            gasUsed: count.optional(),
            slippageBps: finite.optional(),
            reason: z.string().optional(),
            txHash: hex32.optional(),
          })
          .strict(),
      )
      .nullable(),
    audit: z
      .array(
        z
          .object({
            name: z.string().min(1),
            address,
            head: hex32,
            count,
            ok: z.boolean(),
            firstBreak: z
              .object({ position: count, reason: z.string(), expected: z.string(), actual: z.string() })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .nullable(),
    proposals: z
      .array(
        z
          .object({
            id: z.string().regex(/^\d+$/, "expected a decimal proposal id"),
            description: z.string(),
            state: z.string().min(1),
            eta: isoTime.optional(),
            votesFor: decimal,
            votesAgainst: decimal,
            votesAbstain: decimal.optional(),
          })
          .strict(),
      )
      .nullable(),
    parameters: z
      .object({
        optimizerType: z.enum(OPTIMIZER_TYPES),
        riskAversion: nonNegative,
        tau: nonNegative,
        driftThreshold: nonNegative,
        volatilityBudget: nonNegative,
        rebalanceCalendar: z.string(),
        maxSlippageBps: count,
        riskBudgetsHash: hex32.optional(),
        parametersVersion: count,
        constraintSetVersion: count,
        optimizerVersion: z.string(),
        optimizerBuildHash: hex32.optional(),
        constraints: z
          .object({ maxPositionWeight: nonNegative, maxTurnover: nonNegative, uri: z.string(), contentHash: hex32 })
          .strict()
          .optional(),
      })
      .strict()
      .nullable(),
    metrics: z
      .object({
        sharpe: finite.nullable(),
        sortino: finite.nullable(),
        trackingError: nonNegative.nullable(),
        beta: finite.nullable(),
        maxDrawdown: nonNegative.nullable(),
        optimisationP95Ms: nonNegative.nullable(),
        solverIterations: count.nullable(),
        settlementLatencySeconds: nonNegative.nullable(),
        window: z.string().optional(),
        unavailable: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .nullable(),
    alerts: z
      .array(
        z
          .object({
            kind: z.string().min(1),
            severity: z.enum(["info", "warning", "critical"]),
            portfolio: z.string().optional(),
            message: z.string(),
            value: finite.optional(),
            threshold: finite.optional(),
            at: isoTime,
          })
          .strict(),
      )
      .nullable(),
  })
  .strict();

/**
 * Validates a value as a {@link DashboardSnapshot}.
 *
 * @param source Where the value came from (a file name), used as the prefix of the error path.
 * @throws {InputError} `SNAPSHOT_INVALID` naming the first bad field, e.g. `snap.json:weights.2.target`.
 * @example
 * ```ts
 * const snapshot = parseSnapshot(JSON.parse(text), "snap.json");
 * ```
 */
export function parseSnapshot(value: unknown, source: string): DashboardSnapshot {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? source : `${source}:${issue.path.join(".")}`;
    throw new InputError("SNAPSHOT_INVALID", issue?.message ?? "invalid snapshot", path);
  }
  return result.data as DashboardSnapshot;
}

/**
 * Reads and validates a snapshot JSON file.
 *
 * @throws {InputError} `SNAPSHOT_UNREADABLE` or `SNAPSHOT_INVALID`.
 * @example
 * ```ts
 * const snapshot = await readSnapshotFile("test/dashboard/fixtures/settled.json");
 * ```
 */
export async function readSnapshotFile(path: string): Promise<DashboardSnapshot> {
  const json = await readJsonFileAsync(path, {
    field: "--snapshot",
    invalidPath: path,
    unreadableCode: "SNAPSHOT_UNREADABLE",
    invalidCode: "SNAPSHOT_INVALID",
  });
  return parseSnapshot(json, path);
}
