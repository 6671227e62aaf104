// `portfolio audit verify|replay`: loaded only when an audit command runs.
import { getAddress, isAddress, type Address } from "viem";
import { replayInstruction } from "../../audit/replayInstruction.ts";
import { verifyAuditChain } from "../../audit/verifyAuditChain.ts";
import { auditedContractsOf } from "../../protocol/auditedContracts.ts";
import { keeperDeployment, readDeploymentFile } from "../../protocol/deployment.ts";
import { verifyContracts, verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { InputError, RejectedError } from "../../errors.ts";
import { parseBlockNumber } from "../parse.ts";
import { assertChain, connectRpc } from "../rpc.ts";

function parseAddress(value: string, field: string): Address {
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}

interface VerifyTarget {
  readonly name: string | null;
  readonly address: Address;
  readonly fromBlock: bigint;
}

/** The contracts `audit verify` checks: the deployment's audited ones and any `--address`. */
function verifyTargets(opts: { deployment?: string; address?: string[]; fromBlock?: string }): VerifyTarget[] {
  if (opts.deployment === undefined && (opts.address === undefined || opts.address.length === 0)) {
    throw new InputError(
      "AUDIT_TARGET_MISSING",
      "name the contracts: --deployment <file> or --address <a…>",
      "--deployment",
    );
  }
  const explicitFrom = opts.fromBlock === undefined ? undefined : parseBlockNumber(opts.fromBlock, "--from-block");
  const targets: VerifyTarget[] = [];
  if (opts.deployment !== undefined) {
    const { contracts, fromBlock } = auditedContractsOf(readDeploymentFile(opts.deployment));
    for (const c of contracts) targets.push({ name: c.name, address: c.address, fromBlock: explicitFrom ?? fromBlock });
  }
  for (const raw of opts.address ?? []) {
    targets.push({ name: null, address: parseAddress(raw, "--address"), fromBlock: explicitFrom ?? 0n });
  }
  return targets;
}

/** `audit verify` options, as commander parses them. */
export interface AuditVerifyOptions {
  readonly rpc: string;
  readonly deployment?: string;
  readonly address?: string[];
  readonly fromBlock?: string;
  readonly payloads: boolean;
  readonly json?: boolean;
}

/** `audit replay` options, as commander parses them. */
export interface AuditReplayOptions {
  readonly rpc: string;
  readonly deployment: string;
  readonly instruction: string;
  readonly inputsDir: string;
  readonly bundle?: string;
  readonly fromBlock: string;
  readonly json?: boolean;
}

/**
 * `audit verify`: re-folds each target's audit chain from its logs; a break exits 3 naming it.
 *
 * @example
 * ```ts
 * await auditVerify({ rpc: "http://127.0.0.1:8545", deployment: "deployments/localhost.json", payloads: true });
 * ```
 */
export async function auditVerify(opts: AuditVerifyOptions): Promise<void> {
  const targets = verifyTargets(opts);
  const { client, chainId } = await connectRpc(opts.rpc);
  // A wrong address is named as such, not reported as a chain that "breaks" at entry 0.
  if (opts.deployment !== undefined) {
    const deployment = readDeploymentFile(opts.deployment);
    assertChain(deployment.chainId, chainId, opts.deployment, "--deployment");
    await verifyDeployment(client, deployment, opts.deployment);
  }
  // An --address must hold an audited contract; an account or another contract is named as such.
  await verifyContracts(
    client,
    targets
      .filter((t) => t.name === null)
      .map((t) => ({ path: "--address", address: t.address, contract: "ContractWithAuditChain" as const })),
  );
  const reports = [];
  for (const { name, address, fromBlock } of targets) {
    const report = await verifyAuditChain(client, { address, fromBlock, payloads: opts.payloads });
    reports.push({ name, ...report });
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(reports, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
    );
  } else {
    for (const r of reports) {
      const status = r.ok ? "ok" : `BROKEN at entry ${r.firstBreak?.position} (${r.firstBreak?.reason})`;
      const checked = r.payloadsChecked ? "links+payloads" : "links only";
      process.stdout.write(
        `${(r.name ?? "").padEnd(20)} ${r.address}  entries ${r.count}  head ${r.head}  ${checked}  ${status}\n`,
      );
    }
  }
  const broken = reports.find((r) => !r.ok);
  if (broken?.firstBreak) {
    const b = broken.firstBreak;
    throw new RejectedError(
      "AUDIT_CHAIN_BROKEN",
      `audit chain of ${broken.name ?? broken.address} breaks at entry ${b.position}: ${b.reason} (expected ${b.expected}, got ${b.actual})`,
    );
  }
}

/**
 * `audit replay`: re-runs the pinned bundle on an instruction's inputs; a mismatch exits 3.
 *
 * @example
 * ```ts
 * await auditReplay({ rpc, deployment: "deployments/localhost.json", instruction: "0x…", inputsDir: "out/inputs", fromBlock: "0" });
 * ```
 */
export async function auditReplay(opts: AuditReplayOptions): Promise<void> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(opts.instruction)) {
    throw new InputError("INSTRUCTION_INVALID", "must be 0x followed by 64 hex digits", "--instruction");
  }
  const fromBlock = parseBlockNumber(opts.fromBlock, "--from-block");
  const deployment = readDeploymentFile(opts.deployment);
  const settlement = keeperDeployment(deployment, opts.deployment).settlement;
  const { client, chainId } = await connectRpc(opts.rpc);
  assertChain(deployment.chainId, chainId, opts.deployment, "--deployment");
  await verifyDeployment(client, deployment, opts.deployment);
  const report = await replayInstruction(client, {
    settlement,
    instructionId: opts.instruction as `0x${string}`,
    inputsDir: opts.inputsDir,
    bundles: opts.bundle === undefined ? [] : [opts.bundle],
    fromBlock,
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(
      `instruction  ${report.instructionId}\ninputs hash  ${report.inputsHash} (inputs verified)\nbuild hash   ${report.buildHash} (${report.bundle})\non-chain weights hash  ${report.onChainWeightsHash}\nreplayed weights hash  ${report.replayedWeightsHash}\n${report.match ? "MATCH" : "MISMATCH"}\n`,
    );
  }
  if (!report.match) {
    throw new RejectedError(
      "REPLAY_MISMATCH",
      `replayed weights hash ${report.replayedWeightsHash} differs from the on-chain ${report.onChainWeightsHash}`,
    );
  }
}
