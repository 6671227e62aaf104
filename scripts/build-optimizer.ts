// `npm run build:optimizer`: writes the deterministic optimiser bundle and prints its build hash,
// the value the DAO pins in the ModelRegistry and the keeper checks before every cycle.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPTIMIZER_BUNDLE_PATH, buildOptimizerBundle } from "../src/protocol/optimizerBundle.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = await buildOptimizerBundle({ root });
const out = join(root, OPTIMIZER_BUNDLE_PATH);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bundle.code);
const manifest = { buildHash: bundle.buildHash, bytes: bundle.code.length, esbuild: bundle.esbuildVersion };
writeFileSync(join(root, "dist/optimizer.build.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${OPTIMIZER_BUNDLE_PATH}  ${bundle.code.length} bytes`);
console.log(`build hash  ${bundle.buildHash}`);
