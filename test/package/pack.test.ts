import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectNear } from "../helpers/expect.ts";
import { buildCliBundle, cliBundleIsCurrent } from "../../scripts/build-cli.ts";
import { buildPackage, packageBuildIsCurrent } from "../../scripts/build-package.ts";
import { startDashboardProcess } from "../helpers/dashboardProcess.ts";

const root = new URL("../..", import.meta.url).pathname;

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Record<string, string>;
  readonly bin: Record<string, string>;
  readonly engines: Record<string, string>;
  readonly license: string;
}

/**
 * Where npm fetched a registry package from (the repository lock leaves it implied): with it, `npm
 * ci` goes straight to the cached tarball instead of asking for the package's metadata.
 */
function registryTarball(path: string, entry: LockEntry): string {
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const base = name.split("/").at(-1) ?? name;
  return `https://registry.npmjs.org/${name}/-/${base}-${entry.version ?? ""}.tgz`;
}

/**
 * A lock file for a project depending only on the packed tarball: the tarball itself, plus the
 * repository lock's entries for every runtime (non-dev) package at the same paths. `npm ci
 * --offline` then installs from the npm cache `npm ci` filled, with no registry lookup.
 */
function consumerLock(tarball: string, file: string): unknown {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== "" && entry.dev !== true);
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  return {
    name: "consumer",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "consumer", dependencies: { [manifest.name]: `file:${file}` } },
      [`node_modules/${manifest.name}`]: {
        version: manifest.version,
        resolved: `file:${file}`,
        integrity,
        license: manifest.license,
        dependencies: manifest.dependencies,
        bin: manifest.bin,
        engines: manifest.engines,
      },
      ...Object.fromEntries(
        runtime.map(([path, entry]) => [path, { resolved: registryTarball(path, entry), ...entry }]),
      ),
    },
  };
}

function node(cwd: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("package: npm pack, installed into an empty project", function () {
  this.timeout(240_000);
  let project = "";
  let files: string[] = [];

  before(async function () {
    // npm ci builds both (`prepare`); after an edit to src/ the tarball would hold a stale build.
    if (!cliBundleIsCurrent(root)) await buildCliBundle({ root });
    if (!packageBuildIsCurrent(root)) buildPackage(root);
    project = mkdtempSync(join(tmpdir(), "portfolio-consumer-"));
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], {
        cwd: root,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const [entry] = packed;
    if (entry === undefined) throw new Error("npm pack packed nothing");
    files = entry.files.map((f) => f.path);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: { "dao-portfolio": `file:${entry.filename}` },
      }),
    );
    const lock = consumerLock(join(project, entry.filename), entry.filename);
    writeFileSync(join(project, "package-lock.json"), JSON.stringify(lock, null, 2));
    execFileSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: project,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  });

  after(() => {
    if (project !== "") rmSync(project, { recursive: true, force: true });
  });

  it("the tarball holds the built library and CLI, bin, README and LICENSE, and no source or tests", () => {
    for (const f of ["bin/portfolio.js", "dist/cli/main.mjs", "dist/lib/optimizer/index.js", "README.md", "LICENSE"]) {
      expect(files, f).to.include(f);
    }
    expect(files).to.include("dist/lib/optimizer/index.d.ts");
    expect(
      files.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("contracts/")),
    ).to.deep.equal([]);
  });

  it("imports optimize from the package name and solves a problem", () => {
    writeFileSync(
      join(project, "solve.js"),
      `import { optimize, InputError } from "dao-portfolio";
const r = optimize({
  assets: ["A", "B", "C"],
  expectedReturns: [0.08, 0.1, 0.12],
  covariance: [[0.04, 0.01, 0], [0.01, 0.09, 0.02], [0, 0.02, 0.16]],
  objective: "min-variance",
});
let bad = "";
try {
  optimize({ assets: ["A", "B"], expectedReturns: [0.1], covariance: [[0.04, 0], [0, 0.09]] });
} catch (e) { if (e instanceof InputError) bad = e.message; }
console.log(JSON.stringify({ status: r.status, weights: r.weights, bad }));
`,
    );
    const r = node(project, ["solve.js"]);
    expect(r.code, r.err).to.equal(0);
    const out = JSON.parse(r.out) as { status: string; weights: number[]; bad: string };
    expect(out.status).to.equal("optimal");
    expectNear(
      out.weights.reduce((a, b) => a + b, 0),
      1,
      1e-9,
    );
    expect(out.bad).to.equal("expectedReturns: has 1 entries, expected 2");
  });

  it("imports the views, audit, keeper and backtest entry points; nothing else is reachable", () => {
    writeFileSync(
      join(project, "entries.js"),
      `import { verifyViews, investorViewDigest } from "dao-portfolio/views";
import { foldAuditChain, verifyAuditChain, GENESIS_HEAD } from "dao-portfolio/audit";
import { runKeeperCycle, loadKeeperAccount } from "dao-portfolio/keeper";
import { runBacktest } from "dao-portfolio/backtest";
const fold = foldAuditChain([]);
let deep = "";
try { await import("dao-portfolio/dist/lib/optimizer/optimize.js"); } catch (e) { deep = e.code; }
console.log(JSON.stringify({
  functions: [verifyViews, investorViewDigest, verifyAuditChain, runKeeperCycle, loadKeeperAccount, runBacktest].map((f) => typeof f),
  empty: fold.head === GENESIS_HEAD, deep,
}));
`,
    );
    const r = node(project, ["entries.js"]);
    expect(r.code, r.err).to.equal(0);
    expect(JSON.parse(r.out)).to.deep.equal({
      functions: ["function", "function", "function", "function", "function", "function"],
      empty: true,
      deep: "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
  });

  it("the entry points' declarations type-check a consumer's TypeScript (nodenext resolution)", () => {
    writeFileSync(
      join(project, "check.ts"),
      `import { optimize, type OptimizeResult, type Problem } from "dao-portfolio";
import { verifyViews, type SignedInvestorView } from "dao-portfolio/views";
import { verifyAuditChain, type VerifyAuditChainReturnType } from "dao-portfolio/audit";
import { runKeeperCycle, type CycleReport } from "dao-portfolio/keeper";
export function solve(problem: Problem): readonly number[] {
  const result: OptimizeResult = optimize(problem);
  return result.weights;
}
export type Api = [typeof verifyViews, SignedInvestorView, typeof verifyAuditChain, VerifyAuditChainReturnType, typeof runKeeperCycle, CycleReport];
// @ts-expect-error the package exports no such name
import { notExported } from "dao-portfolio";
export const unused = notExported;
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["check.ts"],
      }),
    );
    const r = node(project, [join(root, "node_modules/typescript/bin/tsc"), "-p", "."]);
    expect(r.code, r.out + r.err).to.equal(0);
  });

  it("node_modules/.bin/portfolio runs the bundled CLI: --help, and a one-line error", () => {
    const bin = join(project, "node_modules/.bin/portfolio");
    const help = node(project, [bin, "--help"]);
    expect(help.code, help.err).to.equal(0);
    expect(help.out).to.contain("Usage: portfolio");
    expect(help.out).to.contain("config");
    const missing = node(project, [bin, "optimize"]);
    expect(missing.code).to.equal(2);
    expect(missing.err).to.equal("portfolio: required option '--in <file>' not specified [OPTION_MISSING]\n");
  });

  it("the installed dashboard serves its page and browser scripts, built into the bundle (no esbuild)", async () => {
    const snapshot = join(root, "test/dashboard/fixtures/settled.json");
    const dashboard = await startDashboardProcess(
      join(project, "node_modules/.bin/portfolio"),
      ["--snapshot", snapshot, "--port", "0"],
      project,
    );
    try {
      for (const [path, marker] of [
        ["", "<html"],
        ["app.js", "/plot.js"],
        ["plot.js", "export"],
      ] as const) {
        const response = await fetch(new URL(path, dashboard.url));
        expect(response.status, path).to.equal(200);
        expect(await response.text(), path).to.contain(marker);
      }
    } finally {
      await dashboard.stop();
    }
  });

  it("runs on Node 24 LTS as on 22: the library solves and the bin prints its help", function () {
    this.timeout(300_000);
    // Node 24 from the npm registry, as `npx -p node@22` gets the project's own Node 22.
    const node24 = execFileSync("npx", ["-y", "-p", "node@24", "--", "node", "-p", "process.execPath"], {
      cwd: tmpdir(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
    writeFileSync(
      join(project, "solve24.js"),
      `import { optimize } from "dao-portfolio";
const r = optimize({ assets: ["A", "B"], expectedReturns: [0.08, 0.1], covariance: [[0.04, 0.01], [0.01, 0.09]], objective: "min-variance" });
console.log(JSON.stringify({ version: process.version, status: r.status, weights: r.weights }));
`,
    );
    const solved = spawnSync(node24, ["solve24.js"], { cwd: project, encoding: "utf8" });
    expect(solved.status, solved.stderr).to.equal(0);
    const out = JSON.parse(solved.stdout) as { version: string; status: string; weights: number[] };
    expect(out.version).to.match(/^v24\./);
    expect(out.status).to.equal("optimal");
    // Two assets, min-variance long-only: w₁ = (σ₂² − σ₁₂) / (σ₁² + σ₂² − 2σ₁₂) = 0.08 / 0.11.
    expectNear(out.weights[0] ?? NaN, 0.08 / 0.11, 1e-7);
    const help = spawnSync(node24, [join(project, "node_modules/.bin/portfolio"), "--help"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(help.status, help.stderr).to.equal(0);
    expect(help.stdout).to.contain("Usage: portfolio");
  });

  it("on a Node older than 22.18 the installed bin prints one line and exits 2", () => {
    const fake = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})';
    const r = node(project, ["--import", fake, join(project, "node_modules/.bin/portfolio"), "--help"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.match(
      /^portfolio: Node >= 22\.18 is required, this is v[\d.]+; install Node 22 or 24 LTS.*\[NODE_VERSION\]\n$/,
    );
  });
});
