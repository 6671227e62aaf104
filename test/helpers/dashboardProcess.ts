// A `portfolio dashboard` child process for tests: started, awaited until it listens, stopped with SIGTERM.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const root = join(import.meta.dirname, "../..");

/** A running dashboard process. */
export interface DashboardProcess {
  /** Where it listens, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** Sends SIGTERM; resolves with the exit code and everything written to stdout. */
  stop(): Promise<{ code: number | null; stdout: string }>;
}

/**
 * Runs `<entry> dashboard <args>` (entry relative to the repository root, e.g. `src/cli/main.ts` or
 * `bin/portfolio.js`, or absolute, e.g. an installed package's bin) in `cwd` (default the root) and
 * resolves once it prints its URL; rejects with its output if it exits first.
 */
export async function startDashboardProcess(
  entry: string,
  args: readonly string[],
  cwd: string = root,
): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [resolve(root, entry), "dashboard", ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const match = /dashboard on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exit.then((code) => reject(new Error(`exited with ${code} before listening: ${stdout}${stderr}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      return { code: await exit, stdout };
    },
  };
}
