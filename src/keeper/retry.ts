import {
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  ExecutionRevertedError,
  HttpRequestError,
  LimitExceededRpcError,
  RawContractError,
  ResourceUnavailableRpcError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
} from "viem";
import { PortfolioError } from "../errors.ts";

/** What {@link withRetry} tells `onRetry` before it sleeps. */
export interface RetryEvent {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  /** How long it sleeps before the next attempt, milliseconds. */
  readonly delayMs: number;
  readonly error: unknown;
}

/** Options of {@link withRetry}. */
export interface WithRetryOptions {
  /** Retries after the first attempt (default 5; `Infinity` retries until aborted). */
  readonly retries?: number;
  /** Backoff base, milliseconds (default 250): the cap before attempt k+1 is baseMs · 2^(k−1). */
  readonly baseMs?: number;
  /** Largest cap, milliseconds (default 10 000). */
  readonly maxMs?: number;
  /** `"full"` (default): sleep uniformly in [0, cap); `"none"`: sleep exactly the cap. */
  readonly jitter?: "full" | "none";
  /** Source of uniform [0, 1) numbers; pass {@link seededRandom} for reproducible tests. */
  readonly random?: () => number;
  /** Aborts the wait between attempts and prevents further attempts; rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Which errors are worth another attempt (default {@link isRetryableRpcError}). */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Called before each sleep, e.g. to log the failure. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * Runs `fn` until it resolves, retrying retryable failures with exponential backoff and full
 * jitter (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): before attempt k+1 it
 * sleeps U[0, min(maxMs, baseMs · 2^(k−1))). A non-retryable error, or the last retryable one,
 * is rethrown unchanged, so callers can still classify it.
 *
 * @example
 * ```ts
 * const block = await withRetry(() => client.getBlockNumber(), {
 *   retries: 8,
 *   onRetry: ({ attempt, delayMs, error }) => log.warn({ attempt, delayMs, err: error }, "RPC failed, retrying"),
 * });
 * ```
 */
export async function withRetry<T>(
  fn: (context: { readonly attempt: number; readonly signal?: AbortSignal }) => Promise<T>,
  options: WithRetryOptions = {},
): Promise<T> {
  const {
    retries = 5,
    baseMs = 250,
    maxMs = 10_000,
    jitter = "full",
    random = Math.random,
    signal,
    isRetryable = isRetryableRpcError,
    onRetry,
  } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(signal === undefined ? { attempt } : { attempt, signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt > retries || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt, { baseMs, maxMs, jitter }, random);
      onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

/**
 * Sleep before attempt `attempt + 1`, milliseconds: U[0, cap) with full jitter, cap otherwise,
 * where cap = min(maxMs, baseMs · 2^(attempt−1)).
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 100, maxMs: 1_000, jitter: "none" }, Math.random); // 400
 * ```
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, jitter }: { readonly baseMs: number; readonly maxMs: number; readonly jitter: "full" | "none" },
  random: () => number,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 52));
  return jitter === "none" ? cap : Math.floor(random() * cap);
}

/**
 * A deterministic uniform [0, 1) generator (mulberry32) for reproducible jitter in tests.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // the same sequence on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Socket and DNS failures worth another try (Node `code`s and undici's). */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/**
 * Whether an error from a viem call is a transient transport failure (node down or overloaded)
 * rather than an answer. Retryable: `HttpRequestError` (no status, 408, 429, 5xx), `TimeoutError`,
 * WebSocket failures, rate limits (`LimitExceededRpcError`, `ResourceUnavailableRpcError`),
 * `fetch failed` and socket errors such as `ECONNREFUSED` anywhere in the cause chain. Never
 * retryable: a contract revert (`ContractFunctionRevertedError`, `ExecutionRevertedError`,
 * `RawContractError`, a call to an address without code), or one of this project's typed errors —
 * those are answers, and asking again gives the same one.
 *
 * @example
 * ```ts
 * await withRetry(() => client.readContract(args), { isRetryable: isRetryableRpcError });
 * ```
 */
export function isRetryableRpcError(error: unknown): boolean {
  const chain = causeChain(error);
  if (chain.some(isAnswer)) return false;
  return chain.some(isTransient);
}

/**
 * Whether an error (or one of its causes) is a contract revert: the EVM's answer, not a failure to
 * get one.
 *
 * @example
 * ```ts
 * if (isContractRevert(error)) log.error({ err: error }, "leg reverted");
 * ```
 */
export function isContractRevert(error: unknown): boolean {
  return causeChain(error).some(
    (e) =>
      e instanceof ContractFunctionRevertedError ||
      e instanceof ExecutionRevertedError ||
      e instanceof RawContractError ||
      e instanceof ContractFunctionZeroDataError,
  );
}

function isAnswer(e: unknown): boolean {
  return isContractRevert(e) || e instanceof PortfolioError || (e instanceof Error && e.name === "AbortError");
}

function isTransient(e: unknown): boolean {
  if (e instanceof HttpRequestError) {
    const status = e.status;
    return status === undefined || status === 408 || status === 429 || status >= 500;
  }
  if (
    e instanceof TimeoutError ||
    e instanceof WebSocketRequestError ||
    e instanceof SocketClosedError ||
    e instanceof LimitExceededRpcError ||
    e instanceof ResourceUnavailableRpcError
  ) {
    return true;
  }
  if (typeof e === "object" && e !== null) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
  }
  return false;
}

/** The error and its `cause`s (viem wraps transport errors several levels deep), cycle-safe. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 16) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
    if (chain.at(-1) instanceof AggregateError) chain.push(...(chain.at(-1) as AggregateError).errors);
  }
  return chain;
}

/** Waits `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
