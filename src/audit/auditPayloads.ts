// Step 4 of docs/audit-chain.md: each entry's audited event exists right before its link, is the
// event the link names, and hashes to the link's payload hash. The events are decoded with the
// ABIs generated from the contracts, so an event the contracts do not declare cannot pass.
import {
  decodeEventLog,
  encodeAbiParameters,
  keccak256,
  toEventSelector,
  type AbiEvent,
  type AbiParameter,
  type Hex,
  type Log,
} from "viem";
import { chainlinkPriceOracleAbi, modelRegistryAbi, portfolioVaultAbi, settlementAbi } from "../protocol/abi.ts";
import type { AuditBreak } from "./chain.ts";
import type { LocatedAuditEntry } from "./readAuditEntries.ts";

function eventsOf(abi: readonly { readonly type: string }[]): AbiEvent[] {
  return abi.filter((item): item is AbiEvent => item.type === "event");
}

/** Every event of the audited contracts, by topic0 (a signature declared twice is one event). */
const AUDITED_EVENTS: ReadonlyMap<Hex, AbiEvent> = new Map(
  [modelRegistryAbi, settlementAbi, portfolioVaultAbi, chainlinkPriceOracleAbi]
    .flatMap((abi) => eventsOf(abi))
    .map((event) => [toEventSelector(event), event] as const),
);

/**
 * keccak256 of the ABI encoding of all of a log's fields in declaration order, indexed or not:
 * the payload hash its `AuditRecorded` link must carry. `null` when the log is no audited
 * contract's event.
 *
 * @example
 * ```ts
 * const hash = payloadHashOf(log); // compare with the following AuditRecorded's payloadHash
 * ```
 */
export function payloadHashOf(log: Pick<Log, "data" | "topics">): Hex | null {
  const topic0 = log.topics[0]?.toLowerCase() as Hex | undefined;
  const event = topic0 === undefined ? undefined : AUDITED_EVENTS.get(topic0);
  if (event === undefined) return null;
  const { args } = decodeEventLog({
    abi: [event],
    data: log.data,
    topics: log.topics as [Hex, ...Hex[]],
    strict: true,
  });
  const named = args as Record<string, unknown>;
  const inputs: readonly AbiParameter[] = event.inputs;
  return keccak256(
    encodeAbiParameters(
      inputs,
      inputs.map((input) => named[input.name ?? ""]),
    ),
  );
}

/**
 * The first entry whose audited event is missing, another event, or hashes to another payload.
 *
 * @example
 * ```ts
 * const firstBreak = checkAuditPayloads(await readAuditEntries(client, { address }));
 * ```
 */
export function checkAuditPayloads(entries: readonly LocatedAuditEntry[]): AuditBreak | null {
  for (const [position, entry] of entries.entries()) {
    const where = `log ${entry.logIndex} of ${entry.transactionHash}`;
    if (entry.event === null) {
      return {
        position,
        reason: "missing-event",
        expected: `event ${entry.eventType} before ${where}`,
        actual: "none",
      };
    }
    const topic0 = entry.event.topics[0] ?? "no topic";
    if (
      topic0.toLowerCase() !== entry.eventType.toLowerCase() ||
      !AUDITED_EVENTS.has(entry.eventType.toLowerCase() as Hex)
    ) {
      const known = AUDITED_EVENTS.has(topic0.toLowerCase() as Hex) ? "" : " (no audited event)";
      return {
        position,
        reason: "event-mismatch",
        expected: `event ${entry.eventType}`,
        actual: `event ${topic0}${known}`,
      };
    }
    const payloadHash = payloadHashOf(entry.event);
    if (payloadHash !== entry.payloadHash.toLowerCase()) {
      const name = AUDITED_EVENTS.get(topic0.toLowerCase() as Hex)?.name ?? topic0;
      return {
        position,
        reason: "payload-mismatch",
        expected: `${name} hashing to ${payloadHash}`,
        actual: entry.payloadHash,
      };
    }
  }
  return null;
}
