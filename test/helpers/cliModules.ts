import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HOOK = new URL("./recordModules.ts", import.meta.url).pathname;

/** The chain side and the long-running parts, which no optimiser command may load. */
export const CHAIN_SIDE =
  /node_modules\/(viem|ethers|@nats-io|pino|hardhat|@nomicfoundation|esbuild|@observablehq)\/|\/src\/(chain|keeper|dashboard|bus|audit|views)\//;

/**
 * Runs `node <entry> …args` with every module it resolves recorded.
 *
 * @example
 * ```ts
 * const { status, modules } = runRecordingModules("src/cli/main.ts", ["--help"]);
 * ```
 */
export function runRecordingModules(
  entry: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const out = join(mkdtempSync(join(tmpdir(), "cli-modules-")), "modules.txt");
  const r = spawnSync(process.execPath, ["--import", HOOK, entry, ...args], {
    encoding: "utf8",
    env: { ...process.env, RECORD_MODULES_TO: out },
  });
  const modules = readFileSync(out, "utf8").split("\n").filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}
