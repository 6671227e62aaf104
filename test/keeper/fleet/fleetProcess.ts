// `portfolio keeper fleet` as a child process, for the fleet's CLI and integration tests and its
// bench: its JSON log lines (stderr) and cycle reports (stdout), parsed as they arrive. With
// FLEET_TEST_LOG=/tmp/x set, each process's stderr is also appended to /tmp/x-<pid>.log, to read
// after a failed run.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";

const CLI = join(import.meta.dirname, "../../../src/cli/main.ts");

/** A log line of the fleet (pino JSON). */
export interface FleetLogLine {
  readonly msg: string;
  readonly portfolio?: string;
  readonly [field: string]: unknown;
}

/** A cycle report line of the fleet. */
export interface FleetReportLine {
  readonly status: string;
  readonly portfolio: string;
  readonly instructionId: string | null;
  readonly holder: string;
  readonly [field: string]: unknown;
}

/** A running fleet process. */
export interface FleetProcess {
  readonly child: ChildProcess;
  readonly logs: FleetLogLine[];
  readonly reports: FleetReportLine[];
  /** Resolves with the first log line matching `predicate` (rejects when the process exits first). */
  waitLog(predicate: (l: FleetLogLine) => boolean, what: string, timeoutMs?: number): Promise<FleetLogLine>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Every fleet process started, so none outlives the test run whatever fails. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * Starts `node src/cli/main.ts keeper fleet …args` with `key` as PORTFOLIO_KEEPER_KEY.
 *
 * @example
 * ```ts
 * const fleet = startFleet(key, ["--rpc", node.url, "--deployments", dir, "--prices", prices, "--bus", nats.url]);
 * await fleet.waitLog((l) => l.msg === "fleet started", "start");
 * ```
 */
export function startFleet(key: Hex, args: readonly string[], env: Record<string, string> = {}): FleetProcess {
  const child = spawn(process.execPath, [CLI, "keeper", "fleet", ...args], {
    env: { ...process.env, PORTFOLIO_KEEPER_KEY: key, PORTFOLIO_LOG_LEVEL: "info", ...env },
  });
  children.add(child);
  const logs: FleetLogLine[] = [];
  const reports: FleetReportLine[] = [];
  let err = "";
  let errTail = "";
  let outTail = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-200_000);
    if (process.env["FLEET_TEST_LOG"] !== undefined)
      appendFileSync(`${process.env["FLEET_TEST_LOG"]}-${child.pid}.log`, chunk);
    errTail += chunk.toString();
    const lines = errTail.split("\n");
    errTail = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) logs.push(JSON.parse(l) as FleetLogLine);
  });
  child.stdout!.on("data", (chunk: Buffer) => {
    outTail += chunk.toString();
    const lines = outTail.split("\n");
    outTail = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) reports.push(JSON.parse(l) as FleetReportLine);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    logs,
    reports,
    exited,
    stderr: () => err,
    waitLog: async (predicate, what, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs.find(predicate);
        if (hit !== undefined) return hit;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          throw new Error(`fleet: no ${what} (exit ${String(child.exitCode)}):\n${err.slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
