import { Command } from "commander";
import { getAddress, isAddress, type Address } from "viem";
import { verifyAuditChain } from "../../audit/verifyAuditChain.ts";
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
  return audit;
}
