import { encodeAbiParameters, keccak256, type Hex } from "viem";

/** The genesis head of every audit chain: 32 zero bytes. */
export const GENESIS_HEAD: Hex = `0x${"00".repeat(32)}`;

/** One entry of an audit chain as an auditor reads it from an `AuditRecorded` log. */
export interface AuditEntry {
  /** Zero-based position claimed by the log. */
  readonly index: bigint;
  /** Selector (topic0) of the audited event. */
  readonly eventType: Hex;
  /** Head before this entry, as claimed by the log. */
  readonly prevHead: Hex;
  /** keccak256 of the audited event's ABI-encoded fields. */
  readonly payloadHash: Hex;
  /** Head after this entry, as claimed by the log. */
  readonly head: Hex;
}

/**
 * The kinds of break an auditor can find, in the order docs/audit-chain.md checks them:
 * - `gap`: an entry claims a later index than its position, and no later entry fills it (an entry is missing);
 * - `reorder`: an entry claims an index other than its position that another entry holds (entries swapped or repeated);
 * - `forged-link`: an entry's previous head is not the fold so far, or its head is not the link of it;
 * - `head-mismatch`: the logs fold to a head other than the contract's own (same count);
 * - `count-mismatch`: the logs hold another number of entries than the contract reports;
 * - `missing-event`: no log of the contract directly precedes the `AuditRecorded` log;
 * - `event-mismatch`: the log before it is not the event named by `eventType` (or no audited event at all);
 * - `payload-mismatch`: keccak256 of the event's fields differs from `payloadHash`.
 */
export type AuditBreakKind =
  | "gap"
  | "reorder"
  | "forged-link"
  | "head-mismatch"
  | "count-mismatch"
  | "missing-event"
  | "event-mismatch"
  | "payload-mismatch";

/** Where and why a chain stops being consistent. */
export interface AuditBreak {
  /** Position in the supplied entry list (not the claimed index). */
  readonly position: number;
  readonly reason: AuditBreakKind;
  readonly expected: string;
  readonly actual: string;
}

/** Result of {@link foldAuditChain}. */
export interface AuditFold {
  /** Head recomputed over the entries up to the first break (or all of them). */
  readonly head: Hex;
  /** Number of entries folded before the first break. */
  readonly count: number;
  /** The first inconsistency, or `null` when every entry links correctly. */
  readonly firstBreak: AuditBreak | null;
}

const LINK_TYPES = [{ type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "bytes32" }] as const;

/**
 * One link of the chain: `keccak256(abi.encode(head, index, eventType, payloadHash))`, the same
 * formula as `AuditChain.link` in `contracts/libraries/AuditChain.sol`.
 *
 * @example
 * ```ts
 * const head = linkAuditHead(GENESIS_HEAD, 0n, "0x" + "11".repeat(32), "0x" + "22".repeat(32));
 * ```
 */
export function linkAuditHead(head: Hex, index: bigint, eventType: Hex, payloadHash: Hex): Hex {
  return keccak256(encodeAbiParameters(LINK_TYPES, [head, index, eventType, payloadHash]));
}

/**
 * Recomputes a chain from its entries in log order, checking each entry's claimed index,
 * previous head and new head against the fold. Stops at the first inconsistency.
 *
 * @example
 * ```ts
 * const { head, count, firstBreak } = foldAuditChain(entries);
 * if (firstBreak) console.error(`chain breaks at entry ${firstBreak.position}: ${firstBreak.reason}`);
 * ```
 */
export function foldAuditChain(entries: readonly AuditEntry[]): AuditFold {
  let head: Hex = GENESIS_HEAD;
  for (const [position, entry] of entries.entries()) {
    const index = BigInt(position);
    const broken = (reason: AuditBreak["reason"], expected: string, actual: string): AuditFold => ({
      head,
      count: position,
      firstBreak: { position, reason, expected, actual },
    });
    if (entry.index !== index) {
      const filledLater = entries.slice(position + 1).some((later) => later.index === index);
      const kind = entry.index > index && !filledLater ? "gap" : "reorder";
      return broken(kind, `index ${index}`, `index ${entry.index}`);
    }
    if (entry.prevHead.toLowerCase() !== head)
      return broken("forged-link", `prevHead ${head}`, `prevHead ${entry.prevHead}`);
    const next = linkAuditHead(head, index, entry.eventType, entry.payloadHash);
    if (entry.head.toLowerCase() !== next) return broken("forged-link", `head ${next}`, `head ${entry.head}`);
    head = next;
  }
  return { head, count: entries.length, firstBreak: null };
}
