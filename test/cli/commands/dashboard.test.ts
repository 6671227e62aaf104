import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";
import { FIXTURE_PATH } from "../../dashboard/helpers.ts";

/** Runs the CLI in-process and captures stderr. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe("portfolio dashboard", function () {
  this.timeout(30_000);

  it("refuses to start without exactly one source, with a bad port or a bad snapshot (exit 2)", async () => {
    expect(await run(["dashboard"])).to.deep.include({ code: 2 });
    const both = await run(["dashboard", "--rpc", "http://127.0.0.1:1", "--snapshot", FIXTURE_PATH]);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.contain("give exactly one of --rpc URL or --snapshot FILE [SOURCE_REQUIRED]");
    const port = await run(["dashboard", "--snapshot", FIXTURE_PATH, "--port", "70000"]);
    expect(port.stderr).to.contain("--port: expected a TCP port");

    const dir = mkdtempSync(join(tmpdir(), "dash-cli-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1 }));
    const invalid = await run(["dashboard", "--snapshot", bad, "--port", "0"]);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.contain(`${bad}:generatedAt: Required [SNAPSHOT_INVALID]`);
    const deployment = await run(["dashboard", "--rpc", "http://127.0.0.1:1", "--deployment", join(dir, "none.json")]);
    expect(deployment.code).to.equal(2);
    expect(deployment.stderr).to.contain("[DEPLOYMENT_UNREADABLE]");
  });

  it("serves a snapshot file and stops cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["src/cli/main.ts", "dashboard", "--snapshot", FIXTURE_PATH, "--port", "0", "--interval", "60"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const match = /dashboard on (http:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stdout}`)));
    });
    const snapshot = (await (await fetch(new URL("api/snapshot", url))).json()) as { portfolio: { id: string } };
    expect(snapshot.portfolio.id).to.equal("dao-treasury");
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).to.equal(0);
    expect(stdout).to.contain("dashboard stopped");
  });
});
