import { Command } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { replayInstruction } from "../../audit/replayInstruction.ts";
import { verifyAuditChain } from "../../audit/verifyAuditChain.ts";
import { auditedContractsOf } from "../../protocol/auditedContracts.ts";
import { keeperDeployment, readDeploymentFile } from "../../protocol/deployment.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { createReadClient } from "../../chain/client.ts";
import { InputError, RejectedError } from "../../errors.ts";
import { parseBlockNumber } from "../parse.ts";

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

/** `portfolio audit …`: auditor tools over the on-chain hash chains. */
export function auditCommand(): Command {
  const audit = new Command("audit").description("verify the on-chain audit hash chains");
  audit
    .command("verify")
    .description(
      "recompute each contract's audit chain from its logs, check every entry's event and payload, and compare with the on-chain head and count",
    )
    .requiredOption("--rpc <url>", "JSON-RPC endpoint")
    .option(
      "--deployment <file>",
      "deployment file: verifies its registry, settlement, vault and oracle from its first block",
    )
    .option("--address <addresses...>", "audited contract addresses (instead of, or besides, --deployment)")
    .option("--from-block <n>", "first block to scan (default the deployment's first block, else 0)")
    .option("--no-payloads", "skip step 4 (each entry's event and payload hash); links, head and count only")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
Breaks are named by kind: gap, reorder, forged-link, head-mismatch, count-mismatch,
missing-event, event-mismatch, payload-mismatch (docs/audit-chain.md). Exit 3 on a break.

Examples:
  $ portfolio audit verify --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json
  $ portfolio audit verify --rpc http://127.0.0.1:8545 --address 0x5FbDB2315678afecb367f032d93F642f64180aa3 --json`,
    )
    .action(
      async (opts: {
        rpc: string;
        deployment?: string;
        address?: string[];
        fromBlock?: string;
        payloads: boolean;
        json?: boolean;
      }) => {
        const targets = verifyTargets(opts);
        const client = createReadClient(opts.rpc);
        // A wrong address is named as such, not reported as a chain that "breaks" at entry 0.
        if (opts.deployment !== undefined) {
          await verifyDeployment(client, readDeploymentFile(opts.deployment), opts.deployment);
        }
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
      },
    );
  audit
    .command("replay")
    .description(
      "re-run the pinned optimiser bundle on an instruction's content-addressed inputs and compare its weights hash with the on-chain record",
    )
    .requiredOption("--rpc <url>", "JSON-RPC endpoint")
    .requiredOption("--deployment <file>", "deployment file (for the settlement address)")
    .requiredOption("--instruction <id>", "instruction id (0x + 64 hex digits)")
    .option("--inputs-dir <dir>", "the keeper's content-addressed inputs", "out/inputs")
    .option(
      "--bundle <file>",
      "optimiser bundle to try first (default dist/optimizer.mjs, then the inputs' bundle cache)",
    )
    .option("--from-block <n>", "first block to scan", "0")
    .option("--json", "print the report as JSON")
    .action(
      async (opts: {
        rpc: string;
        deployment: string;
        instruction: string;
        inputsDir: string;
        bundle?: string;
        fromBlock: string;
        json?: boolean;
      }) => {
        if (!/^0x[0-9a-fA-F]{64}$/.test(opts.instruction)) {
          throw new InputError("INSTRUCTION_INVALID", "must be 0x followed by 64 hex digits", "--instruction");
        }
        const deployment = readDeploymentFile(opts.deployment);
        const settlement = keeperDeployment(deployment, opts.deployment).settlement;
        const client = createReadClient(opts.rpc);
        await verifyDeployment(client, deployment, opts.deployment);
        const report = await replayInstruction(client, {
          settlement,
          instructionId: opts.instruction as `0x${string}`,
          inputsDir: opts.inputsDir,
          bundles: opts.bundle === undefined ? [] : [opts.bundle],
          fromBlock: parseBlockNumber(opts.fromBlock, "--from-block"),
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
      },
    );
  return audit;
}
