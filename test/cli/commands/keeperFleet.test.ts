// `portfolio keeper fleet` as a process on a real `hardhat node`: several portfolios from one
// process, each settled once; a deployment that does not resolve on the chain is reported for its
// portfolio while the others are served; bad input for the whole fleet (duplicates, an unreachable
// bus, malformed options) exits 2 with one line and sends nothing.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";
import { addPortfolios, settlementsByVault, type FleetSystem } from "../../keeper/fleet/fleetSystem.ts";
import { startFleet } from "../../keeper/fleet/fleetProcess.ts";

const CLI = "src/cli/main.ts";

describe("portfolio keeper fleet (hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;
  let sys: KeeperSystem;
  let fleet: FleetSystem;

  before(async function () {
    node = await hardhatNode();
    sys = await deployKeeperSystem(node);
    fleet = await addPortfolios(sys, 3);
  });
  after(async function () {
    await node?.stop();
  });

  function runFleetSync(args: readonly string[]): { status: number | null; stderr: string; stdout: string } {
    const base = ["--rpc", node.url, "--prices", sys.pricesPath, "--bundle", sys.bundlePath];
    const r = spawnSync(process.execPath, [CLI, "keeper", "fleet", ...base, ...args], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]! },
    });
    return { status: r.status, stderr: r.stderr, stdout: r.stdout };
  }

  it("refuses the whole fleet (exit 2, one line, nothing sent) for duplicates, an unreachable bus, bad options", async function () {
    const [a, b] = fleet.deploymentPaths as [string, string];
    const dup = runFleetSync(["--deployments", `${a},${b},${a}`]);
    assert.equal(dup.status, 2, dup.stderr);
    assert.match(dup.stderr, /^portfolio: --deployments: .*listed twice \[FLEET_DUPLICATE_PORTFOLIO\]\n$/);
    const copy = join(sys.dir, "copy-of-first.json");
    writeFileSync(copy, JSON.stringify({ chainId: 31337, contracts: {}, keeper: { ...sys.addresses } }));
    const sameVault = runFleetSync(["--deployments", `${a},${copy}`]);
    assert.equal(sameVault.status, 2, sameVault.stderr);
    assert.match(sameVault.stderr, /both name vault .* \[FLEET_DUPLICATE_PORTFOLIO\]/);

    const bus = `nats://127.0.0.1:${await freePort()}`;
    const unreachable = runFleetSync(["--deployments", a, "--bus", bus]);
    assert.equal(unreachable.status, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /^portfolio: bus: cannot reach .* \[BUS_UNREACHABLE\]\n$/m);

    const options = runFleetSync(["--deployments", a, "--concurrency", "0", "--lease", "x"]);
    assert.equal(options.status, 2, options.stderr);
    assert.match(options.stderr, /--concurrency: must be a positive integer.*--lease: must be a positive integer/);

    const none = runFleetSync(["--deployments", join(sys.dir, "prices.csv")]);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /\[FLEET_NO_PORTFOLIO\]/);
    assert.equal((await settlementsByVault(node, sys)).size, 0, "a refused fleet sent something");
  });

  it("serves every portfolio from one process, each settled once; a deployment holding no contract is that portfolio's error only", async function () {
    // A fourth deployment file whose vault address holds no contract: reported, not served.
    const broken = join(fleet.dir, "portfolio-99.json");
    writeFileSync(
      broken,
      JSON.stringify({
        chainId: 31337,
        contracts: {},
        keeper: { ...sys.addresses, vault: "0x000000000000000000000000000000000000dEaD" },
      }),
    );
    const unparsable = join(fleet.dir, "portfolio-98.json");
    writeFileSync(unparsable, "{ not json");
    const proc = startFleet(sys.keeperKeys[0]!, [
      ...["--rpc", node.url, "--deployments", fleet.dir, "--prices", sys.pricesPath, "--bundle", sys.bundlePath],
      ...["--inputs-dir", join(sys.dir, "inputs"), "--interval", "60", "--concurrency", "2", "--lease", "3"],
    ]);
    await proc.waitLog((l) => l.msg === "deployment does not resolve; not served", "unparsable deployment reported");
    const failed = await proc.waitLog((l) => l.msg === "portfolio failed; not served", "broken portfolio reported");
    assert.equal(failed.portfolio, "0x000000000000000000000000000000000000dead");
    const deadline = Date.now() + 150_000;
    const vaults = fleet.vaults.map((v) => v.toLowerCase());
    while (!vaults.every((v) => proc.reports.some((r) => r.portfolio.toLowerCase() === v && r.status === "settled"))) {
      assert.ok(
        Date.now() < deadline,
        `not every portfolio settled: ${JSON.stringify(proc.reports.map((r) => [r.portfolio, r.status]))}`,
      );
      assert.equal(proc.child.exitCode, null, proc.stderr().slice(-3000));
      await new Promise((r) => setTimeout(r, 200));
    }
    proc.child.kill("SIGTERM");
    assert.equal(await proc.exited, 0, proc.stderr().slice(-3000));
    const onChain = await settlementsByVault(node, sys);
    for (const v of vaults)
      assert.equal(onChain.get(v)?.length, 1, `${v} settled ${onChain.get(v)?.length ?? 0} times`);
    assert.equal(onChain.size, vaults.length);
  });
});
