import { expect } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCliBundle, type CliBundleManifest } from "../../scripts/build-cli.ts";
import { CHAIN_SIDE, runRecordingModules } from "../helpers/cliModules.ts";

const root = new URL("../..", import.meta.url).pathname;

/**
 * A throwaway copy of the layout bin/portfolio.js expects, in the OS temp directory: its own bin/
 * and dist/cli/, with src/ and node_modules/ linked to this checkout's. The work tree's dist/ is
 * never read or written.
 */
function layout(): { dir: string; bin: string; manifest: string } {
  const dir = mkdtempSync(join(tmpdir(), "cli-bundle-"));
  mkdirSync(join(dir, "bin"));
  copyFileSync(join(root, "bin/portfolio.js"), join(dir, "bin/portfolio.js"));
  symlinkSync(join(root, "src"), join(dir, "src"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return { dir, bin: join(dir, "bin/portfolio.js"), manifest: join(dir, "dist/cli/manifest.json") };
}

describe("scripts/build-cli.ts", function () {
  this.timeout(120_000);
  const { dir, bin, manifest } = layout();
  const problem = join(dir, "problem.json");
  writeFileSync(
    problem,
    JSON.stringify({
      assets: ["A", "B"],
      expectedReturns: [0.05, 0.08],
      covariance: [
        [0.04, 0.01],
        [0.01, 0.09],
      ],
    }),
  );

  before(async () => {
    await buildCliBundle({ root, outdir: join(dir, "dist/cli") });
  });

  it("bin/portfolio.js runs the current bundle: --help and optimize load no TypeScript and nothing of the chain side", () => {
    for (const args of [["--help"], ["optimize", "--in", problem]]) {
      const r = runRecordingModules(bin, args);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.modules.filter((m) => m.includes(`${dir}/dist/cli/`))).to.not.deep.equal([]);
      expect(r.modules.filter((m) => m.endsWith(".ts"))).to.deep.equal([]);
      expect(r.modules.filter((m) => CHAIN_SIDE.test(m))).to.deep.equal([]);
    }
    expect(JSON.parse(runRecordingModules(bin, ["optimize", "--in", problem]).stdout)).to.deep.include({
      status: "optimal",
    });
  });

  it("the bundle's chain commands still work: a dead --rpc is one line, exit 2", () => {
    const r = runRecordingModules(bin, [
      "audit",
      "verify",
      "--rpc",
      "http://127.0.0.1:9",
      "--address",
      "0x" + "1".repeat(40),
    ]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(
      /^portfolio: --rpc: cannot reach the JSON-RPC endpoint http:\/\/127\.0\.0\.1:9: .*\[RPC_UNREACHABLE\]\n$/,
    );
    expect(r.modules.some((m) => /node_modules\/viem\//.test(m))).to.equal(true);
  });

  it("a bundle older than a file it was built from is not run: bin falls back to the source", () => {
    const built = JSON.parse(readFileSync(manifest, "utf8")) as CliBundleManifest;
    expect(built.inputs).to.include("src/cli/main.ts").and.to.include("src/optimizer/optimize.ts");
    writeFileSync(manifest, JSON.stringify({ ...built, builtAtMs: 0 }));
    try {
      const r = runRecordingModules(bin, ["--help"]);
      expect(r.status).to.equal(0);
      expect(r.modules.some((m) => m.endsWith("/src/cli/main.ts"))).to.equal(true);
      expect(r.modules.filter((m) => m.includes(`${dir}/dist/cli/`))).to.deep.equal([]);
    } finally {
      writeFileSync(manifest, JSON.stringify(built));
    }
  });

  it("keeps files that find their own files through import.meta.url in source, and builds the dashboard's scripts in", () => {
    const out = join(dir, "dist/cli");
    const chunks = readdirSync(out).map((f) => ({ f, text: readFileSync(join(out, f), "utf8") }));
    // Only reached when the bundle carries no scripts, i.e. never; an installed package lacks src/.
    const importers = chunks.filter(({ text }) => /import\("[^"]*\/src\/dashboard\/assetBundle\.ts"\)/.test(text));
    expect(importers.map(({ f }) => f)).to.have.length(1);
    expect(importers[0]!.f).to.match(/^dashboard-\w+\.mjs$/);
    // The page script and the chart library are in that chunk, so no esbuild runs at start-up.
    expect(importers[0]!.text).to.match(/prebuiltAssets = \{\s*"plot": /);
    expect(chunks.filter(({ text }) => text.includes('"esbuild"')).map(({ f }) => f)).to.deep.equal([]);
  });
});
