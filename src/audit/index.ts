/**
 * The auditor's public API (`dao-portfolio/audit`): fold an audit hash chain, read and verify a
 * contract's chain from its logs, and replay a rebalance from its content-addressed inputs
 * (docs/audit-chain.md, docs/audit-replay.md).
 *
 * @example
 * ```ts
 * import { createPublicClient, http } from "viem";
 * import { verifyAuditChain } from "dao-portfolio/audit";
 *
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const result = await verifyAuditChain(client, { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * result.ok; // false names the first break (kind, index, block)
 * ```
 * @packageDocumentation
 */
export {
  GENESIS_HEAD,
  foldAuditChain,
  linkAuditHead,
  type AuditBreak,
  type AuditBreakKind,
  type AuditEntry,
  type AuditFold,
} from "./chain.ts";
export { checkAuditPayloads, payloadHashOf } from "./auditPayloads.ts";
export {
  auditRecordedEvent,
  readAuditEntries,
  type LocatedAuditEntry,
  type ReadAuditEntriesParameters,
} from "./readAuditEntries.ts";
export {
  verifyAuditChain,
  type VerifyAuditChainParameters,
  type VerifyAuditChainReturnType,
} from "./verifyAuditChain.ts";
export { replayInstruction, type ReplayInstructionParameters, type ReplayReport } from "./replayInstruction.ts";
