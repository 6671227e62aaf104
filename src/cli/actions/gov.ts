// `portfolio gov …`: loaded only when a gov command runs.
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  isAddress,
  isHex,
  type Address,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  castVote,
  delegateVotes,
  executeProposal,
  proposeRegistryChange,
  queueProposal,
  SUPPORT,
  type GovernanceClients,
} from "../../chain/governance/actions.ts";
import { buildRegistryProposal, type RegistryChanges } from "../../chain/governance/buildRegistryProposal.ts";
import { modelRegistryAbi } from "../../protocol/abi.ts";
import { readDeployment, type GovernanceDeployment } from "../../chain/governance/deployment.ts";
import { formatGovernanceStatus, formatProposalId, formatTime, toJson } from "../../chain/governance/format.ts";
import { findProposal, listProposals } from "../../chain/governance/proposals.ts";
import { readGovernanceStatus } from "../../chain/governance/readStatus.ts";
import { createReadClient } from "../../chain/client.ts";
import { InputError } from "../../errors.ts";
import { verifyContracts, verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { checkAll } from "../validate.ts";
import type { EvidenceOptions } from "./govEvidence.ts";

import { PRIVATE_KEY_ENV, type GovDependencies } from "../options.ts";
import { assertChain, probeRpc } from "../rpc.ts";

/** The default dependencies: HTTP JSON-RPC and stdout. */
export const defaultGovDependencies: GovDependencies = {
  connect(rpc, { wallet }) {
    if (rpc === undefined) throw new InputError("RPC_URL_MISSING", "give the JSON-RPC endpoint", "--rpc");
    const publicClient = createReadClient(rpc);
    if (!wallet) return { publicClient };
    const key = process.env[PRIVATE_KEY_ENV];
    if (key === undefined || key === "") {
      throw new InputError("PRIVATE_KEY_MISSING", "set it to the signer's private key", PRIVATE_KEY_ENV);
    }
    const hex = key.startsWith("0x") ? key : `0x${key}`;
    if (!isHex(hex) || hex.length !== 66) {
      throw new InputError("PRIVATE_KEY_INVALID", "expected 32 bytes of hex", PRIVATE_KEY_ENV);
    }
    const walletClient = createWalletClient({ account: privateKeyToAccount(hex), transport: http(rpc) });
    return { publicClient: createPublicClient({ transport: http(rpc, { retryCount: 2 }) }), walletClient };
  },
  write: (text) => process.stdout.write(text),
};

/** The connection options every gov command takes. */
export interface ConnectionOptions {
  rpc?: string;
  deployment?: string;
  registry?: string;
  governor?: string;
  timelock?: string;
  token?: string;
  fromBlock?: string;
}

function address(value: string | undefined, flag: string): Address {
  if (value === undefined) throw new InputError("ADDRESS_MISSING", "give it, or --deployment", flag);
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, flag);
  return getAddress(value);
}

/** The four governance contracts given as flags instead of a file, every bad flag reported at once. */
function explicitContracts(opts: ConnectionOptions): GovernanceDeployment["contracts"] {
  const [, registry, governor, timelock, token] = checkAll(
    () => {
      if (!/^\d+$/.test(opts.fromBlock ?? "0")) {
        throw new InputError("BLOCK_INVALID", `expected a block number, got "${opts.fromBlock}"`, "--from-block");
      }
    },
    () => address(opts.registry, "--registry"),
    () => address(opts.governor, "--governor"),
    () => address(opts.timelock, "--timelock"),
    () => address(opts.token, "--token"),
  );
  return { ModelRegistry: registry, PortfolioGovernor: governor, TimelockController: timelock, PortfolioToken: token };
}

/**
 * The deployment a gov command acts on, checked: offline first (the file or the flags), then the
 * endpoint answers, serves the file's chain, and each address holds its contract.
 */
async function resolveDeployment(clients: GovernanceClients, opts: ConnectionOptions): Promise<GovernanceDeployment> {
  const given:
    | { kind: "flags"; contracts: GovernanceDeployment["contracts"] }
    | { kind: "file"; file: GovernanceDeployment; path: string } =
    opts.deployment === undefined
      ? { kind: "flags", contracts: explicitContracts(opts) }
      : { kind: "file", file: readDeployment(opts.deployment), path: opts.deployment };
  const chainId = await probeRpc(clients.publicClient, opts.rpc ?? "given");
  if (given.kind === "file") {
    assertChain(given.file.chainId, chainId, given.path, "--deployment");
    await verifyDeployment(clients.publicClient, given.file, given.path);
    return given.file;
  }
  const { contracts } = given;
  await verifyContracts(clients.publicClient, [
    { path: "--registry", address: contracts.ModelRegistry, contract: "ModelRegistry" },
    { path: "--governor", address: contracts.PortfolioGovernor, contract: "PortfolioGovernor" },
    { path: "--timelock", address: contracts.TimelockController, contract: "TimelockController" },
    { path: "--token", address: contracts.PortfolioToken, contract: "PortfolioToken" },
  ]);
  const buildHash = await clients.publicClient.readContract({
    address: contracts.ModelRegistry,
    abi: modelRegistryAbi,
    functionName: "optimizerBuildHash",
  });
  return { chainId, contracts, blockNumber: Number(opts.fromBlock ?? "0"), optimizerBuildHash: buildHash };
}

/** A proposal named on the command line: its whole id, or the short form `gov status` prints. */
export type ProposalRef =
  { readonly id: bigint; readonly option: string } | { readonly prefix: string; readonly option: string };

/**
 * Parses `--id`: a decimal or 0x-hex proposal id, or `0x1f2e3d4c…` (also `...`), the leading hex
 * digits `gov status` shows, resolved against the governor's proposals by {@link resolveProposalId}.
 *
 * @example
 * ```ts
 * parseProposalId("0x1f2e3d4c…"); // { prefix: "1f2e3d4c", option: "--id" }
 * ```
 */
export function parseProposalId(value: string, option = "--id"): ProposalRef {
  const short = /^0x([0-9a-fA-F]{4,63})(?:…|\.\.\.)$/.exec(value);
  if (short?.[1] !== undefined) return { prefix: short[1].toLowerCase(), option };
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value)) {
    throw new InputError(
      "PROPOSAL_ID_INVALID",
      `expected a decimal or 0x-hex proposal id, or its short form 0x1f2e3d4c…, got "${value}"`,
      option,
    );
  }
  return { id: BigInt(value), option };
}

/**
 * The id `ref` names: itself, or the one proposal of the governor whose id starts with the prefix.
 *
 * @throws {InputError} PROPOSAL_NOT_FOUND (no match) or PROPOSAL_ID_AMBIGUOUS (several, listed in full).
 * @example
 * ```ts
 * const id = await resolveProposalId(client, deployment, parseProposalId(opts.id));
 * ```
 */
export async function resolveProposalId(
  client: PublicClient,
  deployment: GovernanceDeployment,
  ref: ProposalRef,
): Promise<bigint> {
  if ("id" in ref) return ref.id;
  const matches = (await listProposals(client, deployment)).filter((p) =>
    formatProposalId(p.id, true).startsWith(`0x${ref.prefix}`),
  );
  const [only, ...more] = matches;
  if (only === undefined) {
    throw new InputError(
      "PROPOSAL_NOT_FOUND",
      `no proposal of the governor has an id starting 0x${ref.prefix}`,
      ref.option,
    );
  }
  if (more.length > 0) {
    const ids = matches.map((p) => formatProposalId(p.id, true)).join(", ");
    throw new InputError(
      "PROPOSAL_ID_AMBIGUOUS",
      `0x${ref.prefix}… names ${matches.length} proposals: ${ids}`,
      ref.option,
    );
  }
  return only.id;
}

/** `gov status` options. */
export interface StatusOptions extends ConnectionOptions {
  all?: boolean;
  json?: boolean;
  fullIds?: boolean;
}

/** `gov propose` options (with `--backtest`, the evidence ones of src/cli/actions/govEvidence.ts). */
export interface ProposeOptions extends ConnectionOptions, Partial<EvidenceOptions> {
  setParameters?: string;
  setConstraints?: string;
  pinBuild?: string[];
  addKeeper?: string[];
  removeKeeper?: string[];
  addSigner?: string[];
  removeSigner?: string[];
  description?: string;
  dryRun?: boolean;
}

/** `gov vote` options. */
export interface VoteOptions extends ConnectionOptions {
  id: string;
  support: keyof typeof SUPPORT;
  reason?: string;
}

/** `gov queue` / `gov execute` options. */
export interface ProposalOptions extends ConnectionOptions {
  id: string;
}

/** `gov verify-evidence` options. */
export interface VerifyEvidenceOptions extends ConnectionOptions {
  report: string;
  prices: string;
  constraintJson?: string;
  proposedConstraintJson?: string;
  bundle?: string;
}

/** `gov delegate` options. */
export interface DelegateOptions extends ConnectionOptions {
  to?: string;
}

/**
 * `gov status`: registry parameters, constraint set, signers, keepers, audit head and proposals.
 *
 * @example
 * ```ts
 * await govStatus({ rpc: "http://127.0.0.1:8545", deployment: "deployments/localhost.json" }, defaultGovDependencies);
 * ```
 */
export async function govStatus(opts: StatusOptions, deps: GovDependencies): Promise<void> {
  const clients = deps.connect(opts.rpc, { wallet: false });
  const deployment = await resolveDeployment(clients, opts);
  const status = await readGovernanceStatus(clients.publicClient, deployment, { all: opts.all === true });
  deps.write(opts.json === true ? toJson(status) : formatGovernanceStatus(status, { fullIds: opts.fullIds === true }));
}

/** `gov propose`: prints the diff of current → proposed values, then proposes unless `dryRun`. */
export async function govPropose(opts: ProposeOptions, deps: GovDependencies): Promise<void> {
  let pinBuild: RegistryChanges["pinBuild"];
  if (opts.pinBuild !== undefined) {
    const [hash, version] = opts.pinBuild;
    if (hash === undefined || version === undefined || opts.pinBuild.length !== 2) {
      throw new InputError("PIN_BUILD_INVALID", "expected <hash> <version>", "--pin-build");
    }
    pinBuild = { hash, version };
  }
  const evidence = opts.backtest === undefined ? undefined : await import("./govEvidence.ts");
  const evidenceOpts: EvidenceOptions = {
    rebalance: "calendar:monthly",
    lookback: "252",
    costBps: "10",
    ...opts,
  };
  if (evidence === undefined) {
    for (const [flag, given] of [
      ["--evidence-out", opts.evidenceOut],
      ["--constraint-json", opts.constraintJson],
      ["--proposed-constraint-json", opts.proposedConstraintJson],
      ["--backtest-from", opts.backtestFrom],
      ["--backtest-to", opts.backtestTo],
      ["--bundle", opts.bundle],
    ] as const) {
      if (given !== undefined) throw new InputError("OPTION_NEEDS_BACKTEST", "only applies with --backtest", flag);
    }
  } else {
    if (opts.setParameters === undefined && opts.setConstraints === undefined) {
      throw new InputError(
        "EVIDENCE_NOTHING_TO_COMPARE",
        "compares parameters or constraint sets: give --set-parameters or --set-constraints",
        "--backtest",
      );
    }
    evidence.checkEvidenceOptions(evidenceOpts);
  }
  const clients = deps.connect(opts.rpc, { wallet: opts.dryRun !== true });
  const deployment = await resolveDeployment(clients, opts);
  const changes: RegistryChanges = {
    ...(opts.setParameters === undefined ? {} : { parametersFile: opts.setParameters }),
    ...(opts.setConstraints === undefined ? {} : { constraintsFile: opts.setConstraints }),
    ...(pinBuild === undefined ? {} : { pinBuild }),
    ...(opts.addKeeper ? { addKeepers: opts.addKeeper } : {}),
    ...(opts.removeKeeper ? { removeKeepers: opts.removeKeeper } : {}),
    ...(opts.addSigner ? { addViewSigners: opts.addSigner } : {}),
    ...(opts.removeSigner ? { removeViewSigners: opts.removeSigner } : {}),
  };
  let proposal = await buildRegistryProposal(clients.publicClient, deployment, changes, opts.description);
  if (evidence !== undefined && opts.backtest !== undefined) {
    const found = await evidence.proposalEvidence(clients.publicClient, deployment.contracts, changes, {
      ...evidenceOpts,
      backtest: opts.backtest,
    });
    deps.write(`Evidence: ${found.files.join(", ")} (sha256 ${found.sha256})\n`);
    proposal = { ...proposal, description: `${proposal.description}${found.block}` };
  }
  deps.write(proposal.diff);
  deps.write(`Description: ${proposal.description}\n`);
  if (opts.dryRun === true) {
    deps.write("Dry run: nothing sent.\n");
    return;
  }
  const { id, hash } = await proposeRegistryChange(clients, deployment, proposal);
  deps.write(`Proposed #${id} in ${hash}\n`);
}

/** `gov vote`: casts a vote on an active proposal. */
export async function govVote(opts: VoteOptions, deps: GovDependencies): Promise<void> {
  const ref = parseProposalId(opts.id);
  const clients = deps.connect(opts.rpc, { wallet: true });
  const deployment = await resolveDeployment(clients, opts);
  const id = await resolveProposalId(clients.publicClient, deployment, ref);
  const hash = await castVote(clients, deployment, id, opts.support, opts.reason);
  deps.write(`Voted ${opts.support} on #${id} in ${hash}\n`);
}

/** `gov queue`: queues a succeeded proposal in the timelock. */
export async function govQueue(opts: ProposalOptions, deps: GovDependencies): Promise<void> {
  const ref = parseProposalId(opts.id);
  const clients = deps.connect(opts.rpc, { wallet: true });
  const deployment = await resolveDeployment(clients, opts);
  const id = await resolveProposalId(clients.publicClient, deployment, ref);
  const { hash, eta } = await queueProposal(clients, deployment, id);
  deps.write(`Queued #${id} in ${hash}; executable from ${formatTime(eta)}\n`);
}

/** `gov execute`: executes a queued proposal once its delay has passed. */
export async function govExecute(opts: ProposalOptions, deps: GovDependencies): Promise<void> {
  const ref = parseProposalId(opts.id);
  const clients = deps.connect(opts.rpc, { wallet: true });
  const deployment = await resolveDeployment(clients, opts);
  const id = await resolveProposalId(clients.publicClient, deployment, ref);
  const hash = await executeProposal(clients, deployment, id);
  deps.write(`Executed #${id} in ${hash}\n`);
}

/**
 * `gov verify-evidence`: checks a proposal's evidence report against the hash in its description
 * and against a recomputation from the report's inputs over `--prices`; a mismatch exits 3.
 *
 * @example
 * ```ts
 * await govVerifyEvidence("0x1f…", { rpc, deployment: "deployments/localhost.json", report: "evidence.json", prices: "prices.csv" }, defaultGovDependencies);
 * ```
 */
export async function govVerifyEvidence(
  proposalId: string,
  opts: VerifyEvidenceOptions,
  deps: GovDependencies,
): Promise<void> {
  const ref = parseProposalId(proposalId, "<proposal-id>");
  const clients = deps.connect(opts.rpc, { wallet: false });
  const deployment = await resolveDeployment(clients, opts);
  const id = await resolveProposalId(clients.publicClient, deployment, ref);
  const proposal = await findProposal(clients.publicClient, deployment, id);
  if (proposal === undefined) {
    throw new InputError("PROPOSAL_NOT_FOUND", `the governor has no proposal #${id}`, "<proposal-id>");
  }
  const { checkEvidence, evidenceMismatch } = await import("./govEvidence.ts");
  const check = await checkEvidence(clients.publicClient, deployment.contracts, proposal, opts);
  deps.write(`${check.lines.join("\n")}\n`);
  if (!check.ok) evidenceMismatch(check);
}

/** `gov delegate`: delegates the signer's votes (to itself by default). */
export async function govDelegate(opts: DelegateOptions, deps: GovDependencies): Promise<void> {
  const clients = deps.connect(opts.rpc, { wallet: true });
  const deployment = await resolveDeployment(clients, opts);
  const hash = await delegateVotes(clients, deployment, opts.to);
  deps.write(`Delegated in ${hash}\n`);
}
