import { Command } from "commander";
import type { AuditReplayOptions, AuditVerifyOptions } from "../actions/audit.ts";
import { withExamples } from "../options.ts";

/**
 * `portfolio audit …`: auditor tools over the on-chain hash chains.
 *
 * @example
 * ```ts
 * program.addCommand(auditCommand());
 * ```
 */
export function auditCommand(): Command {
  const audit = new Command("audit").description("verify the on-chain audit hash chains");
  const verify = audit
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
    .action(async (opts: AuditVerifyOptions) => {
      const { auditVerify } = await import("../actions/audit.ts");
      await auditVerify(opts);
    });
  withExamples(
    verify,
    [
      "portfolio audit verify --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json",
      "portfolio audit verify --rpc http://127.0.0.1:8545 --address 0x5FbDB2315678afecb367f032d93F642f64180aa3 --json",
    ],
    `Breaks are named by kind: gap, reorder, forged-link, head-mismatch, count-mismatch,
missing-event, event-mismatch, payload-mismatch (docs/audit-chain.md). Exit 3 on a break.`,
  );
  const replay = audit
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
    .action(async (opts: AuditReplayOptions) => {
      const { auditReplay } = await import("../actions/audit.ts");
      await auditReplay(opts);
    });
  withExamples(replay, [
    "portfolio audit replay --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json --instruction 0x3c…",
    "portfolio audit replay --rpc URL --deployment F --instruction 0x3c… --inputs-dir out/inputs --json",
  ]);
  return audit;
}
