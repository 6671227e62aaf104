// `npm run demo [-- --rpc URL] [--out DIR] [--deployment FILE]`: the end-to-end demo
// (src/demo/runDemo.ts) on the in-process chain, or against a node started with `npx hardhat node`
// (then it also writes the deployment file, default deployments/<network>.json, and prints the
// follow-up commands for what it deployed). Everything else goes into --out (default out/demo).
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { network as hardhat } from "hardhat";
import { custom, http, type Transport } from "viem";
import { demoKeeperKey, runDemo } from "../src/demo/runDemo.ts";
import { demoFiles, followUpCommands, formatCommand } from "../src/demo/followUps.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    network: { type: "string" },
    out: { type: "string", default: join("out", "demo") },
    deployment: { type: "string" },
  },
});

// Ignition deploys through a Hardhat connection: the in-process chain, or the `localhost` http
// network pointed at --rpc (its journal then goes to ignition/deployments/, which git ignores).
const connection =
  values.rpc === undefined
    ? await hardhat.create()
    : await hardhat.create({ network: "localhost", override: { url: values.rpc } });
let transport: Transport;
let network: string;
let deploymentPath: string | undefined;
if (values.rpc === undefined) {
  transport = custom(connection.provider);
  network = "hardhat";
} else {
  transport = http(values.rpc);
  const { chainId } = await connection.ethers.provider.getNetwork();
  network = values.network ?? (chainId === 31337n ? "localhost" : `chain-${chainId}`);
  deploymentPath = resolve(values.deployment ?? join(root, "deployments", `${network}.json`));
  mkdirSync(dirname(deploymentPath), { recursive: true });
}

console.log(`Portfolio DAO demo on ${values.rpc ?? "the in-process Hardhat chain"}`);
try {
  const report = await runDemo({
    transport,
    connection,
    network,
    root,
    outDir: resolve(values.out),
    ...(deploymentPath === undefined ? {} : { deploymentPath }),
    ...(values.rpc === undefined ? {} : { rpcUrl: values.rpc }),
    progress: (line) => console.log(line),
  });
  console.log("\nrebalance         legs       gas  optimiser ms  cycle ms  volatility  instruction");
  for (const r of report.rebalances) {
    console.log(
      `${r.optimizerType.padEnd(16)}${String(r.legs).padStart(5)}${String(r.gasUsed).padStart(10)}` +
        `${r.optimizerRuntimeMs.toFixed(0).padStart(14)}${r.cycleMs.toFixed(0).padStart(10)}` +
        `${`${(100 * r.volatility).toFixed(1)}%`.padStart(12)}  ${r.instructionId}`,
    );
  }
  console.log(
    `\n${report.rebalances.length} rebalances settled, audit chains ${report.chainVerified ? "verified" : "BROKEN"}, ` +
      `${(report.totalMs / 1000).toFixed(1)} s; report: ${report.files.report}`,
  );
  const instructionId = report.rebalances.at(-1)?.instructionId;
  if (deploymentPath !== undefined && values.rpc !== undefined && instructionId != null) {
    console.log(`deployment: ${deploymentPath}\n\nNext, against the same node (from the repository root):`);
    const commands = followUpCommands({
      rpc: values.rpc,
      deploymentPath: relativeToRoot(deploymentPath),
      files: demoFiles(relativeToRoot(report.files.outDir)),
      instructionId,
      keeperKey: demoKeeperKey(),
    });
    for (const command of commands) console.log(`  ${formatCommand(command)}`);
    console.log("  (PORTFOLIO_KEEPER_KEY is Hardhat's public development account 1: never use it on a real chain)");
  }
} finally {
  await connection.close();
}

/** A path as short as it stays exact from the repository root, where the printed commands run. */
function relativeToRoot(path: string): string {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
