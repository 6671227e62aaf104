// Renders docs/audit-events.md, the reference of every audited event, from the Hardhat build
// artifacts: for each contract that keeps an audit chain, each event it chains with its full
// signature, topic0, fields (type, `indexed`, enum values) and the exact encoding of its payload hash,
// and each event it emits without chaining, with the reason. Used by `npm run generate:docs` and by the
// test that fails when the committed page has drifted from the contracts.
import { readFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { join } from "node:path";
import { toEventSelector, toEventSignature, type AbiEvent, type AbiParameter } from "viem";
import { OPTIMIZER_TYPES, ROLLBACK_REASONS, SETTLEMENT_CHECKS } from "../src/protocol/enums.ts";

/** Where the page lives, relative to the repository root. */
export const AUDIT_EVENTS_DOC = "docs/audit-events.md";

/** A contract that keeps an audit chain: the events it chains, and why it leaves the others out. */
export interface AuditedContract {
  readonly name: string;
  /** Artifact path under `artifacts/contracts/`. */
  readonly artifact: string;
  /** Source folders whose `X.selector` arguments of `_recordAudit`/`_emitAllowed` name what it chains. */
  readonly sources: readonly string[];
  readonly audited: readonly string[];
  readonly notAudited: Readonly<Record<string, string>>;
}

/** The mixin that audits every owner change of the contracts that use it. */
const OWNERSHIP = "contracts/audit/AuditedOwnable2Step.sol";

const NOT_A_LINK = "the chain's own link, which every audited event is followed by";

/** The audited contracts, in the order an auditor meets them. */
export const AUDITED_CONTRACTS: readonly AuditedContract[] = [
  {
    name: "ModelRegistry",
    artifact: "registry/ModelRegistry.sol/ModelRegistry.json",
    sources: ["contracts/registry", "contracts/governance/GuardianPausable.sol", OWNERSHIP],
    audited: [
      "OwnershipTransferred",
      "GuardianUpdated",
      "OptimizerBuildPinned",
      "StrategyParametersUpdated",
      "ConstraintSetUpdated",
      "ViewSignerAdded",
      "ViewSignerRemoved",
      "KeeperAdded",
      "KeeperRemoved",
      "Paused",
      "Unpaused",
    ],
    notAudited: {
      AuditRecorded: NOT_A_LINK,
      OwnershipTransferStarted: "a pending step with no effect; the handover is chained when it takes effect",
    },
  },
  {
    name: "Settlement",
    artifact: "settlement/Settlement.sol/Settlement.json",
    sources: ["contracts/settlement", OWNERSHIP],
    audited: [
      "PortfolioOptimized",
      "RebalanceInstructionIssued",
      "EscrowLocked",
      "SettlementFinalized",
      "RolledBack",
      "ConstraintBreached",
      "PortfolioHalted",
      "PortfolioResumed",
      "PortfolioSet",
      "VenueSet",
      "MakerSet",
      "PortfolioPolicySet",
      "PaymentDeferred",
      "PaymentClaimed",
      "PaymentRecovered",
      "OwnershipTransferred",
      "GuardianUpdated",
      "Paused",
      "Unpaused",
    ],
    notAudited: {
      AuditRecorded: NOT_A_LINK,
      PendingFinality: "repeats the deadline of the chained RebalanceInstructionIssued",
      LegFilled: "a maker's deposit; what the vault receives is chained in SettlementFinalized.amountsOut",
      OwnershipTransferStarted: "a pending step with no effect",
      EIP712DomainChanged: "declared by ERC-5267, never emitted (the domain is fixed)",
    },
  },
  {
    name: "PortfolioVault",
    artifact: "vault/PortfolioVault.sol/PortfolioVault.json",
    sources: ["contracts/vault", OWNERSHIP],
    audited: ["OwnershipTransferred", "AssetAdded", "Deposited", "Withdrawn"],
    notAudited: {
      AuditRecorded: NOT_A_LINK,
      OwnershipTransferStarted: "a pending step with no effect",
    },
  },
  {
    name: "ChainlinkPriceOracle",
    artifact: "oracle/ChainlinkPriceOracle.sol/ChainlinkPriceOracle.json",
    sources: ["contracts/oracle", OWNERSHIP],
    audited: ["OwnershipTransferred", "FeedSet", "FeedBoundsSet", "SequencerFeedSet"],
    notAudited: {
      AuditRecorded: NOT_A_LINK,
      OwnershipTransferStarted: "a pending step with no effect",
    },
  },
];

/** The contracts' enums by Solidity name, members in on-chain order. */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  "enum IModelRegistry.OptimizerType": OPTIMIZER_TYPES,
  "enum ISettlement.Check": SETTLEMENT_CHECKS,
  "enum ISettlement.RollbackReason": ROLLBACK_REASONS,
};

type Parameter = AbiParameter & { readonly indexed?: boolean; readonly internalType?: string };

/** The events of a contract's artifact, by name. */
export function artifactEvents(root: string, artifact: string): Map<string, AbiEvent> {
  const abi = (JSON.parse(readFileSync(join(root, "artifacts/contracts", artifact), "utf8")) as { abi: unknown[] })
    .abi as { type: string; name?: string }[];
  return new Map(abi.filter((x) => x.type === "event").map((x) => [x.name ?? "", x as unknown as AbiEvent]));
}

/** An enum field's values (`0 = None, 1 = NavLoss, …`), or `undefined` for any other type. */
function enumValues(p: Parameter): string | undefined {
  const members = p.internalType === undefined ? undefined : ENUMS[p.internalType];
  if (members === undefined) return undefined;
  const name = (p.internalType ?? "").split(".").at(-1) ?? "";
  return `${name}: ${members.map((m, i) => `${i} = ${m}`).join(", ")}`;
}

/** A field's wire type, with an enum's values and a struct's named components. */
function describeType(p: Parameter): string {
  const values = enumValues(p);
  if (values !== undefined) return `\`${p.type}\` (${values})`;
  if (p.type.startsWith("tuple") && "components" in p) {
    const struct =
      (p.internalType ?? "")
        .replace(/^struct /, "")
        .split(".")
        .at(-1) ?? "tuple";
    const components = p.components.map((c: Parameter) => {
      const v = enumValues(c);
      return `${c.type} ${c.name ?? ""}${v === undefined ? "" : ` (${v})`}`;
    });
    return `\`${tupleType(p)}\` (${struct}: ${components.join("; ")})`;
  }
  return `\`${p.type}\``;
}

/** `event Name(type indexed name, …)` as the interface declares it. */
function declaration(event: AbiEvent): string {
  const fields = (event.inputs as readonly Parameter[]).map((p) => {
    const type = p.type.startsWith("tuple")
      ? ((p.internalType ?? "")
          .replace(/^struct /, "")
          .split(".")
          .at(-1) ?? p.type)
      : p.type;
    return `${type}${p.indexed === true ? " indexed" : ""} ${p.name ?? ""}`;
  });
  return `event ${event.name}(${fields.join(", ")})`;
}

function tupleType(p: Parameter): string {
  if (!(p.type.startsWith("tuple") && "components" in p)) return p.type;
  return `(${p.components.map((c: Parameter) => tupleType(c)).join(",")})${p.type.slice("tuple".length)}`;
}

function eventSection(event: AbiEvent): string[] {
  const inputs = event.inputs as readonly Parameter[];
  const names = inputs.map((p) => p.name ?? "");
  const types = inputs.map((p) => tupleType(p));
  const lines = [
    `### ${event.name}`,
    "",
    `\`${declaration(event)}\``,
    "",
    `- signature: \`${toEventSignature(event)}\``,
    `- topic0 (\`eventType\`): \`${toEventSelector(event)}\``,
    `- payloadHash: \`keccak256(abi.encode(${names.join(", ")}))\` with types \`(${types.join(",")})\``,
    "",
    "| # | field | type | indexed |",
    "| --- | --- | --- | --- |",
    ...inputs.map(
      (p, i) => `| ${i} | \`${p.name ?? ""}\` | ${describeType(p)} | ${p.indexed === true ? "yes" : "no"} |`,
    ),
    "",
  ];
  return lines;
}

/**
 * The page's markdown (before formatting), from the artifacts under `root`.
 *
 * @example
 * ```ts
 * const markdown = renderAuditEventsDoc(root); // then formatAuditEventsDoc(root) for the committed page
 * ```
 */
export function renderAuditEventsDoc(root: string): string {
  const out = [
    "# Audited events (reference)",
    "",
    "<!-- Generated by `npm run generate:docs` (scripts/auditEventsDoc.ts) from the build artifacts. Do not",
    "edit: test/scripts/auditEventsDoc.test.ts fails when this page differs from the contracts. -->",
    "",
    "Every event below is emitted and then, in the same transaction and from the same contract, followed",
    "by the `AuditRecorded` log that chains it ([audit chain](audit-chain.md)). Its `eventType` is the",
    "event's topic0; its `payloadHash` is keccak256 of the ABI encoding (`abi.encode`, not packed) of",
    "**all** its fields in declaration order, indexed or not. Indexed fields are in the log's topics",
    "(topic1, topic2, … in declaration order of the indexed ones); the others are ABI-encoded in its data.",
    "Enum fields are `uint8` on the wire with the values listed; structs are encoded as tuples.",
    "",
  ];
  for (const contract of AUDITED_CONTRACTS) {
    const events = artifactEvents(root, contract.artifact);
    out.push(`## ${contract.name}`, "");
    for (const name of contract.audited) {
      const event = events.get(name);
      if (event === undefined) throw new Error(`${contract.name} declares no event ${name}`);
      out.push(...eventSection(event));
    }
    out.push(`### Emitted by ${contract.name} but not chained`, "", "| event | why |", "| --- | --- |");
    for (const [name, why] of Object.entries(contract.notAudited)) {
      const event = events.get(name);
      if (event === undefined) throw new Error(`${contract.name} declares no event ${name}`);
      out.push(`| \`${toEventSignature(event)}\` | ${why} |`);
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/** The page as committed: {@link renderAuditEventsDoc} formatted with the repository's prettier config. */
export async function formatAuditEventsDoc(root: string): Promise<string> {
  const filepath = join(root, AUDIT_EVENTS_DOC);
  const config = (await resolveConfig(filepath)) ?? {};
  return format(renderAuditEventsDoc(root), { ...config, filepath });
}
