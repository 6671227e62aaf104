import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Hex } from "viem";

/** Where `npm run build:optimizer` writes the bundle, relative to the repository root. */
export const OPTIMIZER_BUNDLE_PATH = "dist/optimizer.mjs";

/** Parameters of {@link buildOptimizerBundle}. */
export interface BuildOptimizerBundleParameters {
  /** Absolute path of the repository root; every path in the bundle is relative to it. */
  readonly root: string;
  /** Entry module, relative to `root`. */
  readonly entry?: string;
}

/** The bundle's bytes and its build hash. */
export interface OptimizerBundle {
  readonly code: Uint8Array;
  /** `0x` + sha256 of `code`: the value pinned in the ModelRegistry. */
  readonly buildHash: Hex;
  readonly esbuildVersion: string;
}

/**
 * Bundles the optimiser into one ES module, byte for byte reproducible: every input is bundled
 * (no externals, so the hash covers the HiGHS loader too), paths are relative to the root, and
 * nothing time- or machine-dependent (timestamps, absolute paths, source maps) is emitted. The same
 * sources, lock file and esbuild version give the same bytes on any machine.
 *
 * @example
 * ```ts
 * const { buildHash } = await buildOptimizerBundle({ root: process.cwd() });
 * ```
 */
export async function buildOptimizerBundle({
  root,
  entry = "src/optimizer/optimize.ts",
}: BuildOptimizerBundleParameters): Promise<OptimizerBundle> {
  // Loaded only to build: esbuild is a development dependency, absent where the package is installed
  // for its audit replay, which needs only the path and the hash below.
  const { build, version: esbuildVersion } = await import("esbuild");
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    outfile: OPTIMIZER_BUNDLE_PATH,
    sourcemap: false,
    legalComments: "inline",
    charset: "utf8",
    logLevel: "silent",
    // CommonJS dependencies bundled into ESM need a `require` for Node built-ins.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  return { code: file.contents, buildHash: hashBundle(file.contents), esbuildVersion };
}

/**
 * The build hash of a bundle: `0x` + sha256 of its bytes.
 *
 * @example
 * ```ts
 * const hash = hashBundle(await readFile("dist/optimizer.mjs"));
 * ```
 */
export function hashBundle(code: Uint8Array): Hex {
  return `0x${createHash("sha256").update(code).digest("hex")}`;
}

/**
 * Reads a bundle from disk and returns its build hash.
 *
 * @example
 * ```ts
 * const hash = await hashBundleFile("dist/optimizer.mjs");
 * ```
 */
export async function hashBundleFile(path: string): Promise<Hex> {
  return hashBundle(await readFile(path));
}
