import { Command } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { replayInstruction } from "../../audit/replayInstruction.ts";
import { verifyAuditChain } from "../../audit/verifyAuditChain.ts";
import { keeperDeployment, readDeploymentFile } from "../../protocol/deployment.ts";
import { verifyDeployment } from "../../protocol/verifyDeployment.ts";
import { createReadClient } from "../../chain/client.ts";
import { InputError, RejectedError } from "../../errors.ts";
import { parseBlockNumber } from "../parse.ts";

function parseAddress(value: string, field: string): Address {
  if (!isAddress(value)) throw new InputError("ADDRESS_INVALID", `not an address: ${value}`, field);
  return getAddress(value);
}

/** `portfolio audit …`: auditor tools over the on-chain hash chains. */
export function auditCommand(): Command {
  const audit = new Command("audit").description("verify the on-chain audit hash chains");
  audit
    .command("verify")
    .description("recompute each contract's audit chain from its logs and compare it with the on-chain head")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint")
    .requiredOption("--address <addresses...>", "audited contract addresses")
    .option("--from-block <n>", "first block to scan", "0")
    .option("--json", "print the report as JSON")
    .action(async (opts: { rpc: string; address: string[]; fromBlock: string; json?: boolean }) => {
      const client = createReadClient(opts.rpc);
      const fromBlock = parseBlockNumber(opts.fromBlock, "--from-block");
      const reports = [];
      for (const raw of opts.address) {
        reports.push(await verifyAuditChain(client, { address: parseAddress(raw, "--address"), fromBlock }));
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(reports, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
        );
      } else {
        for (const r of reports) {
          const status = r.ok ? "ok" : `BROKEN at entry ${r.firstBreak?.position} (${r.firstBreak?.reason})`;
          process.stdout.write(`${r.address}  entries ${r.count}  head ${r.head}  ${status}\n`);
        }
      }
      const broken = reports.find((r) => !r.ok);
      if (broken?.firstBreak) {
        const b = broken.firstBreak;
        throw new RejectedError(
          "AUDIT_CHAIN_BROKEN",
          `audit chain of ${broken.address} breaks at entry ${b.position}: ${b.reason} (expected ${b.expected}, got ${b.actual})`,
        );
      }
    });
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
