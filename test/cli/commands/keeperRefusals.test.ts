// Refusals of `portfolio keeper once` (and the other verbs that read a deployment) are named: one
// line with a stable code and exit 2 for bad data or a wrong deployment, 3 for a venue that cannot
// price — never exit 1 "internal error", never a silent `nothing-to-do`.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { createPublicClient, http, parseEventLogs } from "viem";
import { deployUniswapV2 } from "../../../src/chain/uniswap.ts";
import { settlementAbi } from "../../../src/protocol/abi.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../../helpers/keeperSystem.ts";

const CLI = "src/cli/main.ts";

function run(args: readonly string[], env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, PORTFOLIO_LOG_LEVEL: "silent", ...env },
    timeout: 90_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe("portfolio keeper: named refusals (hardhat node)", function () {
  this.timeout(240_000);
  let node: HardhatNode;
  let sys: KeeperSystem;

  before(async () => {
    node = await hardhatNode();
    sys = await deployKeeperSystem(node);
  });
  after(async () => {
    await node?.stop();
  });

  const once = (overrides: { deployment?: string; prices?: string } = {}): { status: number | null; stderr: string } =>
    run(
      [
        "keeper",
        "once",
        "--rpc",
        node.url,
        "--deployment",
        overrides.deployment ?? sys.deploymentPath,
        "--prices",
        overrides.prices ?? sys.pricesPath,
        "--bundle",
        sys.bundlePath,
        "--inputs-dir",
        join(sys.dir, "inputs"),
      ],
      { PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]! },
    );

  async function settlements(): Promise<number> {
    const client = createPublicClient({ transport: http(node.url) });
    const logs = await client.getLogs({ address: sys.addresses["settlement"] as `0x${string}`, fromBlock: 0n });
    return parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" }).length;
  }

  /** The price CSV with one cell of its last row replaced (column 2 is WETH), or a column dropped. */
  function pricesWith(name: string, edit: (rows: string[][]) => string[][]): string {
    const rows = readFileSync(sys.pricesPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(","));
    const path = join(sys.dir, name);
    writeFileSync(
      path,
      `${edit(rows)
        .map((r) => r.join(","))
        .join("\n")}\n`,
    );
    return path;
  }

  function deploymentWith(name: string, keeper: Record<string, string>): string {
    const record = JSON.parse(readFileSync(sys.deploymentPath, "utf8")) as { keeper: Record<string, string> };
    const path = join(sys.dir, name);
    writeFileSync(path, `${JSON.stringify({ ...record, keeper: { ...record.keeper, ...keeper } }, null, 2)}\n`);
    return path;
  }

  it("a prices CSV with NaN, a negative price or a missing column exits 2 with the bundle's code", () => {
    const lastRow = (value: string) => (rows: string[][]) =>
      rows.map((r, i) => (i === rows.length - 1 ? [r[0]!, r[1]!, value, r[3]!] : r));
    const cases = [
      pricesWith("nan.csv", lastRow("NaN")),
      pricesWith("negative.csv", lastRow("-5")),
      pricesWith("missing.csv", (rows) => rows.map((r) => [r[0]!, r[1]!, r[3]!])),
    ];
    for (const prices of cases) {
      const r = once({ prices });
      assert.equal(r.status, 2, `${prices}: ${r.stderr}`);
      assert.match(r.stderr, /^portfolio: .+ \[[A-Z_]+\]\n$/, `${prices}: one line with a code`);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
  });

  it("a deployment whose settlement is another contract exits 2 naming the address and the contract, for keeper and audit replay", async () => {
    const wrong = sys.addresses["vault"]!;
    const deployment = deploymentWith("wrong-settlement.json", { settlement: wrong });
    const r = once({ deployment });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /DEPLOYMENT_CONTRACT_MISMATCH/);
    assert.ok(r.stderr.includes(wrong), r.stderr);
    assert.match(r.stderr, /keeper\.settlement: .* is not a Settlement/);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no decode dump");
    // `keeper run` checks the same before its first evaluation and stops (no retrying a wrong file).
    const loop = run(
      [
        "keeper",
        "run",
        "--rpc",
        node.url,
        "--deployment",
        deployment,
        "--prices",
        sys.pricesPath,
        "--bundle",
        sys.bundlePath,
        "--inputs-dir",
        join(sys.dir, "inputs"),
        "--interval",
        "1",
      ],
      { PORTFOLIO_KEEPER_KEY: sys.keeperKeys[0]! },
    );
    assert.equal(loop.status, 2, loop.stderr);
    assert.match(loop.stderr, /keeper\.settlement: .* is not a Settlement: .*\[DEPLOYMENT_CONTRACT_MISMATCH\]/);

    // An EOA as the venue: no code at all.
    const eoa = sys.keepers[1]!.address;
    const noCode = once({ deployment: deploymentWith("eoa-venue.json", { venue: eoa }) });
    assert.equal(noCode.status, 2, noCode.stderr);
    assert.match(noCode.stderr, /keeper\.venue: .* is not a UniswapV2Adapter: no contract code/);

    const replay = run(
      ["audit", "replay", "--rpc", node.url, "--deployment", deployment, "--instruction", `0x${"11".repeat(32)}`],
      {},
    );
    assert.equal(replay.status, 2, replay.stderr);
    assert.match(replay.stderr, /DEPLOYMENT_CONTRACT_MISMATCH/);
    assert.equal(await settlements(), 0);
  });

  it("a router that cannot price the vault's tokens refuses the cycle with exit 3, not nothing-to-do", async () => {
    // A real Uniswap V2 router of another deployment: it answers as a router, but has no pools.
    const provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
    const other = await deployUniswapV2(await provider.getSigner(0));
    const router = await other.router.getAddress();
    const r = once({ deployment: deploymentWith("other-router.json", { router }) });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /VENUE_CANNOT_PRICE/);
    assert.ok(r.stderr.includes(router), r.stderr);
    assert.equal(await settlements(), 0);
  });
});
