#!/usr/bin/env node
// The `portfolio` command. It runs the bundle in dist/cli/ (`npm run build:cli`, run by `npm ci`)
// while that bundle is current, i.e. no source file it was built from changed since; otherwise,
// e.g. right after editing src/, the TypeScript source itself. Either way the same program. An
// installed package ships the bundle without the source, so there the bundle always runs.
// Plain JavaScript that any Node parses, so an old one reaches the version check below.
import { existsSync, readFileSync, statSync } from "node:fs";
import module from "node:module";
import { URL } from "node:url";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  // The source runs on Node's type stripping (on by default from 22.18); say so in one line
  // rather than crash on the first `.ts` import.
  process.stderr.write(
    `portfolio: Node >= 22.18 is required, this is ${process.version}; install Node 22 or 24 LTS (in a clone of the repository, \`npx portfolio\` runs the project's own Node 22) [NODE_VERSION]\n`,
  );
  process.exit(2);
}

// Caches V8's compiled code between runs (in the OS temp directory).
module.enableCompileCache?.();

// `portfolio … | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const bundleDir = new URL("../dist/cli/", import.meta.url);
const root = new URL("../", import.meta.url);
const source = new URL("../src/cli/main.ts", import.meta.url);
const hasSource = existsSync(source);

// The bundle's entry when it is current, else undefined.
const bundleEntry = (() => {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL("manifest.json", bundleDir), "utf8"));
  } catch {
    return undefined;
  }
  if (!hasSource) return new URL(manifest.entry, bundleDir).href;
  try {
    for (const input of manifest.inputs) {
      if (statSync(new URL(input, root)).mtimeMs > manifest.builtAtMs) return undefined;
    }
  } catch {
    return undefined; // a bundled file was removed
  }
  return new URL(manifest.entry, bundleDir).href;
})();

if (bundleEntry === undefined && !hasSource) {
  process.stderr.write(
    `portfolio: no CLI bundle in ${bundleDir.pathname}; reinstall the package [INSTALL_INCOMPLETE]\n`,
  );
  process.exit(1);
}
const { main } = await import(bundleEntry ?? source.href);
process.exitCode = await main(process.argv.slice(2));
