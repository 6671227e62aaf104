// `settlement-<id>.json` beside an instruction's inputs: what this keeper sent for it and how that
// ended. Written before the first broadcast and rewritten after every change, so a process killed
// right after sending still leaves the transaction hash an operator (or a rerun) can look up.
import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Hex } from "viem";
import type { SignedTransaction } from "../tx/sender.ts";

/**
 * `sent`: signed and about to be (or being) broadcast, no receipt yet. `finalized`: mined, the
 * instruction settled. `halted`: mined, the settlement's pre-trade risk check halted it.
 * `reverted`: mined and reverted (`settledElsewhere` says when another keeper's instruction won).
 */
export type SettlementRecordStatus = "sent" | "finalized" | "halted" | "reverted";

/** The JSON of `settlement-<id>.json`. */
export interface SettlementRecord {
  readonly instructionId: Hex;
  /** The instruction's nonce (the settlement's per-portfolio sequence), decimal. */
  readonly nonce: string;
  readonly status: SettlementRecordStatus;
  /** The mined transaction once there is a receipt, else the last one signed. */
  readonly txHash: Hex;
  /** Inclusion block of `txHash`, decimal; null until mined. */
  readonly blockNumber: string | null;
  /** `settle` returned true; null until mined. */
  readonly finalized: boolean | null;
  /** Every transaction signed for this instruction, in order (fee bumps and cancellations included). */
  readonly attempts: readonly SignedTransaction[];
  /** Why a reverted transaction is not a failure: the instruction was settled by someone else. */
  readonly settledElsewhere?: string;
}

/**
 * Where {@link writeSettlementRecord} writes an instruction's record.
 *
 * @example
 * ```ts
 * settlementRecordPath("out/inputs/ab12…", "0x9f…"); // "out/inputs/ab12…/settlement-9f….json"
 * ```
 */
export function settlementRecordPath(inputsPath: string, id: Hex): string {
  return join(inputsPath, `settlement-${id.slice(2)}.json`);
}

/**
 * Replaces the record atomically (temp file + rename): a reader, or a process killed mid-write,
 * sees the previous record or the new one, never half of one.
 *
 * @example
 * ```ts
 * await writeSettlementRecord(inputsPath, { instructionId, nonce: "1", status: "sent", txHash, blockNumber: null, finalized: null, attempts });
 * ```
 */
export async function writeSettlementRecord(inputsPath: string, record: SettlementRecord): Promise<void> {
  const path = settlementRecordPath(inputsPath, record.instructionId);
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, path);
}
