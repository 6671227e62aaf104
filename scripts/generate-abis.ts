// `npm run generate:abi`: rewrites src/protocol/generated/ from the build artifacts (run `npm run
// build` first) and removes files no contract produces any more. Commit the result with the
// contract change that caused it.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_DIR, renderGeneratedModules } from "./abiModule.ts";

const root = join(import.meta.dirname, "..");
const dir = join(root, GENERATED_DIR);
const modules = renderGeneratedModules(root);
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (!modules.has(file)) rmSync(join(dir, file));
for (const [file, text] of modules) writeFileSync(join(dir, file), text);
process.stdout.write(`wrote ${modules.size} modules to ${GENERATED_DIR}\n`);
