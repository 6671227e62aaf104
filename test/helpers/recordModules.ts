// Loaded with `node --import` into a CLI child process: records the URL of every module the
// process resolves and, at exit, writes them one per line to $RECORD_MODULES_TO. Inert without
// that variable, since the mocha runner imports every file under test/, this one included.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const out = process.env["RECORD_MODULES_TO"];
if (out !== undefined) {
  const seen = new Set<string>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      seen.add(resolved.url);
      return resolved;
    },
  });
  process.on("exit", () => writeFileSync(out, [...seen].join("\n")));
}
