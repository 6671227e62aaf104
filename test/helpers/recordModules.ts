// Loaded with `node --import` into a CLI child process: records the URL of every module the
// process resolves and, at exit, writes them one per line to $RECORD_MODULES_TO.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const seen = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    seen.add(resolved.url);
    return resolved;
  },
});
process.on("exit", () => {
  const out = process.env["RECORD_MODULES_TO"];
  if (out !== undefined) writeFileSync(out, [...seen].join("\n"));
});
