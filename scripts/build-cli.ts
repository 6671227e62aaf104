// `npm run build:cli` (also `prepare`, so `npm ci` runs it): bundles the `portfolio` CLI into
// dist/cli/, one chunk per command's implementation (the dynamic imports of src/cli/commands/),
// so a run parses a few plain JavaScript files instead of type-stripping ~200 TypeScript modules.
// bin/portfolio.js runs the bundle only while dist/cli/manifest.json says it is current.
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";
import { bundleDashboardAssets, type DashboardAssets } from "../src/dashboard/assetBundle.ts";

/** What bin/portfolio.js reads to decide whether the bundle is current. */
export interface CliBundleManifest {
  /** When the bundle was built, ms since the epoch; a newer source file makes it stale. */
  readonly builtAtMs: number;
  /** The bundle's entry, relative to the manifest. */
  readonly entry: string;
  /** Every source file bundled, relative to the repository root. */
  readonly inputs: readonly string[];
}

/**
 * Source files that find their own files through `import.meta.url`: bundled, they would look
 * next to the bundle. They stay TypeScript, imported from src/ by the chunk that needs them.
 */
const KEEP_IN_SOURCE: readonly string[] = ["src/dashboard/assetBundle.ts"];

/**
 * Packages bundled in rather than imported from node_modules: CommonJS ones on the optimiser's
 * path, which Node would otherwise scan for their exports on every run. The rest stay external
 * (highs and pino find their own files next to themselves).
 */
const INLINED_PACKAGES: readonly string[] = ["commander", "zod", "ml-matrix", "cli-table3"];

function externalPackages(): Plugin {
  return {
    name: "external-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
        if (args.path.startsWith("node:") || INLINED_PACKAGES.includes(name ?? "")) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

// A file-relative lookup (the banner string in optimizerBundle.ts is no such use).
const FILE_RELATIVE =
  /fileURLToPath\(import\.meta\.url\)|new URL\([^)]*import\.meta\.url\)|(?<!\w)createRequire\(import\.meta\.url\)/;

function keepInSource(root: string, outdir: string): Plugin {
  return {
    name: "keep-in-source",
    setup(b) {
      b.onResolve({ filter: /\.ts$/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const full = join(args.resolveDir, args.path);
        if (!KEEP_IN_SOURCE.includes(relative(root, full))) return undefined;
        return { path: relative(outdir, full), external: true };
      });
    },
  };
}

/**
 * Puts the dashboard's browser scripts, built now, into the bundle in place of the source's empty
 * src/dashboard/prebuiltAssets.ts: the installed CLI serves them without esbuild.
 */
function prebuiltDashboardAssets(assets: DashboardAssets): Plugin {
  return {
    name: "prebuilt-dashboard-assets",
    setup(b) {
      b.onLoad({ filter: /src[\\/]dashboard[\\/]prebuiltAssets\.ts$/ }, () => ({
        contents: `export const prebuiltAssets = ${JSON.stringify(assets)};`,
        loader: "js",
      }));
    },
  };
}

/** Fails the build when a bundled file looks up files relative to itself and is not kept in source. */
function checkFileRelative(root: string, metafile: Metafile): void {
  const offenders = Object.keys(metafile.inputs)
    .filter((f) => f.startsWith("src/") && FILE_RELATIVE.test(readFileSync(join(root, f), "utf8")))
    .filter((f) => !KEEP_IN_SOURCE.includes(f));
  if (offenders.length > 0) {
    throw new Error(`${offenders.join(", ")} resolve files through import.meta.url: add them to KEEP_IN_SOURCE`);
  }
}

/** Options of {@link buildCliBundle}. */
export interface BuildCliBundleOptions {
  /** The repository root. */
  readonly root: string;
  /** Where the bundle goes (default `<root>/dist/cli`); emptied first. */
  readonly outdir?: string;
}

/**
 * Bundles src/cli/main.ts with code splitting; packages stay external (node_modules is read at
 * run time). Returns the manifest it wrote beside the bundle, and esbuild's metafile.
 *
 * @example
 * ```ts
 * const { manifest } = await buildCliBundle({ root: process.cwd() });
 * ```
 */
export async function buildCliBundle({
  root,
  outdir = join(root, "dist/cli"),
}: BuildCliBundleOptions): Promise<{ manifest: CliBundleManifest; metafile: Metafile }> {
  rmSync(outdir, { recursive: true, force: true });
  const builtAtMs = Date.now();
  const dashboard = await bundleDashboardAssets();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: "src/cli/main.ts" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
    // The inlined CommonJS packages require Node's built-ins; an ES module has no `require`.
    banner: {
      js: 'import { createRequire as __cliRequire } from "node:module"; const require = __cliRequire(import.meta.url);',
    },
    plugins: [keepInSource(root, outdir), externalPackages(), prebuiltDashboardAssets(dashboard.assets)],
  });
  checkFileRelative(root, result.metafile);
  const manifest: CliBundleManifest = {
    builtAtMs,
    entry: "main.mjs",
    inputs: Object.keys(result.metafile.inputs)
      .filter((f) => !f.includes("node_modules/"))
      .concat(
        KEEP_IN_SOURCE,
        dashboard.inputs.map((f) => relative(root, f)),
      )
      .sort()
      .filter((f, i, all) => all.indexOf(f) === i),
  };
  writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, metafile: result.metafile };
}

/**
 * Whether dist/cli/ holds a bundle built after every file it was built from last changed: the
 * rule bin/portfolio.js applies before running it (false when there is none).
 *
 * @example
 * ```ts
 * if (!cliBundleIsCurrent(root)) await buildCliBundle({ root });
 * ```
 */
export function cliBundleIsCurrent(root: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(root, "dist/cli/manifest.json"), "utf8")) as CliBundleManifest;
    return manifest.inputs.every((input) => statSync(join(root, input)).mtimeMs <= manifest.builtAtMs);
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const { manifest } = await buildCliBundle({ root });
  console.log(`dist/cli/  ${manifest.inputs.length} source files bundled`);
}
