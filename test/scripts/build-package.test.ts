import { expect } from "chai";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliBundleIsCurrent } from "../../scripts/build-cli.ts";
import { packageBuildIsCurrent } from "../../scripts/build-package.ts";

/** A temporary root with one source file and a build manifest for it at `dir` (dist/lib or dist/cli). */
function root(dir: string, builtAtMs: number, sourceMtimeMs: number): string {
  const r = mkdtempSync(join(tmpdir(), "package-build-"));
  mkdirSync(join(r, "src"));
  mkdirSync(join(r, dir), { recursive: true });
  writeFileSync(join(r, "src/a.ts"), "export const a = 1;\n");
  utimesSync(join(r, "src/a.ts"), sourceMtimeMs / 1000, sourceMtimeMs / 1000);
  writeFileSync(join(r, dir, "manifest.json"), JSON.stringify({ builtAtMs, entry: "main.mjs", inputs: ["src/a.ts"] }));
  return r;
}

describe("scripts/build-package.ts and build-cli.ts: is the build current?", () => {
  const built = Date.parse("2026-12-01T00:00:00Z");
  for (const [name, dir, isCurrent] of [
    ["dist/lib (packageBuildIsCurrent)", "dist/lib", packageBuildIsCurrent],
    ["dist/cli (cliBundleIsCurrent)", "dist/cli", cliBundleIsCurrent],
  ] as const) {
    it(`${name}: current when every input is older than the build, stale otherwise`, () => {
      expect(isCurrent(root(dir, built, built - 60_000))).to.equal(true);
      expect(isCurrent(root(dir, built, built + 60_000))).to.equal(false);
    });

    it(`${name}: stale without a manifest, or when an input is gone`, () => {
      expect(isCurrent(mkdtempSync(join(tmpdir(), "package-build-")))).to.equal(false);
      const r = root(dir, built, built - 60_000);
      writeFileSync(
        join(r, dir, "manifest.json"),
        JSON.stringify({ builtAtMs: built, entry: "main.mjs", inputs: ["src/a.ts", "src/gone.ts"] }),
      );
      expect(isCurrent(r)).to.equal(false);
    });
  }
});
