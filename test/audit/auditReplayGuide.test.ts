// docs/audit-replay.md followed step by step with ethers alone (test/helpers/replayGuide.ts) for a
// settled BLACK_LITTERMAN instruction with one signed view. Our code only sets the chain up
// (deployment, a signed view, one keeper cycle); none of it derives a value.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { createPublicClient, http, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import { runKeeperCycle } from "../../src/keeper/cycle/runCycle.ts";
import { createKeeperLogger } from "../../src/keeper/logger.ts";
import { createTxSender } from "../../src/keeper/tx/sender.ts";
import { readKeeperDeployment } from "../../src/protocol/deployment.ts";
import { MemoryNonceStore } from "../../src/views/nonceStore.ts";
import { signViewSet } from "../../src/views/signedViewSet.ts";
import { investorViewDomain } from "../../src/views/typedData.ts";
import { hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../helpers/keeperSystem.ts";
import { followReplayGuide } from "../helpers/replayGuide.ts";

describe("docs/audit-replay.md with ethers alone", function () {
  this.timeout(180_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("reproduces a settled BLACK_LITTERMAN instruction's view-set commitment, inputsHash and id", async () => {
    // Set-up: the system, one signed view on the bus, one keeper cycle that settles.
    const sys = await deployKeeperSystem(node, { optimizerType: 1 });
    const client = createPublicClient({ transport: http(node.url, { retryCount: 0 }) }) as PublicClient;
    const logger = createKeeperLogger({ level: "silent" });
    const account = sys.keepers[0]!;
    const retry = { retries: 30, baseMs: 50, maxMs: 400 };
    const bus = new InProcessBus();
    const inputsDir = join(sys.dir, "inputs");
    const signer = privateKeyToAccount(sys.viewSignerKey);
    const latest = await client.getBlock({ blockTag: "latest" });
    const viewFile = await signViewSet(
      signer,
      investorViewDomain({ chainId: 31337, registry: sys.addresses["registry"] as Hex }),
      [
        {
          viewSetVersion: 1n,
          assets: ["WBTC", "WETH"],
          pick: [10n ** 18n, -(10n ** 18n)],
          q: 10n ** 17n,
          confidence: 5n * 10n ** 17n,
          omega: 0n,
          nonce: 7n,
          validUntil: latest.timestamp + 3_600n,
          signer: signer.address,
        },
      ],
    );
    await bus.publish("ai.bl_views", { viewSet: viewFile, commitment: viewFile.commitment });
    const report = await runKeeperCycle({
      client,
      account,
      deployment: readKeeperDeployment(sys.deploymentPath),
      pricesPath: sys.pricesPath,
      bundlePath: sys.bundlePath,
      inputsDir,
      nonces: new MemoryNonceStore(),
      logger,
      bus,
      retry,
      sender: createTxSender({ client, account, logger, pollIntervalMs: 50, retry }),
    });
    assert.equal(report.status, "settled");
    assert.equal(report.viewsAccepted, 1);
    const instructionId = report.instructionId!;

    const derived = await followReplayGuide({
      rpcUrl: node.url,
      settlement: sys.addresses["settlement"]!,
      instructionId,
      inputsDir,
      bundlePath: sys.bundlePath,
    });
    assert.equal(derived.instructionId, instructionId);
    assert.equal(derived.inputsHash, report.inputsHash);
    assert.equal(derived.acceptedViews, 1);
  });
});
