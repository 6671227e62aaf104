import type { Logger } from "pino";
import type { Address, Hex, LocalAccount, TransactionReceipt } from "viem";
import { PortfolioError } from "../../errors.ts";
import { label, SimulationRevertedError, TransactionRevertedError } from "./errors.ts";
import type { ContractWrite, Fees, SendAttempt, SentTransaction } from "./senderTypes.ts";

/** What the node said to a broadcast. */
export type BroadcastOutcome = "sent" | "nonce-too-low" | "nonce-too-high" | "underpriced";

/** A broadcast transaction awaiting its receipt. */
export interface Submitted {
  readonly nonce: number;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
  readonly simulatedResult: unknown;
  readonly attempts: readonly SendAttempt[];
}

/** The sender's settings and RPC steps {@link watchTransaction} works with (built by `createTxSender`). */
export interface WatchContext {
  readonly account: LocalAccount;
  readonly log: Logger | undefined;
  /** ms */
  readonly pollIntervalMs: number;
  /** ms */
  readonly timeoutMs: number;
  /** ms */
  readonly bumpAfterMs: number;
  readonly maxBumps: number;
  /** wei per gas */
  readonly maxFeePerGasCap: bigint;
  receiptOf(hash: Hex): Promise<TransactionReceipt | null>;
  /** The receipt after the configured confirmations; `null` if its block was reorged away. */
  untilConfirmed(receipt: TransactionReceipt): Promise<TransactionReceipt | null>;
  bumpedFees(previous: Fees): Promise<Fees | null>;
  simulate(write: ContractWrite): Promise<unknown>;
  sign(to: Address, data: Hex, value: bigint, gas: bigint, nonce: number, fees: Fees): Promise<{ raw: Hex; hash: Hex }>;
  broadcast(raw: Hex, write?: ContractWrite): Promise<BroadcastOutcome>;
  pause(ms: number): Promise<void>;
  /** Makes the next send read the pending nonce from the node. */
  forgetNonce(): void;
}

/**
 * Waits for `sent` to be mined and confirmed: polls every attempt's receipt, bumps the fees (or
 * cancels with a zero-value self-transfer when the write now reverts) while it is stuck, and
 * throws when the nonce is taken by a transaction the sender did not send or the wait times out.
 *
 * @example
 * ```ts
 * const sent = await submit(write);
 * const { receipt } = await watchTransaction(context, write, sent);
 * ```
 */
export async function watchTransaction(
  context: WatchContext,
  write: ContractWrite,
  sent: Submitted,
): Promise<SentTransaction> {
  const { log, pollIntervalMs, timeoutMs, bumpAfterMs, maxBumps, maxFeePerGasCap, account } = context;
  const { receiptOf, untilConfirmed, bumpedFees, simulate, sign, broadcast, pause } = context;
  const attempts = [...sent.attempts];
  const started = Date.now();
  let lastFees = attempts[0]?.fees ?? { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
  let lastSentAt = Date.now();
  let bumps = 0;
  let nonceGoneAt: number | undefined;
  let simulatedResult = sent.simulatedResult;
  let cancelling: unknown;
  for (;;) {
    for (const attempt of [...attempts].reverse()) {
      const receipt = await receiptOf(attempt.hash);
      if (receipt === null) continue;
      const confirmed = await untilConfirmed(receipt);
      if (confirmed === null) break; // reorged out: keep watching
      log?.info(
        {
          tx: label(write),
          hash: attempt.hash,
          nonce: sent.nonce,
          block: confirmed.blockNumber,
          bumps,
          kind: attempt.kind,
        },
        confirmed.status === "success" ? "transaction confirmed" : "transaction reverted",
      );
      if (attempt.kind === "cancel") {
        throw new SimulationRevertedError(
          "TX_CANCELLED",
          `${label(write)} started to revert while pending and was cancelled (nonce ${sent.nonce})`,
          cancelling,
        );
      }
      if (confirmed.status !== "success") {
        throw new TransactionRevertedError(`${label(write)} reverted on chain in ${attempt.hash}`, confirmed);
      }
      return { hash: attempt.hash, nonce: sent.nonce, receipt: confirmed, attempts, simulatedResult };
    }
    // Receipts can lag the nonce a little on load-balanced RPCs: look for ours for 20 polls.
    if (nonceGoneAt !== undefined && Date.now() - nonceGoneAt > 20 * pollIntervalMs) {
      context.forgetNonce();
      throw new PortfolioError(
        "internal",
        "NONCE_CONSUMED",
        `nonce ${sent.nonce} of ${label(write)} was used by a transaction this sender did not send`,
      );
    }
    if (Date.now() - started > timeoutMs) {
      throw new PortfolioError(
        "internal",
        "TX_TIMEOUT",
        `${label(write)} (nonce ${sent.nonce}) not mined after ${timeoutMs} ms; last hash ${attempts.at(-1)?.hash}`,
      );
    }
    if (nonceGoneAt === undefined && bumps < maxBumps && Date.now() - lastSentAt >= bumpAfterMs) {
      const fees = await bumpedFees(lastFees);
      if (fees === null) {
        log?.warn({ tx: label(write), nonce: sent.nonce, cap: maxFeePerGasCap }, "fee cap reached, not bumping");
        bumps = maxBumps;
      } else {
        bumps += 1;
        let kind: SendAttempt["kind"] = cancelling === undefined ? "bump" : "cancel";
        if (kind === "bump") {
          try {
            simulatedResult = await simulate(write);
          } catch (error) {
            if (!(error instanceof SimulationRevertedError)) throw error;
            // Mining it would only burn gas and block the nonce: replace it with a no-op.
            cancelling = error.revert;
            kind = "cancel";
            log?.warn(
              { tx: label(write), nonce: sent.nonce, err: error },
              "pending transaction now reverts, cancelling",
            );
          }
        }
        const { raw, hash } =
          kind === "cancel"
            ? await sign(account.address, "0x", 0n, 21_000n, sent.nonce, fees)
            : await sign(sent.to, sent.data, sent.value, sent.gas, sent.nonce, fees);
        await write.onSigned?.({ hash, nonce: sent.nonce, kind });
        const outcome = await broadcast(raw);
        lastFees = fees;
        lastSentAt = Date.now();
        if (outcome === "sent") {
          attempts.push({ hash, kind, fees, sentAt: lastSentAt });
          log?.info(
            {
              tx: label(write),
              hash,
              nonce: sent.nonce,
              bump: bumps,
              maxFeePerGas: fees.maxFeePerGas,
              tip: fees.maxPriorityFeePerGas,
              kind,
            },
            "fee bumped",
          );
        } else if (outcome === "nonce-too-low") {
          // Some transaction with this nonce was mined; the receipt loop finds out whose.
          nonceGoneAt = Date.now();
        } else if (outcome === "nonce-too-high") {
          // The chain's state moved back (a reorg, a restored node): the original is gone with it.
          log?.warn(
            { tx: label(write), nonce: sent.nonce, bump: bumps },
            "the node no longer knows this nonce's predecessor",
          );
        } else {
          log?.warn(
            { tx: label(write), nonce: sent.nonce, bump: bumps },
            "replacement underpriced, bumping further next time",
          );
        }
      }
    }
    await pause(pollIntervalMs);
  }
}
