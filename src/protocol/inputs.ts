// The content-addressed inputs of one keeper cycle: what goes into the on-chain `inputsHash`, the
// optimisation problem built from them, and the directory an auditor replays from. Shared by the
// keeper (src/keeper/cycle.ts) and `portfolio audit replay`, so both build the same problem.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";
import { z } from "zod";
import { InputError, RejectedError } from "../errors.ts";
import type { OptimizerTypeName } from "./enums.ts";

/** File names inside one inputs directory. */
export const INPUT_FILES = {
  manifest: "manifest.json",
  problem: "problem.json",
  marketData: "market-data.csv",
  viewSet: "view-set.json",
  constraintSet: "constraint-set.json",
} as const;

/** `0x` + sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array | string): Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The four commitments behind an instruction's `inputsHash` (docs/settlement.md). */
export interface InputsCommitment {
  /** keccak256 over the accepted views' EIP-712 digests (docs/eip712.md); that of no views when none. */
  readonly viewSetCommitment: Hex;
  /** `registry.parametersVersion()` the cycle read. */
  readonly parametersVersion: bigint;
  /** `registry.constraintSetVersion()` the cycle read. */
  readonly constraintSetVersion: bigint;
  /** sha256 of the market-data file's bytes (the price-history CSV). */
  readonly marketDataHash: Hex;
}

/**
 * inputsHash = sha256(abi.encode(bytes32 viewSetCommitment, uint256 parametersVersion,
 * uint256 constraintSetVersion, bytes32 marketDataHash)). sha256 rather than keccak256 so the inputs
 * directory can be named by it and checked with `sha256sum`-style tools.
 *
 * @example
 * ```ts
 * const h = inputsHash({ viewSetCommitment: keccak256("0x"), parametersVersion: 1n, constraintSetVersion: 1n, marketDataHash });
 * ```
 */
export function inputsHash(c: InputsCommitment): Hex {
  const encoded = encodeAbiParameters(
    [{ type: "bytes32" }, { type: "uint256" }, { type: "uint256" }, { type: "bytes32" }],
    [c.viewSetCommitment, c.parametersVersion, c.constraintSetVersion, c.marketDataHash],
  );
  return sha256Hex(Buffer.from(encoded.slice(2), "hex"));
}

/** Commitment of an empty view set: keccak256 of no bytes (docs/eip712.md with k = 0). */
export const EMPTY_VIEW_SET_COMMITMENT: Hex = keccak256("0x");

/**
 * Instruction id = keccak256(abi.encode("portfolio-keeper/v1", chainId, settlement, portfolio,
 * inputsHash, optimiserBuildHash)). The nonce is left out on purpose: the same inputs always give
 * the same id, so a restarted keeper or a second keeper that sees the same inputs submits the same
 * id, and the settlement refuses it once the first one settled (`Settlement__InstructionExists`).
 */
export function instructionId(p: {
  readonly chainId: number;
  readonly settlement: Address;
  readonly portfolio: Address;
  readonly inputsHash: Hex;
  readonly buildHash: Hex;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "string" },
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      ["portfolio-keeper/v1", BigInt(p.chainId), p.settlement, p.portfolio, p.inputsHash, p.buildHash],
    ),
  );
}

/** Strategy parameters as the cycle uses them (WAD fields converted to fractions). */
export interface CycleParameters {
  readonly optimizerType: OptimizerTypeName;
  /** δ, dimensionless. */
  readonly riskAversion: number;
  /** Black-Litterman τ, dimensionless. */
  readonly tau: number;
  /** Annualised volatility budget, fraction. */
  readonly volatilityBudget: number;
  /** Rebalance drift threshold, fraction. */
  readonly driftThreshold: number;
  readonly maxSlippageBps: number;
  readonly rebalanceCalendar: string;
}

/** The on-chain scalar limits of the constraint set, as fractions. */
export interface CycleConstraintLimits {
  /** Maximum weight of one asset, fraction. */
  readonly maxPositionWeight: number;
  /** Maximum one-way turnover Σ|Δw|/2, fraction. */
  readonly maxTurnover: number;
}

/**
 * The off-chain constraint-set JSON: optional problem settings (docs/problem-format.md) that the
 * DAO fixes — `constraints` (by asset symbol), `objective` (mean-variance types only; an ERC problem
 * has none), `riskFreeRate`, `expectedReturns`,
 * `covariance`, `frequency`, `blackLitterman` (prior, market caps …; the keeper adds τ, δ and the
 * verified views) — `minTradeValueUsd` (USD, default 10), and `riskBudgets` (ERC risk budgets,
 * fractions in vault asset order; required exactly when the registry's `riskBudgetsHash` ≠ 0, which
 * must equal keccak256(abi.encode(uint256[] WAD budgets)), see src/keeper/riskBudgets.ts), and
 * `hrp` (`linkage`, `split`, `herc` of an HRP problem).
 */
export const constraintSetJsonSchema = z
  .object({
    name: z.string().optional(),
    constraints: z.record(z.string(), z.unknown()).optional(),
    objective: z.string().optional(),
    riskFreeRate: z.number().finite().optional(),
    expectedReturns: z.unknown().optional(),
    covariance: z.unknown().optional(),
    frequency: z.number().positive().optional(),
    blackLitterman: z.record(z.string(), z.unknown()).optional(),
    minTradeValueUsd: z.number().finite().nonnegative().optional(),
    riskBudgets: z.array(z.number().finite()).optional(),
    hrp: z
      .object({
        linkage: z.enum(["single", "complete", "average", "ward"]).optional(),
        split: z.enum(["halves", "dendrogram"]).optional(),
        herc: z.object({ clusters: z.number().int().positive() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ConstraintSetJson = z.infer<typeof constraintSetJsonSchema>;

/** Parses constraint-set JSON text, naming the offending field. */
export function parseConstraintSetJson(text: string, path = "constraintSet"): ConstraintSetJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputError("CONSTRAINT_SET_MALFORMED", "is not valid JSON", path, { cause });
  }
  const parsed = constraintSetJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = [path, ...(issue?.path ?? []).map(String)].join(".");
    throw new InputError("CONSTRAINT_SET_MALFORMED", issue?.message ?? "invalid", field);
  }
  return parsed.data;
}

/** Everything {@link buildProblem} needs; all of it is recoverable from the chain and the inputs directory. */
export interface BuildProblemParameters {
  /** Asset symbols in vault order; they name the CSV columns. */
  readonly assets: readonly string[];
  readonly parameters: CycleParameters;
  readonly limits: CycleConstraintLimits;
  readonly constraintSet: ConstraintSetJson;
  /** Current weights (fractions, vault order), for the turnover limit. */
  readonly currentWeights: readonly number[];
  /**
   * The accepted views as `blackLitterman.verifiedViews` (`toVerifiedViewSet` in src/views: the
   * views with signer, digest and nonce, and their commitment); written for BLACK_LITTERMAN only.
   */
  readonly verifiedViews: { readonly commitment: Hex; readonly views: readonly object[] };
}

/**
 * The optimisation problem of a cycle: prices from `market-data.csv` (passed to `optimize` through
 * `options.files`), the registry's optimizer type, δ and τ, the constraint set's settings, and the
 * on-chain limits as hard constraints — every upper bound capped at `maxPositionWeight·(1 − 1e-6)`, and
 * Σ|w − w0| ≤ 2·maxTurnover·(1 − 1e-6) (the settlement measures one-way turnover; the margins keep
 * solver and fixed-point rounding inside its limits).
 */
export function buildProblem(p: BuildProblemParameters): Record<string, unknown> {
  const cs = p.constraintSet;
  const constraints: Record<string, unknown> = { ...(cs.constraints ?? {}) };
  const bounds = (constraints["bounds"] ?? {}) as { lower?: unknown; upper?: unknown };
  // The same margin as the turnover limit: solver round-off must not land a weight on the wrong
  // side of the settlement's fixed-point position check.
  const cap = p.limits.maxPositionWeight * (1 - 1e-6);
  const upper = bounds.upper;
  const cappedUpper = Array.isArray(upper)
    ? upper.map((u) => (typeof u === "number" ? Math.min(u, cap) : cap))
    : typeof upper === "number"
      ? Math.min(upper, cap)
      : cap;
  constraints["bounds"] = { ...bounds, upper: cappedUpper };
  constraints["turnover"] = { currentWeights: [...p.currentWeights], max: 2 * p.limits.maxTurnover * (1 - 1e-6) };
  const problem: Record<string, unknown> = {
    assets: [...p.assets],
    prices: INPUT_FILES.marketData,
    optimizerType: p.parameters.optimizerType,
    constraints,
  };
  if (cs.frequency !== undefined) problem["frequency"] = cs.frequency;
  if (cs.expectedReturns !== undefined) problem["expectedReturns"] = cs.expectedReturns;
  if (cs.covariance !== undefined) problem["covariance"] = cs.covariance;
  if (cs.riskFreeRate !== undefined) problem["riskFreeRate"] = cs.riskFreeRate;
  if (p.parameters.optimizerType === "MARKOWITZ") {
    problem["objective"] = cs.objective ?? "quadratic-utility";
    problem["riskAversion"] = p.parameters.riskAversion;
  } else if (p.parameters.optimizerType === "BLACK_LITTERMAN" && cs.objective !== undefined) {
    // Risk budgeting has no objective: its strict problem branch refuses the field, so a
    // constraint set's objective applies to the mean-variance types only.
    problem["objective"] = cs.objective;
  }
  if (p.parameters.optimizerType === "ERC" && cs.riskBudgets !== undefined) {
    problem["riskBudgets"] = [...cs.riskBudgets];
  }
  if (p.parameters.optimizerType === "HRP") {
    if (cs.hrp?.linkage !== undefined) problem["linkage"] = cs.hrp.linkage;
    if (cs.hrp?.split !== undefined) problem["split"] = cs.hrp.split;
    if (cs.hrp?.herc !== undefined) problem["herc"] = { ...cs.hrp.herc };
  }
  if (p.parameters.optimizerType === "BLACK_LITTERMAN") {
    problem["riskAversion"] = p.parameters.riskAversion;
    problem["blackLitterman"] = {
      prior: "equal",
      ...(cs.blackLitterman ?? {}),
      tau: p.parameters.tau,
      riskAversion: p.parameters.riskAversion,
      verifiedViews: { commitment: p.verifiedViews.commitment, views: [...p.verifiedViews.views] },
    };
  }
  return problem;
}

/** The manifest of one inputs directory (docs/audit-replay.md walks through every field). */
export interface InputsManifest {
  readonly inputsHash: Hex;
  readonly viewSetCommitment: Hex;
  /** Decimal. */
  readonly parametersVersion: string;
  /** Decimal. */
  readonly constraintSetVersion: string;
  /**
   * The block (decimal) the cycle read the registry at: versions, parameters, limits and the view
   * signers of that state; its timestamp is the time views were checked against. Absent from
   * manifests written before it was recorded (replay then takes the legacy path).
   */
  readonly registryReadBlock?: string;
  readonly marketDataHash: Hex;
  /**
   * EIP-712 digests of the accepted views, in the order `viewSetCommitment` hashes them
   * (keccak256 of their concatenation; `[]` for no views), for every optimizer type. Absent from
   * older manifests.
   */
  readonly acceptedViewDigests?: readonly Hex[];
  /** sha256 of each stored file. */
  readonly files: Readonly<Record<string, Hex>>;
  readonly assets: readonly string[];
  /** Current weights the turnover limit was built from (fractions, vault order). */
  readonly currentWeights: readonly number[];
  readonly optimizerType: OptimizerTypeName;
}

/** The files of one inputs directory, as bytes/text. */
export interface StoredInputs {
  readonly manifest: InputsManifest;
  readonly problem: string;
  readonly marketData: Uint8Array;
  readonly viewSet: string;
  readonly constraintSet: string;
}

/** `<root>/<inputsHash without 0x>`. */
export function inputsDirectory(root: string, hash: Hex): string {
  return join(root, hash.slice(2).toLowerCase());
}

/**
 * Writes the inputs under `<root>/<inputsHash>/` (idempotent: a rerun rewrites the same bytes),
 * each file through a temporary name and a rename so a crash never leaves a half-written file.
 */
export async function storeInputs(root: string, inputs: StoredInputs): Promise<string> {
  const dir = inputsDirectory(root, inputs.manifest.inputsHash);
  await mkdir(dir, { recursive: true });
  const put = async (name: string, data: Uint8Array | string): Promise<void> => {
    const tmp = join(dir, `.${name}.${randomUUID()}.tmp`);
    await writeFile(tmp, data);
    await rename(tmp, join(dir, name));
  };
  await put(INPUT_FILES.problem, inputs.problem);
  await put(INPUT_FILES.marketData, inputs.marketData);
  await put(INPUT_FILES.viewSet, inputs.viewSet);
  await put(INPUT_FILES.constraintSet, inputs.constraintSet);
  await put(INPUT_FILES.manifest, `${JSON.stringify(inputs.manifest, null, 2)}\n`);
  return dir;
}

/**
 * Loads an inputs directory and checks it: every file against its sha256 in the manifest, the
 * market data against `marketDataHash`, and the four commitments against `expected` (the on-chain
 * inputsHash). Any difference is a {@link RejectedError} `INPUTS_TAMPERED` naming the file.
 */
export async function loadInputs(root: string, expected: Hex): Promise<StoredInputs> {
  const dir = inputsDirectory(root, expected);
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (cause) {
      throw new InputError("INPUTS_MISSING", `cannot read ${join(dir, name)}`, name, { cause });
    }
  };
  const manifest = JSON.parse((await read(INPUT_FILES.manifest)).toString("utf8")) as InputsManifest;
  const files = {
    problem: await read(INPUT_FILES.problem),
    marketData: await read(INPUT_FILES.marketData),
    viewSet: await read(INPUT_FILES.viewSet),
    constraintSet: await read(INPUT_FILES.constraintSet),
  };
  for (const [key, name] of Object.entries({
    problem: INPUT_FILES.problem,
    marketData: INPUT_FILES.marketData,
    viewSet: INPUT_FILES.viewSet,
    constraintSet: INPUT_FILES.constraintSet,
  })) {
    const got = sha256Hex(files[key as keyof typeof files]);
    if (manifest.files[name] !== got) {
      throw new RejectedError(
        "INPUTS_TAMPERED",
        `sha256 ${got} differs from the manifest's ${manifest.files[name]}`,
        name,
      );
    }
  }
  if (sha256Hex(files.marketData) !== manifest.marketDataHash) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      "does not hash to the manifest's marketDataHash",
      INPUT_FILES.marketData,
    );
  }
  const recomputed = inputsHash({
    viewSetCommitment: manifest.viewSetCommitment,
    parametersVersion: BigInt(manifest.parametersVersion),
    constraintSetVersion: BigInt(manifest.constraintSetVersion),
    marketDataHash: sha256Hex(files.marketData),
  });
  if (recomputed !== expected.toLowerCase()) {
    throw new RejectedError(
      "INPUTS_TAMPERED",
      `inputs hash to ${recomputed}, the chain records ${expected}`,
      INPUT_FILES.manifest,
    );
  }
  return {
    manifest,
    problem: files.problem.toString("utf8"),
    marketData: files.marketData,
    viewSet: files.viewSet.toString("utf8"),
    constraintSet: files.constraintSet.toString("utf8"),
  };
}
