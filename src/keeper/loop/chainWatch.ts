// Notices when the chain a running keeper talks to is no longer the chain it saw: a reorg deeper
// than a block, a node restored from a snapshot (evm_revert), or a node restarted or replaced
// with a fresh chain. The keeper then re-reads its state and its nonce instead of acting on
// what it remembered.
import type { Hash, PublicClient } from "viem";

/** A block the watcher has seen. */
export interface SeenBlock {
  readonly number: bigint;
  readonly hash: Hash;
}

/**
 * What {@link ChainHeadWatcher.check} found: `first` (nothing seen before), `continued` (the
 * block seen last is still on the chain), `reorged` (the block at that height has another hash),
 * `rolled-back` (the head is below it).
 */
export type ChainHeadChange =
  | { readonly kind: "first" | "continued"; readonly head: SeenBlock }
  | { readonly kind: "reorged" | "rolled-back"; readonly head: SeenBlock; readonly previous: SeenBlock };

/** The chain reads the watcher needs (a viem `PublicClient` has them). */
export type HeadClient = Pick<PublicClient, "getBlock">;

/**
 * Remembers the last head block (number and hash) and compares the chain with it on each
 * `check()`: reads the head, and, when the head is at or above the remembered height, the block
 * at that height. Costs one or two `eth_getBlockByNumber` calls.
 *
 * @example
 * ```ts
 * const watcher = new ChainHeadWatcher(client);
 * const change = await watcher.check();
 * if (change.kind === "reorged" || change.kind === "rolled-back") sender.resync();
 * ```
 */
export class ChainHeadWatcher {
  readonly #client: HeadClient;
  #last: SeenBlock | undefined;

  constructor(client: HeadClient) {
    this.#client = client;
  }

  /** The block seen last, if any. */
  get last(): SeenBlock | undefined {
    return this.#last;
  }

  /**
   * Compares the chain with the block seen last and remembers the current head. `read` wraps
   * each RPC call (the keeper passes its retry policy).
   */
  async check(read: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn()): Promise<ChainHeadChange> {
    const headBlock = await read(() => this.#client.getBlock({ blockTag: "latest" }));
    const head = seen(headBlock);
    const previous = this.#last;
    this.#last = head;
    if (previous === undefined) return { kind: "first", head };
    if (head.number < previous.number) return { kind: "rolled-back", head, previous };
    const then =
      head.number === previous.number
        ? head
        : seen(await read(() => this.#client.getBlock({ blockNumber: previous.number })));
    return then.hash === previous.hash ? { kind: "continued", head } : { kind: "reorged", head, previous };
  }

  /** Forgets the block seen last (the next check reports `first`). */
  reset(): void {
    this.#last = undefined;
  }
}

function seen(block: { readonly number: bigint | null; readonly hash: Hash | null }): SeenBlock {
  // `latest` and numbered blocks are mined: number and hash are set (null only for `pending`).
  return { number: block.number ?? 0n, hash: block.hash ?? "0x" };
}
