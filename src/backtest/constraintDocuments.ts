// The constraint-set JSON documents a proposal's evidence was computed from, held to the registry's
// on-chain `contentHash`: the keeper refuses a document whose sha256 differs (src/keeper/cycle/
// constraintSetFile.ts), so evidence computed from one would describe a policy nobody can run.
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import { InputError, RejectedError } from "../errors.ts";
import { parseConstraintSetJson, sha256Hex, type ConstraintSetJson } from "../protocol/inputs.ts";

/** A constraint-set JSON file: its exact bytes' sha256 (what the registry records) and its contents. */
export interface ConstraintDocument {
  readonly path: string;
  /** The option that named it, for error messages (`--constraint-json`). */
  readonly option: string;
  readonly bytes: Uint8Array;
  readonly sha256: Hex;
  readonly json: ConstraintSetJson;
}

/**
 * Reads a constraint-set JSON file, keeping its bytes: the registry's `contentHash` is the sha256
 * of the file as written, not of a re-serialisation.
 *
 * @throws {InputError} `CONSTRAINT_SET_UNREADABLE` / `CONSTRAINT_SET_MALFORMED`, naming `option`.
 * @example
 * ```ts
 * const doc = readConstraintDocument("constraint-set-cash.json", "--constraint-json");
 * doc.sha256; // "0x…", compared with registry.constraintSet().contentHash
 * ```
 */
export function readConstraintDocument(path: string, option: string): ConstraintDocument {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new InputError("CONSTRAINT_SET_UNREADABLE", `cannot read ${path}`, option, { cause });
  }
  return {
    path,
    option,
    bytes,
    sha256: sha256Hex(bytes),
    json: parseConstraintSetJson(bytes.toString("utf8"), option),
  };
}

/** Which registry hash a document must match, for the message naming it. */
export interface ExpectedContentHash {
  readonly sha256: Hex;
  /** e.g. `the registry's contentHash at block 42 (the constraint set in force)`. */
  readonly source: string;
}

/**
 * Refuses a constraint-set document whose sha256 is not the registry's `contentHash` it stands for.
 *
 * @throws {RejectedError} `CONSTRAINT_SET_HASH_MISMATCH` (exit 3), one line naming the option.
 * @example
 * ```ts
 * assertContentHash(doc, { sha256: onChain.contentHash, source: "the registry's contentHash at block 42" });
 * ```
 */
export function assertContentHash(doc: ConstraintDocument, expected: ExpectedContentHash): void {
  if (doc.sha256 === expected.sha256.toLowerCase()) return;
  throw new RejectedError(
    "CONSTRAINT_SET_HASH_MISMATCH",
    `${doc.path} has sha256 ${doc.sha256}, not ${expected.sha256.toLowerCase()}, ${expected.source}`,
    doc.option,
  );
}
