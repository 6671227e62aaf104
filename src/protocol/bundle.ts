// The pinned optimiser bundle: read it, and import exactly the bytes whose sha256 was checked.
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Hex } from "viem";
import { InputError, RejectedError } from "../errors.ts";
import { sha256Hex } from "./inputs.ts";

/**
 * What the hashed optimiser bundle must export (src/optimizer/optimize.ts). `model` is left
 * `unknown`: a bundle pinned before it existed returns none, so callers validate it
 * (`parseOptimizerModel`) rather than trust this type.
 */
export interface OptimizerModule {
  optimize(
    problem: unknown,
    options?: {
      files?: Readonly<Record<string, string>>;
      model?: boolean | { frontier?: { points: number; withoutTurnover?: boolean } };
    },
  ): {
    status: string;
    weights: number[];
    volatility: number | null;
    diagnostics: { iterations: number; runtimeMs: number };
    infeasibility?: { message: string };
    model?: unknown;
  };
}

/** The bundle file's bytes; a missing file names `npm run build:optimizer`. */
export async function readBundle(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new InputError("BUNDLE_MISSING", `cannot read the optimiser bundle (npm run build:optimizer)`, path, {
      cause,
    });
  }
}

/**
 * Imports exactly the bytes that were hashed: they are written to `<cacheDir>/<hash>.mjs` (checked
 * again if it exists) and imported from there, so a bundle swapped on disk after hashing is never run.
 */
export async function importBundle(bytes: Uint8Array, buildHash: Hex, cacheDir: string): Promise<OptimizerModule> {
  const file = resolve(cacheDir, `${buildHash.slice(2)}.mjs`);
  let existing: Buffer | null = null;
  try {
    existing = await readFile(file);
  } catch {
    existing = null;
  }
  if (existing === null || sha256Hex(existing) !== buildHash) {
    await mkdir(dirname(file), { recursive: true });
    // Through a rename: another keeper in this process may import the same file meanwhile.
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }
  const mod = (await import(pathToFileURL(file).href)) as Partial<OptimizerModule>;
  if (typeof mod.optimize !== "function") {
    throw new RejectedError("BUNDLE_INVALID", "the bundle does not export optimize()", file);
  }
  return mod as OptimizerModule;
}
