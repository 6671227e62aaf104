// Replay takes the accepted views from the manifest's record (acceptedViewDigests, checked at
// registryReadBlock), so it no longer depends on the keeper's nonce store or on the signer set and
// the clock at replay time (#22); a record that does not match a signed view is INPUTS_TAMPERED.
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { replayInstruction } from "../../src/audit/replayInstruction.ts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import { PortfolioError } from "../../src/errors.ts";
import { runKeeperCycle, type KeeperCycleContext } from "../../src/keeper/cycle/runCycle.ts";
import { EMPTY_VIEW_SET_COMMITMENT, inputsDirectory, sha256Hex } from "../../src/protocol/inputs.ts";
import { signViewSet } from "../../src/views/signedViewSet.ts";
import { investorViewDigest, investorViewDomain } from "../../src/views/typedData.ts";
import { hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";
import { deployKeeperSystem, type KeeperSystem } from "../helpers/keeperSystem.ts";
import { cycleContext } from "../helpers/cycleContext.ts";

function context(sys: KeeperSystem, node: HardhatNode): ReturnType<typeof cycleContext> {
  return cycleContext(sys, node.url);
}

interface Manifest {
  registryReadBlock?: string;
  acceptedViewDigests?: string[];
  files: Record<string, string>;
}

/** A copy of the inputs root, so each tampering leaves the keeper's own files alone. */
function copyInputs(from: string): string {
  const to = mkdtempSync(join(tmpdir(), "replay-views-"));
  cpSync(from, to, { recursive: true });
  return to;
}

function editJson<T>(path: string, edit: (json: T) => void): void {
  const json = JSON.parse(readFileSync(path, "utf8")) as T;
  edit(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}

describe("audit replay: the recorded view acceptance (hardhat node)", function () {
  this.timeout(240_000);
  let node: HardhatNode;
  let sys: KeeperSystem;
  let ctx: KeeperCycleContext & { bus: InProcessBus };
  let first: { id: Hex; inputsHash: Hex; digest: Hex };
  let second: { id: Hex; inputsHash: Hex };

  const replay = (id: Hex, inputsDir = ctx.inputsDir): ReturnType<typeof replayInstruction> =>
    replayInstruction(ctx.client, {
      settlement: ctx.deployment.settlement,
      instructionId: id,
      inputsDir,
      bundles: [sys.bundlePath],
    });
  const rejectsTampered = async (promise: Promise<unknown>, message: RegExp): Promise<void> => {
    await assert.rejects(promise, (e: unknown) => {
      assert.ok(e instanceof PortfolioError, String(e));
      assert.equal(e.code, "INPUTS_TAMPERED");
      assert.match(e.message, message);
      return true;
    });
  };

  before(async () => {
    node = await hardhatNode();
    sys = await deployKeeperSystem(node, { optimizerType: 1 });
    ctx = context(sys, node);
    const signer = privateKeyToAccount(sys.viewSignerKey);
    const domain = investorViewDomain({ chainId: 31337, registry: sys.addresses["registry"] as Hex });
    const latest = await ctx.client.getBlock({ blockTag: "latest" });
    const view = {
      viewSetVersion: 1n,
      assets: ["WBTC", "WETH"],
      pick: [10n ** 18n, -(10n ** 18n)],
      q: 10n ** 17n,
      confidence: 5n * 10n ** 17n,
      omega: 0n,
      nonce: 1n,
      validUntil: latest.timestamp + 3_600n,
      signer: signer.address,
    };
    const file = await signViewSet(signer, domain, [view]);
    // Cycle 1 accepts the view; cycle 2 gets the same set again and refuses it (nonce used).
    await ctx.bus.publish("ai.bl_views", { viewSet: file, commitment: file.commitment });
    const r1 = await runKeeperCycle(ctx);
    assert.equal(r1.status, "settled");
    assert.equal(r1.viewsAccepted, 1);
    first = { id: r1.instructionId!, inputsHash: r1.inputsHash, digest: investorViewDigest(domain, view) };
    await ctx.bus.publish("ai.bl_views", { viewSet: file, commitment: file.commitment });
    const r2 = await runKeeperCycle(ctx);
    assert.equal(r2.status, "settled", "the prior-only posterior trades back");
    assert.equal(r2.viewsAccepted, 0);
    assert.equal(r2.viewsRejected, 1);
    second = { id: r2.instructionId!, inputsHash: r2.inputsHash };
  });
  after(async () => {
    await node?.stop();
  });

  it("records the accepted digests and the registry read block; a view the nonce store refused replays as refused", async () => {
    const m1 = JSON.parse(
      readFileSync(join(inputsDirectory(ctx.inputsDir, first.inputsHash), "manifest.json"), "utf8"),
    ) as Manifest;
    assert.deepEqual(m1.acceptedViewDigests, [first.digest]);
    const m2 = JSON.parse(
      readFileSync(join(inputsDirectory(ctx.inputsDir, second.inputsHash), "manifest.json"), "utf8"),
    ) as Manifest & { viewSetCommitment: string };
    assert.deepEqual(m2.acceptedViewDigests, []);
    assert.equal(m2.viewSetCommitment, EMPTY_VIEW_SET_COMMITMENT);
    assert.ok(BigInt(m1.registryReadBlock!) < BigInt(m2.registryReadBlock!));

    assert.equal((await replay(second.id)).match, true);
    // The legacy path (a manifest without the record) re-verifies with an empty nonce store,
    // accepts the view the keeper refused, and wrongly reports tampering.
    const legacy = copyInputs(ctx.inputsDir);
    editJson<Manifest>(join(inputsDirectory(legacy, second.inputsHash), "manifest.json"), (m) => {
      delete m.registryReadBlock;
      delete m.acceptedViewDigests;
    });
    await rejectsTampered(replay(second.id, legacy), /accepted views commit to/);
  });

  it("replays a settled view after its signer was removed and it expired", async () => {
    await (await sys.registry.getFunction("removeViewSigner")(privateKeyToAccount(sys.viewSignerKey).address)).wait();
    await node.rpc("evm_increaseTime", [2 * 86_400]);
    await node.rpc("evm_mine");
    const report = await replay(first.id);
    assert.equal(report.match, true);
  });

  it("INPUTS_TAMPERED when a recorded digest is altered", async () => {
    const dir = copyInputs(ctx.inputsDir);
    editJson<Manifest>(join(inputsDirectory(dir, first.inputsHash), "manifest.json"), (m) => {
      m.acceptedViewDigests = [`0x${"11".repeat(32)}`];
    });
    await rejectsTampered(replay(first.id, dir), /acceptedViewDigests commit to/);
  });

  it("INPUTS_TAMPERED when the recorded digest matches no signed view, or the view's signature is not its signer's", async () => {
    const edited = copyInputs(ctx.inputsDir);
    const dir = inputsDirectory(edited, first.inputsHash);
    const retouch = (edit: (file: { views: { view: { q: string }; signature: string }[] }) => void): void => {
      editJson(join(dir, "view-set.json"), edit);
      editJson<Manifest>(join(dir, "manifest.json"), (m) => {
        m.files["view-set.json"] = sha256Hex(readFileSync(join(dir, "view-set.json")));
      });
    };
    retouch((f) => {
      f.views[0]!.view.q = "200000000000000000";
    });
    await rejectsTampered(replay(first.id, edited), /is not the digest of any view/);
    retouch((f) => {
      f.views[0]!.view.q = "100000000000000000";
      const sig = f.views[0]!.signature;
      f.views[0]!.signature = `${sig.slice(0, 10)}${sig[10] === "0" ? "1" : "0"}${sig.slice(11)}`;
    });
    await rejectsTampered(replay(first.id, edited), /signature is not/);
  });
});
