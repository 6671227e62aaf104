// `npm run build:package` (also run by `prepare`): compiles the library entry points named in
// package.json's `exports` to JavaScript and type declarations in dist/lib/, one file per source
// file (tsconfig.build.json). The `portfolio` CLI is built separately (scripts/build-cli.ts).
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** What {@link buildPackage} reports: the files compiled, relative to the repository root. */
export interface PackageBuild {
  /** When the build started, ms since the epoch; a newer source file makes it stale. */
  readonly builtAtMs: number;
  /** Every source file compiled, relative to the repository root. */
  readonly inputs: readonly string[];
}

// Declarations keep the source's `.ts` specifiers; a consumer's TypeScript resolves the `.js` ones.
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*["']\.{1,2}\/[^"']*)\.ts(["'])/g;

/**
 * Type-checks and emits dist/lib/ from tsconfig.build.json, then writes dist/lib/manifest.json.
 *
 * @throws {Error} listing every type error; nothing is left half-written in dist/lib.
 * @example
 * ```ts
 * const { inputs } = buildPackage(process.cwd());
 * ```
 */
export function buildPackage(root: string): PackageBuild {
  const configPath = join(root, "tsconfig.build.json");
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (config.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  const outDir = parsed.options.outDir ?? join(root, "dist/lib");
  rmSync(outDir, { recursive: true, force: true });
  const builtAtMs = Date.now();
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const written: string[] = [];
  const emit = program.emit(undefined, (file, text) => {
    written.push(file);
    ts.sys.writeFile(file, file.endsWith(".d.ts") ? text.replace(TS_SPECIFIER, "$1.js$2") : text);
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics];
  if (diagnostics.length > 0) {
    rmSync(outDir, { recursive: true, force: true });
    const host: ts.FormatDiagnosticsHost = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    };
    throw new Error(ts.formatDiagnostics(diagnostics, host));
  }
  const inputs = program
    .getSourceFiles()
    .map((f) => relative(root, f.fileName))
    .filter((f) => f.startsWith("src/"))
    .sort();
  const build: PackageBuild = { builtAtMs, inputs };
  writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(build, null, 2)}\n`);
  return build;
}

/**
 * Whether dist/lib/ was built after every source file it holds last changed (false when missing).
 *
 * @example
 * ```ts
 * if (!packageBuildIsCurrent(root)) buildPackage(root);
 * ```
 */
export function packageBuildIsCurrent(root: string): boolean {
  let build: PackageBuild;
  try {
    build = JSON.parse(readFileSync(join(root, "dist/lib/manifest.json"), "utf8")) as PackageBuild;
  } catch {
    return false;
  }
  try {
    return build.inputs.every((input) => statSync(join(root, input)).mtimeMs <= build.builtAtMs);
  } catch {
    return false; // a compiled file was removed
  }
}

if (import.meta.main) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const { inputs } = buildPackage(root);
  console.log(`dist/lib/  ${inputs.length} source files compiled`);
}
