import {
  encodeFunctionData,
  keccak256,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { InputError, PortfolioError } from "../../errors.ts";
import { backoffDelay, isContractRevert, isRetryableRpcError, sleep, withRetry } from "../retry.ts";
import { bumpFees, capFees, GWEI, marketFees } from "./fees.ts";
import { errorText, label, shortMessage, SimulationRevertedError } from "./errors.ts";
import { watchTransaction, type BroadcastOutcome, type Submitted, type WatchContext } from "./watch.ts";
import type { ContractWrite, Fees, SentTransaction, TxSender, TxSenderOptions } from "./senderTypes.ts";

// The sender's types and errors live in their own modules; callers import them from here.
export type {
  ContractWrite,
  Fees,
  SendAttempt,
  SentTransaction,
  SignedTransaction,
  TxSender,
  TxSenderOptions,
} from "./senderTypes.ts";
export { SimulationRevertedError, TransactionRevertedError } from "./errors.ts";

/**
 * Creates a sender for one account. Nonces are kept locally: read as the node's pending nonce on
 * the first send and after any nonce error, handed out one at a time under a lock (simulate → sign
 * → broadcast), so concurrent sends get consecutive nonces. Every broadcast, first or retry, is
 * preceded by a fresh eth_call; a revert there throws {@link SimulationRevertedError} without
 * broadcasting. A transaction unmined after `bumpAfterMs` is replaced (same nonce) with both fee
 * caps raised by at least `bumpBps` and at least to the market, up to `maxFeePerGasCap`; whichever
 * same-nonce transaction is mined first is the result.
 *
 * Node answers handled: `already known` (our exact bytes are in the pool: fine); `nonce too low`
 * (a transaction with this nonce was mined: ours → its receipt; someone else's → before broadcast,
 * resync and try again with a fresh nonce, after it, {@link PortfolioError} `NONCE_CONSUMED`);
 * `replacement underpriced` (a pending transaction holds the nonce — e.g. one sent before a crash —
 * so offer a full bump over the last offer, up to `maxBumps` times); `nonce too high` (the chain's
 * state moved back under the cached nonce: read the pending nonce again and retry). Any other
 * refusal drops the cached nonce, so the next send reads it from the node. A write's `onSigned`
 * hook runs with every signed transaction before its bytes are broadcast (the keeper records the
 * hash there, so a process killed right after sending leaves it).
 *
 * @example
 * ```ts
 * const sender = createTxSender({ client, account: privateKeyToAccount(key), confirmations: 2, logger: log });
 * const { receipt } = await sender.send({ address: settlement, abi, functionName: "settle", args: [instruction] });
 * ```
 */
export function createTxSender(options: TxSenderOptions): TxSender {
  const {
    client,
    account,
    confirmations = 1,
    bumpAfterMs = 30_000,
    bumpBps = 1_250,
    maxBumps = 5,
    maxFeePerGasCap = 500n * GWEI,
    pollIntervalMs = 1_000,
    timeoutMs = 600_000,
    gasMarginPercent = 120,
    retry = {},
    signal,
  } = options;
  if (!Number.isInteger(bumpBps) || bumpBps < 1_250) {
    throw new InputError("BUMP_TOO_SMALL", `must be an integer ≥ 1250 (12.5 %), got ${bumpBps}`, "bumpBps");
  }
  if (!Number.isInteger(confirmations) || confirmations < 1) {
    throw new InputError("CONFIRMATIONS_INVALID", `must be an integer ≥ 1, got ${confirmations}`, "confirmations");
  }
  const log = options.logger?.child({ account: account.address });
  const marketFeesOf = options.fees ?? ((): Promise<Fees> => marketFees(client));
  let nextNonce: number | undefined;
  let chainId = options.chainId;
  let tail: Promise<unknown> = Promise.resolve();

  const rpc = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    withRetry(() => fn(), {
      ...retry,
      ...(signal === undefined ? {} : { signal }),
      onRetry: (event) => {
        log?.warn(
          { rpc: what, attempt: event.attempt, delayMs: event.delayMs, err: event.error },
          "RPC failed, retrying",
        );
        retry.onRetry?.(event);
      },
    });

  /** Sleeps between polls; rejects at once on shutdown. */
  function pause(ms: number): Promise<void> {
    return sleep(ms, signal);
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  async function simulate(write: ContractWrite): Promise<unknown> {
    try {
      const { result } = await rpc("eth_call", () =>
        client.simulateContract({
          account,
          address: write.address,
          abi: write.abi,
          functionName: write.functionName,
          args: write.args ?? [],
          value: write.value,
        } as Parameters<PublicClient["simulateContract"]>[0]),
      );
      return result;
    } catch (error) {
      if (isContractRevert(error)) {
        throw new SimulationRevertedError(
          "SIMULATION_REVERTED",
          `${label(write)} reverts in simulation: ${shortMessage(error)}`,
          error,
        );
      }
      throw error;
    }
  }

  async function sign(
    to: Address,
    data: Hex,
    value: bigint,
    gas: bigint,
    nonce: number,
    fees: Fees,
  ): Promise<{ raw: Hex; hash: Hex }> {
    chainId ??= await rpc("eth_chainId", () => client.getChainId());
    if (account.signTransaction === undefined) {
      throw new InputError("ACCOUNT_CANNOT_SIGN", "the keeper account must be a local account", "account");
    }
    const raw = await account.signTransaction({ type: "eip1559", chainId, to, data, value, gas, nonce, ...fees });
    return { raw, hash: keccak256(raw) };
  }

  /**
   * Broadcasts signed bytes; "already known" means the pool has exactly these bytes. While the node
   * is unreachable it backs off like {@link withRetry} and, when given `write`, simulates again
   * before every re-broadcast: the state may have moved while the node was away. The bytes stay
   * the same, so a copy that did reach the node is recognised rather than duplicated.
   */
  async function broadcast(raw: Hex, write?: ContractWrite): Promise<BroadcastOutcome> {
    const isRetryable = retry.isRetryable ?? isRetryableRpcError;
    const retries = retry.retries ?? 5;
    const random = retry.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        await client.sendRawTransaction({ serializedTransaction: raw });
        return "sent";
      } catch (error) {
        const text = errorText(error);
        if (/already known|known transaction|already imported/.test(text)) return "sent";
        if (/nonce too low|nonce has already been used|nonce is too low/.test(text)) return "nonce-too-low";
        if (/underpriced/.test(text)) return "underpriced";
        // The chain is behind our cached nonce: its state moved back (a reorg, a node restored from a
        // snapshot). Hardhat says "Nonce too high", geth "nonce too high", some "nonce gap".
        if (/nonce too high|nonce is too high|nonce gap/.test(text)) return "nonce-too-high";
        if (attempt > retries || !isRetryable(error)) {
          // Whatever the node refused, the next send reads the nonce afresh rather than trust ours.
          nextNonce = undefined;
          throw error;
        }
        const delayMs = backoffDelay(
          attempt,
          { baseMs: retry.baseMs ?? 250, maxMs: retry.maxMs ?? 10_000, jitter: retry.jitter ?? "full" },
          random,
        );
        log?.warn({ rpc: "eth_sendRawTransaction", attempt, delayMs, err: error }, "RPC failed, retrying");
        retry.onRetry?.({ attempt, delayMs, error });
        await pause(delayMs);
        if (write !== undefined) {
          try {
            await simulate(write);
          } catch (simulationError) {
            // The first copy may have reached the pool: let the next send read the nonce afresh.
            nextNonce = undefined;
            throw simulationError;
          }
        }
      }
    }
  }

  async function receiptOf(hash: Hex): Promise<TransactionReceipt | null> {
    try {
      return await rpc("eth_getTransactionReceipt", () => client.getTransactionReceipt({ hash }));
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return null;
      throw error;
    }
  }

  async function pendingNonce(): Promise<number> {
    return rpc("eth_getTransactionCount", () =>
      client.getTransactionCount({ address: account.address, blockTag: "pending" }),
    );
  }

  function cappedFees(fees: Fees): Fees {
    return capFees(fees, maxFeePerGasCap);
  }

  async function bumpedFees(previous: Fees): Promise<Fees | null> {
    return bumpFees(previous, await rpc("fees", marketFeesOf), bumpBps, maxFeePerGasCap);
  }

  async function submit(write: ContractWrite): Promise<Submitted> {
    const data = encodeFunctionData({ abi: write.abi, functionName: write.functionName, args: write.args ?? [] });
    const value = write.value ?? 0n;
    let nonceRounds = 0;
    let priceRounds = 0;
    // Fees a pending transaction with our nonce outbid; the next round offers a full bump over them.
    let outbid: Fees | undefined;
    for (;;) {
      const nonce = nextNonce ?? (await pendingNonce());
      const simulatedResult = await simulate(write);
      const estimate = await rpc("eth_estimateGas", () =>
        client.estimateGas({ account, to: write.address, data, value }),
      ).catch((error: unknown) => {
        // The state moved between the eth_call and the estimate: same verdict as a failed simulation.
        if (isContractRevert(error)) {
          throw new SimulationRevertedError(
            "SIMULATION_REVERTED",
            `${label(write)} reverts in gas estimation: ${shortMessage(error)}`,
            error,
          );
        }
        throw error;
      });
      const gas = (estimate * BigInt(gasMarginPercent) + 99n) / 100n;
      const fees = outbid === undefined ? cappedFees(await rpc("fees", marketFeesOf)) : await bumpedFees(outbid);
      if (fees === null) {
        throw new PortfolioError(
          "internal",
          "NONCE_CONFLICT",
          `a pending transaction holds nonce ${nonce} and outbids the fee cap ${maxFeePerGasCap} wei`,
        );
      }
      const { raw, hash } = await sign(write.address, data, value, gas, nonce, fees);
      await write.onSigned?.({ hash, nonce, kind: "original" });
      const outcome = await broadcast(raw, write);
      // "nonce too low" for bytes whose earlier copy did reach the node and was mined meanwhile.
      if (outcome === "sent" || (outcome === "nonce-too-low" && (await receiptOf(hash)) !== null)) {
        nextNonce = nonce + 1;
        log?.info(
          { tx: label(write), hash, nonce, gas, maxFeePerGas: fees.maxFeePerGas, tip: fees.maxPriorityFeePerGas },
          "transaction sent",
        );
        return {
          nonce,
          to: write.address,
          data,
          value,
          gas,
          simulatedResult,
          attempts: [{ hash, kind: "original", fees, sentAt: Date.now() }],
        };
      }
      if (outcome === "underpriced") {
        // A pending transaction of this account holds the nonce, typically one sent before a crash
        // that the node's pending nonce leaves out because it cannot be mined at its fee. Replace it:
        // on-chain idempotency makes whichever of the two is mined safe.
        nextNonce = nonce;
        outbid = fees;
        priceRounds += 1;
        log?.warn(
          { tx: label(write), nonce, round: priceRounds },
          "a pending transaction holds the nonce, outbidding it",
        );
        if (priceRounds > maxBumps) {
          throw new PortfolioError(
            "internal",
            "NONCE_CONFLICT",
            `a pending transaction holds nonce ${nonce}; ${maxBumps} fee bumps did not replace it`,
          );
        }
        continue;
      }
      // Another transaction was mined with this nonce (another process, or one sent before a crash),
      // or the chain is behind the nonce we kept: read the node's pending nonce again.
      nextNonce = undefined;
      outbid = undefined;
      nonceRounds += 1;
      log?.warn(
        { tx: label(write), nonce, round: nonceRounds },
        outcome === "nonce-too-high"
          ? "nonce ahead of the chain (its state moved back), reading the pending nonce again"
          : "nonce taken, reading the pending nonce again",
      );
      if (nonceRounds >= 3) {
        throw new PortfolioError(
          "internal",
          "NONCE_CONFLICT",
          `could not get a free nonce for ${label(write)} after ${nonceRounds} tries`,
        );
      }
    }
  }

  /** Waits until `receipt` has `confirmations` blocks; `null` if its block was reorged away. */
  async function untilConfirmed(receipt: TransactionReceipt): Promise<TransactionReceipt | null> {
    for (;;) {
      const head = await rpc("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }));
      if (head - receipt.blockNumber + 1n >= BigInt(confirmations)) {
        const again = await receiptOf(receipt.transactionHash);
        return again !== null && again.blockHash === receipt.blockHash ? again : null;
      }
      await pause(pollIntervalMs);
    }
  }

  const context: WatchContext = {
    account,
    log,
    pollIntervalMs,
    timeoutMs,
    bumpAfterMs,
    maxBumps,
    maxFeePerGasCap,
    receiptOf,
    untilConfirmed,
    bumpedFees,
    simulate,
    sign,
    broadcast,
    pause,
    forgetNonce: (): void => {
      nextNonce = undefined;
    },
  };

  return {
    address: account.address,
    async send(write: ContractWrite): Promise<SentTransaction> {
      const sent = await exclusive(() => submit(write));
      return watchTransaction(context, write, sent);
    },
    resync(): void {
      nextNonce = undefined;
    },
  };
}
