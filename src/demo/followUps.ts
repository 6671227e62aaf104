// The commands the demo prints at the end, for what it deployed: each one runs as printed from the
// repository root (test/scripts/demoRpc.test.ts runs them).
import { join } from "node:path";
import type { Hex } from "viem";
import { CONSTRAINT_SETS_DIR } from "./constraintSets.ts";

/** The keeper signing key's environment variable (KEEPER_KEY_ENV, src/keeper/account.ts). */
export const DEMO_KEEPER_KEY_ENV = "PORTFOLIO_KEEPER_KEY";

/** Files the demo writes into its output directory, by role. */
export interface DemoFiles {
  readonly outDir: string;
  readonly report: string;
  readonly bundle: string;
  readonly prices: string;
  readonly inputsDir: string;
  readonly constraintSets: string;
  readonly metricsDb: string;
}

/**
 * Where the demo writes each file inside `outDir`.
 *
 * @example
 * ```ts
 * demoFiles("out/demo").bundle; // "out/demo/optimizer.mjs"
 * ```
 */
export function demoFiles(outDir: string): DemoFiles {
  return {
    outDir,
    report: join(outDir, "demo-report.json"),
    bundle: join(outDir, "optimizer.mjs"),
    prices: join(outDir, "prices.csv"),
    inputsDir: join(outDir, "inputs"),
    constraintSets: join(outDir, CONSTRAINT_SETS_DIR),
    metricsDb: join(outDir, "metrics.sqlite"),
  };
}

/** One printed command: `npx portfolio <args>`, with environment assignments in front. */
export interface FollowUpCommand {
  readonly name: "audit verify" | "audit replay" | "keeper once" | "dashboard";
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
}

/** What {@link followUpCommands} needs to know of the run. */
export interface FollowUpParameters {
  readonly rpc: string;
  readonly deploymentPath: string;
  readonly files: DemoFiles;
  /** A settled instruction to replay. */
  readonly instructionId: Hex;
  /** The keeper's development private key (Hardhat's account 1: public knowledge, never a real key). */
  readonly keeperKey: Hex;
}

/**
 * `audit verify`, `audit replay`, `keeper once` and `dashboard` for the demo's deployment and files.
 * The chain id needs no flag: every command checks the node's against the deployment file's.
 *
 * @example
 * ```ts
 * for (const c of followUpCommands({ rpc, deploymentPath, files, instructionId, keeperKey })) console.log(formatCommand(c));
 * ```
 */
export function followUpCommands(p: FollowUpParameters): FollowUpCommand[] {
  const connect = ["--rpc", p.rpc, "--deployment", p.deploymentPath];
  const { files } = p;
  return [
    { name: "audit verify", env: {}, args: ["audit", "verify", ...connect] },
    {
      name: "audit replay",
      env: {},
      args: [
        "audit",
        "replay",
        ...connect,
        "--instruction",
        p.instructionId,
        "--inputs-dir",
        files.inputsDir,
        "--bundle",
        files.bundle,
      ],
    },
    {
      name: "keeper once",
      env: { [DEMO_KEEPER_KEY_ENV]: p.keeperKey },
      args: [
        "keeper",
        "once",
        ...connect,
        "--prices",
        files.prices,
        "--bundle",
        files.bundle,
        "--inputs-dir",
        files.inputsDir,
        "--constraints-dir",
        files.constraintSets,
      ],
    },
    {
      name: "dashboard",
      env: {},
      args: ["dashboard", ...connect, "--constraint-sets", files.constraintSets, "--metrics-db", files.metricsDb],
    },
  ];
}

/** A word for a POSIX shell: as is when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command as a user types it: `[VAR=value ]npx portfolio <args>`.
 *
 * @example
 * ```ts
 * formatCommand({ name: "audit verify", env: {}, args: ["audit", "verify"] }); // "npx portfolio audit verify"
 * ```
 */
export function formatCommand(c: FollowUpCommand): string {
  const env = Object.entries(c.env).map(([k, v]) => `${k}=${shellWord(v)} `);
  return `${env.join("")}npx portfolio ${c.args.map(shellWord).join(" ")}`;
}
