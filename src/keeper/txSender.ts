import type { Logger } from "pino";
import {
  encodeFunctionData,
  keccak256,
  TransactionReceiptNotFoundError,
  type Abi,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { InputError, PortfolioError, RejectedError } from "../errors.ts";
import {
  backoffDelay,
  causeChain,
  isContractRevert,
  isRetryableRpcError,
  sleep,
  withRetry,
  type WithRetryOptions,
} from "./retry.ts";

/** EIP-1559 fee caps, wei per gas. */
export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** A contract call to send as a transaction. */
export interface ContractWrite {
  readonly address: Address;
  readonly abi: Abi;
  readonly functionName: string;
  readonly args?: readonly unknown[];
  /** Wei sent along. */
  readonly value?: bigint;
  /** Name for the logs, e.g. `settle(0x12…)`. */
  readonly label?: string;
}

/** One signed transaction broadcast for a nonce: the original, a fee bump, or a cancellation. */
export interface SendAttempt {
  readonly hash: Hex;
  readonly kind: "original" | "bump" | "cancel";
  readonly fees: Fees;
  /** When it was broadcast (ms since the epoch). */
  readonly sentAt: number;
}

/** Result of {@link TxSender.send}: the mined, confirmed transaction and every attempt for its nonce. */
export interface SentTransaction {
  readonly hash: Hex;
  readonly nonce: number;
  readonly receipt: TransactionReceipt;
  readonly attempts: readonly SendAttempt[];
  /** The function's return value from the last simulation. */
  readonly simulatedResult: unknown;
}

/** Options of {@link createTxSender}. */
export interface TxSenderOptions {
  readonly client: PublicClient;
  /** The keeper's local account (e.g. `privateKeyToAccount`), which signs every transaction. */
  readonly account: LocalAccount;
  /** Chain id; read once from the node when absent. */
  readonly chainId?: number;
  /** Blocks to wait for, counting the inclusion block (default 1). */
  readonly confirmations?: number;
  /** Re-send with higher fees when a transaction has not been mined this long, ms (default 30 000). */
  readonly bumpAfterMs?: number;
  /** Fee increase per bump, basis points, at least 1 250 (12.5 %; default 1 250). */
  readonly bumpBps?: number;
  /** Fee bumps per nonce (default 5). */
  readonly maxBumps?: number;
  /** Never offer more than this maxFeePerGas, wei (default 500 gwei). */
  readonly maxFeePerGasCap?: bigint;
  /** How often to look for a receipt, ms (default 1 000). */
  readonly pollIntervalMs?: number;
  /** Give up waiting for one send after this long, ms (default 600 000); the nonce stays in use. */
  readonly timeoutMs?: number;
  /** Gas limit = estimate × this / 100 (default 120). */
  readonly gasMarginPercent?: number;
  /** Fees for a first attempt (default the node's `estimateFeesPerGas`); bumps never go below the market. */
  readonly fees?: () => Promise<Fees>;
  /** Backoff for RPC calls while the node is unreachable (see {@link withRetry}). */
  readonly retry?: WithRetryOptions;
  /**
   * Shutdown: aborts RPC retries and the wait for a receipt (rejecting with `signal.reason`). A
   * transaction already broadcast stays in the pool; a restarted keeper picks the nonce up again.
   */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

/** A transaction sender for one keeper account. */
export interface TxSender {
  readonly address: Address;
  /**
   * Simulates `write` with eth_call, then signs and broadcasts it with the next nonce, bumps its
   * fees while it is stuck, and resolves with the receipt after `confirmations` blocks.
   */
  send(write: ContractWrite): Promise<SentTransaction>;
  /** Forgets the local nonce; the next send reads the pending nonce from the node. */
  resync(): void;
}

/**
 * The simulation (eth_call) of a write reverted, so nothing was broadcast — or, with
 * `code === "TX_CANCELLED"`, a stuck transaction started to revert in re-simulation and was
 * replaced by a zero-value self-transfer.
 */
export class SimulationRevertedError extends RejectedError {
  /** The viem error with the decoded revert (walk `cause` for `ContractFunctionRevertedError`). */
  readonly revert: unknown;
  constructor(code: "SIMULATION_REVERTED" | "TX_CANCELLED", message: string, revert: unknown) {
    super(code, message, undefined, { cause: revert });
    this.revert = revert;
  }
}

/** The transaction was mined and reverted. */
export class TransactionRevertedError extends RejectedError {
  readonly receipt: TransactionReceipt;
  constructor(message: string, receipt: TransactionReceipt) {
    super("TX_REVERTED", message);
    this.receipt = receipt;
  }
}

const GWEI = 1_000_000_000n;

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
 * so offer a full bump over the last offer, up to `maxBumps` times).
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
  // Market fees: 2 × the latest base fee + the node's suggested tip, which still clears after six
  // consecutive full blocks (+12.5 % each) before a bump is needed.
  const marketFees =
    options.fees ??
    (async (): Promise<Fees> => {
      const [block, tip] = await Promise.all([
        client.getBlock({ blockTag: "latest" }),
        client.request({ method: "eth_maxPriorityFeePerGas" }),
      ]);
      const maxPriorityFeePerGas = BigInt(tip);
      return { maxFeePerGas: 2n * (block.baseFeePerGas ?? 0n) + maxPriorityFeePerGas, maxPriorityFeePerGas };
    });
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
        if (attempt > retries || !isRetryable(error)) throw error;
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
    const maxFeePerGas = fees.maxFeePerGas > maxFeePerGasCap ? maxFeePerGasCap : fees.maxFeePerGas;
    const maxPriorityFeePerGas = fees.maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : fees.maxPriorityFeePerGas;
    return { maxFeePerGas, maxPriorityFeePerGas };
  }

  /** Both caps × (1 + bumpBps), and at least the market; `null` when the cap forbids a full bump. */
  async function bumpedFees(previous: Fees): Promise<Fees | null> {
    const raise = (x: bigint): bigint => (x * (10_000n + BigInt(bumpBps)) + 9_999n) / 10_000n;
    const market = await rpc("fees", marketFees);
    const priority = max(raise(previous.maxPriorityFeePerGas), market.maxPriorityFeePerGas);
    const fee = max(raise(previous.maxFeePerGas), market.maxFeePerGas, priority);
    if (fee > maxFeePerGasCap) return null;
    return { maxFeePerGas: fee, maxPriorityFeePerGas: priority };
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
      const fees = outbid === undefined ? cappedFees(await rpc("fees", marketFees)) : await bumpedFees(outbid);
      if (fees === null) {
        throw new PortfolioError(
          "internal",
          "NONCE_CONFLICT",
          `a pending transaction holds nonce ${nonce} and outbids the fee cap ${maxFeePerGasCap} wei`,
        );
      }
      const { raw, hash } = await sign(write.address, data, value, gas, nonce, fees);
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
      // Another transaction was mined with this nonce (another process, or one sent before a crash).
      nextNonce = undefined;
      outbid = undefined;
      nonceRounds += 1;
      log?.warn({ tx: label(write), nonce, round: nonceRounds }, "nonce taken, reading the pending nonce again");
      if (nonceRounds >= 3) {
        throw new PortfolioError(
          "internal",
          "NONCE_CONFLICT",
          `could not get a free nonce for ${label(write)} after ${nonceRounds} tries`,
        );
      }
    }
  }

  async function watch(write: ContractWrite, sent: Submitted): Promise<SentTransaction> {
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
        nextNonce = undefined;
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

  return {
    address: account.address,
    async send(write: ContractWrite): Promise<SentTransaction> {
      const sent = await exclusive(() => submit(write));
      return watch(write, sent);
    },
    resync(): void {
      nextNonce = undefined;
    },
  };
}

type BroadcastOutcome = "sent" | "nonce-too-low" | "underpriced";

interface Submitted {
  readonly nonce: number;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
  readonly simulatedResult: unknown;
  readonly attempts: readonly SendAttempt[];
}

function label(write: ContractWrite): string {
  return write.label ?? `${write.functionName}@${write.address}`;
}

/** Every message and detail in the cause chain, lower-case, for matching node error texts. */
function errorText(error: unknown): string {
  return causeChain(error)
    .map((e) => {
      if (!(e instanceof Error)) return String(e);
      const { details, shortMessage } = e as Error & { details?: unknown; shortMessage?: unknown };
      return [
        e.message,
        typeof details === "string" ? details : "",
        typeof shortMessage === "string" ? shortMessage : "",
      ].join(" ");
    })
    .join(" ")
    .toLowerCase();
}

function shortMessage(error: unknown): string {
  const short = (error as { shortMessage?: unknown }).shortMessage;
  if (typeof short === "string") return short;
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}

function max(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a));
}
