// `npm run generate:abi`: rewrites src/protocol/abi.generated.ts from the build artifacts (run
// `npm run build` first). Commit the result with the contract change that caused it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ABI_MODULE, renderAbiModule } from "./abiModule.ts";

const root = join(import.meta.dirname, "..");
writeFileSync(join(root, ABI_MODULE), await renderAbiModule(root));
process.stdout.write(`wrote ${ABI_MODULE}\n`);
