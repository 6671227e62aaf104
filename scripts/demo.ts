// `npm run demo [-- --rpc URL]`: the end-to-end demo (src/demo/runDemo.ts) on the in-process chain,
// or against a node started with `npx hardhat node` (then also writes deployments/<network>.json).
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { network as hardhat } from "hardhat";
import { custom, http, type Transport } from "viem";
import { runDemo } from "../src/demo/runDemo.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { rpc: { type: "string" }, network: { type: "string" }, out: { type: "string", default: "out" } },
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
  mkdirSync(join(root, "deployments"), { recursive: true });
  deploymentPath = join(root, "deployments", `${network}.json`);
}

console.log(`Portfolio DAO demo on ${values.rpc ?? "the in-process Hardhat chain"}`);
try {
  const report = await runDemo({
    transport,
    connection,
    network,
    root,
    outDir: resolve(root, values.out),
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
      `${(report.totalMs / 1000).toFixed(1)} s; report: ${join(values.out, "demo-report.json")}`,
  );
  if (deploymentPath !== undefined) {
    const c = report.deployment.contracts;
    console.log(`deployment: ${deploymentPath}`);
    console.log(
      `verify: npx portfolio audit verify --rpc ${values.rpc} --address ${c.ModelRegistry} ${c.Settlement} --from-block ${report.deployment.blockNumber}`,
    );
  }
} finally {
  await connection.close();
}
