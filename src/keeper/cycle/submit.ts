// Steps 8 and 9 of a keeper cycle (src/keeper/cycle.ts): the instruction, then simulate, submit,
// confirm — and telling "someone else settled it" apart from a genuine failure.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { BaseError, ContractFunctionRevertedError, type Hex, type TransactionReceipt } from "viem";
import { PortfolioError, RejectedError } from "../../errors.ts";
import { settlementAbi } from "../../protocol/abi.ts";
import type { CycleRead } from "./chainState.ts";
import type { KeeperCycleContext } from "./types.ts";
import type { Leg } from "../legs/planLegs.ts";
import { causeChain, type WithRetryOptions } from "../retry.ts";
import {
  SimulationRevertedError,
  TransactionRevertedError,
  createTxSender,
  type SignedTransaction,
} from "../tx/sender.ts";
import { writeSettlementRecord, type SettlementRecord } from "./settlementRecord.ts";
import { SETTLEMENT_STATUSES } from "../../protocol/enums.ts";

const STATUS_FINALIZED = SETTLEMENT_STATUSES.indexOf("Finalized");

/** What {@link submitInstruction} needs besides the cycle's context. */
export interface SubmitParameters {
  readonly id: Hex;
  readonly inputsHash: Hex;
  readonly buildHash: Hex;
  readonly targetWeightsWad: readonly bigint[];
  readonly legs: readonly Leg[];
  /**
   * The earliest `validUntil` of the accepted views (seconds), or null without views: the deadline
   * is capped at it, so the instruction cannot settle at a block time the views are expired at.
   */
  readonly validUntil?: bigint | null;
  /** Where the instruction and settlement records are written. */
  readonly inputsPath: string;
  /** `settlement.statusOf(id)`, read under the retry policy. */
  readonly statusOf: () => Promise<number>;
  readonly read: CycleRead;
  readonly retry: WithRetryOptions;
  readonly log: Logger;
}

/** How a submission ended. */
export type SubmitOutcome =
  | {
      readonly kind: "already-settled";
      readonly nonce: string;
      readonly revert: string;
      /** This keeper's transaction when it was mined and reverted (a race loser); null when none was mined. */
      readonly receipt: TransactionReceipt | null;
    }
  | {
      readonly kind: "mined";
      readonly nonce: string;
      readonly txHash: Hex;
      readonly receipt: TransactionReceipt;
      /** `settle` returned true: finalised; false: the pre-trade risk check halted it. */
      readonly finalized: boolean;
    };

/**
 * Builds the instruction (nonce = `lastNonce + 1`, deadline = latest block time + the context's
 * `deadlineSeconds`, capped at the accepted views' earliest `validUntil`), stores it as
 * `instruction-<id>.json`, and sends `settle` through the tx sender (which simulates before every
 * broadcast). `settlement-<id>.json` is written with status `sent` and the signed hash before each
 * broadcast, and rewritten once mined (`finalized`, `halted` or `reverted`, with the mined hash). A
 * revert meaning the id or nonce is already used ends as `already-settled` — with the receipt of
 * this keeper's transaction if it was mined and reverted; any other failure is rethrown.
 *
 * @example
 * ```ts
 * const outcome = await submitInstruction(ctx, { id, inputsHash, buildHash, targetWeightsWad, legs, inputsPath, statusOf, read, retry, log });
 * ```
 */
export async function submitInstruction(ctx: KeeperCycleContext, p: SubmitParameters): Promise<SubmitOutcome> {
  const { client, deployment } = ctx;
  const portfolio = deployment.vault;
  const lastNonce = await p.read(() =>
    client.readContract({
      address: deployment.settlement,
      abi: settlementAbi,
      functionName: "lastNonce",
      args: [portfolio],
    }),
  );
  const nonce = lastNonce + 1n;
  const block = await p.read(() => client.getBlock({ blockTag: "latest" }));
  const lifetime = block.timestamp + BigInt(ctx.deadlineSeconds ?? 3600);
  const validUntil = p.validUntil ?? null;
  if (validUntil !== null && validUntil < block.timestamp) {
    throw new RejectedError(
      "VIEWS_EXPIRED",
      `a view expired at ${validUntil}, before the latest block's time ${block.timestamp}; nothing sent`,
      "ai.bl_views",
    );
  }
  const deadline = validUntil !== null && validUntil < lifetime ? validUntil : lifetime;
  const instruction = {
    id: p.id,
    portfolio,
    optimiserBuildHash: p.buildHash,
    inputsHash: p.inputsHash,
    targetWeights: [...p.targetWeightsWad],
    legs: p.legs.map((l: Leg) => ({ ...l })),
    deadline,
    nonce,
  };
  await writeFile(
    join(p.inputsPath, `instruction-${p.id.slice(2)}.json`),
    `${JSON.stringify(instruction, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
  const sender =
    ctx.sender ??
    createTxSender({
      client,
      account: ctx.account,
      confirmations: ctx.confirmations ?? 1,
      logger: p.log,
      retry: p.retry,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
  const attempts: SignedTransaction[] = [];
  const record = (fields: Partial<SettlementRecord> & Pick<SettlementRecord, "status" | "txHash">): Promise<void> =>
    writeSettlementRecord(p.inputsPath, {
      instructionId: p.id,
      nonce: nonce.toString(),
      blockNumber: null,
      finalized: null,
      attempts: [...attempts],
      ...fields,
    });
  let sent;
  try {
    sent = await sender.send({
      address: deployment.settlement,
      abi: settlementAbi,
      functionName: "settle",
      args: [instruction],
      label: `settle(${p.id.slice(0, 10)}…)`,
      // Before the bytes leave: a keeper killed right after broadcasting still leaves the hash.
      onSigned: async (tx) => {
        attempts.push(tx);
        await record({ status: "sent", txHash: tx.hash });
      },
    });
  } catch (error) {
    const settledElsewhere = await wasSettledElsewhere(error, p.statusOf);
    const receipt = error instanceof TransactionRevertedError ? error.receipt : null;
    if (receipt !== null) {
      await record({
        status: "reverted",
        txHash: receipt.transactionHash,
        blockNumber: receipt.blockNumber.toString(),
        finalized: false,
        ...(settledElsewhere === null ? {} : { settledElsewhere }),
      });
    }
    if (settledElsewhere !== null)
      return { kind: "already-settled", nonce: nonce.toString(), revert: settledElsewhere, receipt };
    throw error;
  }
  const finalized = sent.simulatedResult === true;
  await record({
    status: finalized ? "finalized" : "halted",
    txHash: sent.hash,
    blockNumber: sent.receipt.blockNumber.toString(),
    finalized,
  });
  return { kind: "mined", nonce: nonce.toString(), txHash: sent.hash, receipt: sent.receipt, finalized };
}

/**
 * Decides whether a failed send means the instruction (or a newer one) was settled by someone else:
 * a revert naming the id or the nonce as used, in simulation, gas estimation or on chain (two keepers
 * that both simulated before either was mined), or any failure after which the id is issued.
 * Returns a description, or null when the failure is genuine.
 */
async function wasSettledElsewhere(error: unknown, statusOf: () => Promise<number>): Promise<string | null> {
  const name = error instanceof SimulationRevertedError ? revertName(error.revert) : revertName(error);
  if (name === "Settlement__InstructionExists" || name === "Settlement__NonceNotNext") return name;
  if (error instanceof PortfolioError && error.kind !== "rejected" && error.kind !== "internal") return null;
  const status = await statusOf();
  if (status === STATUS_FINALIZED || error instanceof TransactionRevertedError) {
    return status === 0
      ? null
      : `instruction status ${status} after: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
  return null;
}

/**
 * The custom-error name of a contract revert anywhere in an error's cause chain: viem's decoded
 * `ContractFunctionRevertedError`, or a node message such as `reverted with custom error 'X(…)'`
 * (eth_estimateGas errors are not always decoded).
 *
 * @example
 * ```ts
 * if (revertName(error) === "Settlement__NonceNotNext") { … }
 * ```
 */
export function revertName(error: unknown): string | null {
  for (const e of causeChain(error)) {
    if (e instanceof ContractFunctionRevertedError && e.data?.errorName !== undefined) return e.data.errorName;
    if (e instanceof BaseError) {
      const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName !== undefined) {
        return revert.data.errorName;
      }
    }
    const match = e instanceof Error ? /custom error '([A-Za-z0-9_]+)\(/.exec(e.message) : null;
    if (match?.[1] !== undefined) return match[1];
  }
  return null;
}
