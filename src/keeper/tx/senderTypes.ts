import type { Logger } from "pino";
import type { Abi, Address, Hex, LocalAccount, PublicClient, TransactionReceipt } from "viem";
import type { WithRetryOptions } from "../retry.ts";

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
  /**
   * Called with each signed transaction (original, fee bump, cancellation) before it is broadcast,
   * e.g. to write a record that survives the process dying right after sending; when it throws,
   * nothing is broadcast.
   */
  readonly onSigned?: (tx: SignedTransaction) => Promise<void>;
}

/** A signed transaction about to be broadcast. */
export interface SignedTransaction {
  readonly hash: Hex;
  /** The account nonce it spends. */
  readonly nonce: number;
  readonly kind: SendAttempt["kind"];
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
