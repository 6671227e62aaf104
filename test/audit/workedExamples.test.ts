// The two worked examples of docs/audit-chain.md, recomputed with ethers alone: the first from the
// numbers in the doc's text, the second from the logs of the same deterministic deployment on a
// fresh in-process Hardhat network (default accounts, so every address is fixed by the deployer's
// nonce). Each value the test derives must appear in the doc exactly as written.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { AbiCoder, ZeroHash, concat, dataSlice, id, keccak256, toBeHex, zeroPadValue } from "ethers";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/audit-chain.md"), "utf8");
const coder = AbiCoder.defaultAbiCoder();

/** The doc's text between a heading and the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = DOC.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `docs/audit-chain.md has "${heading}"`);
  const level = /^#+/.exec(heading)![0];
  const rest = DOC.slice(start + heading.length);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The value in the `| \`name\` | \`value\` |` row of a table. */
function row(text: string, name: string): string {
  const match = new RegExp(
    `\\|\\s*\`${name.replace(/[[\]{}()*+?.\\^$|]/g, "\\$&")}\`\\s*\\|\\s*\`?([^|\`]+)\`?\\s*\\|`,
  ).exec(text);
  assert.ok(match, `a row for ${name}`);
  return match[1]!.trim();
}

/** Every value must appear in `text`, lower case as ethers gives hashes; lists all missing ones. */
function shows(text: string, values: Record<string, string>): void {
  const lower = text.toLowerCase();
  const missing = Object.entries(values).filter(([, v]) => !lower.includes(v.toLowerCase()));
  assert.deepEqual(missing, [], "values the doc does not show");
}

/** keccak256(abi.encode(prevHead, index, eventType, payloadHash)), and the 128-byte pre-image. */
function link(
  prevHead: string,
  index: bigint,
  eventType: string,
  payloadHash: string,
): { preimage: string; head: string } {
  const preimage = coder.encode(
    ["bytes32", "uint256", "bytes32", "bytes32"],
    [prevHead, index, eventType, payloadHash],
  );
  return { preimage, head: keccak256(preimage) };
}

/** The pre-image as the doc prints it: one 32-byte word per line, no 0x. */
function words(preimage: string): string[] {
  return [0, 1, 2, 3].map((i) => dataSlice(preimage, 32 * i, 32 * (i + 1)).slice(2));
}

describe("docs/audit-chain.md worked examples (ethers only)", () => {
  it("one link by hand: head_1 from the doc's head_0, index, eventType and payloadHash", () => {
    const text = section("### One link by hand");
    const head0 = row(text, "head_0");
    const index = BigInt(row(text, "index"));
    const eventType = row(text, "eventType");
    const payloadHash = row(text, "payloadHash");
    assert.equal(head0, ZeroHash);
    const { preimage, head } = link(head0, index, eventType, payloadHash);
    for (const w of words(preimage)) assert.ok(text.includes(w), `the pre-image word ${w}`);
    assert.equal(row(text, "head_1"), head);
    assert.equal(head, "0x94a91d35734ec8c53f304d24a79791904643330bb60794f9c1528639e4c7b6ba");
  });

  it("a real Settlement entry end to end: PortfolioSet's log, payload hash, AuditRecorded link and head", async () => {
    const text = section("### A real Settlement entry");
    const { ethers } = await network.create();
    const [governance, guardian] = await ethers.getSigners();
    const registry = await ethers.deployContract("MockModelRegistry");
    const oracle = await ethers.deployContract("ChainlinkPriceOracle", [governance!.address]);
    const rfqEscrow = await ethers.deployContract("RfqEscrow");
    const settlement = await ethers.deployContract(
      "Settlement",
      [await registry.getAddress(), await oracle.getAddress(), governance!.address, guardian!.address],
      { libraries: { RfqEscrow: await rfqEscrow.getAddress() } },
    );
    const usdc = await ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
    const address = await settlement.getAddress();
    const vault = await ethers.deployContract("PortfolioVault", [
      governance!.address,
      address,
      [await usdc.getAddress()],
    ]);
    await (await settlement.getFunction("setPortfolio")(await vault.getAddress(), true)).wait();
    shows(text, {
      governance: governance!.address,
      guardian: guardian!.address,
      registry: await registry.getAddress(),
      oracle: await oracle.getAddress(),
      rfqEscrow: await rfqEscrow.getAddress(),
      settlement: address,
      usdc: await usdc.getAddress(),
      vault: await vault.getAddress(),
    });

    // Every entry from the logs alone, in (block, log index) order: the audited event, then its link.
    const logs = await ethers.provider.getLogs({ address, fromBlock: 0 });
    const auditTopic = id("AuditRecorded(uint256,bytes32,bytes32,bytes32,bytes32)");
    let head = ZeroHash;
    const heads: Record<string, string> = {};
    for (const [k, log] of logs.entries()) {
      if (log.topics[0] !== auditTopic) continue;
      const event = logs[k - 1]!;
      const index = BigInt(log.topics[1]!);
      const eventType = log.topics[2]!;
      assert.equal(eventType, event.topics[0]);
      const [prevHead, payloadHash, recorded] = coder.decode(
        ["bytes32", "bytes32", "bytes32"],
        log.data,
      ) as unknown as string[];
      // The three events are static with their indexed fields first: the payload's encoding is
      // the event's indexed topics followed by its data words.
      assert.equal(payloadHash, keccak256(concat([...event.topics.slice(1), event.data])));
      assert.equal(prevHead, head);
      const next = link(head, index, eventType, payloadHash!);
      assert.equal(recorded, next.head);
      heads[`payloadHash ${index}`] = payloadHash!;
      heads[`head ${index + 1n}`] = next.head;
      if (index === 2n) {
        // The entry the doc takes apart.
        assert.equal(event.topics[0], id("PortfolioSet(address,bool)"));
        assert.equal(event.topics[1], zeroPadValue(await vault.getAddress(), 32));
        assert.equal(event.data, toBeHex(1, 32));
        shows(text, {
          "PortfolioSet topic0": event.topics[0]!,
          "PortfolioSet topic1": event.topics[1]!,
          "PortfolioSet data": event.data,
          "AuditRecorded topic0": auditTopic,
          "AuditRecorded topic1": log.topics[1]!,
        });
        for (const w of words(next.preimage)) assert.ok(text.includes(w), `the pre-image word ${w}`);
      }
      head = next.head;
    }
    assert.equal(Object.keys(heads).length, 6, "three entries: OwnershipTransferred, GuardianUpdated, PortfolioSet");
    shows(text, heads);
    assert.equal(await settlement.getFunction("auditHead")(), head);
    assert.equal(await settlement.getFunction("auditCount")(), 3n);
  });
});
