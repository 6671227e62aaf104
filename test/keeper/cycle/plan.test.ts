// planCycleLegs against a real `hardhat node`: a router that cannot price the vault's tokens refuses
// the cycle with a critical alert instead of planning around every leg and reporting nothing-to-do.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import { deployUniswapV2 } from "../../../src/chain/uniswap.ts";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import { RejectedError } from "../../../src/errors.ts";
import { runKeeperCycle, type KeeperCycleContext } from "../../../src/keeper/cycle/runCycle.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { readKeeperDeployment } from "../../../src/protocol/deployment.ts";
import { MemoryNonceStore } from "../../../src/views/nonceStore.ts";
import { hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../../helpers/keeperSystem.ts";

describe("keeper cycle: legs a venue cannot price (hardhat node)", function () {
  this.timeout(120_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("a router quoting 0 for every leg: VENUE_CANNOT_PRICE with a critical alert, nothing sent", async () => {
    const sys = await deployKeeperSystem(node);
    const provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
    // A real router of another Uniswap deployment: it answers as a router but holds no pools.
    const other = await deployUniswapV2(await provider.getSigner(0));
    const router = (await other.router.getAddress()) as Address;
    const client = createPublicClient({ transport: http(node.url, { retryCount: 0 }) }) as PublicClient;
    const bus = new InProcessBus();
    const ctx: KeeperCycleContext = {
      client,
      account: sys.keepers[0]!,
      deployment: { ...readKeeperDeployment(sys.deploymentPath), router },
      pricesPath: sys.pricesPath,
      bundlePath: sys.bundlePath,
      inputsDir: join(sys.dir, "inputs"),
      nonces: new MemoryNonceStore(),
      logger: createKeeperLogger({ level: "silent" }),
      bus,
    };
    await assert.rejects(
      runKeeperCycle(ctx),
      (e: unknown) => e instanceof RejectedError && e.code === "VENUE_CANNOT_PRICE" && e.message.includes(router),
    );
    const alerts = await bus.history("alerts");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.payload.severity, "critical");
    assert.match(alerts[0]!.payload.message, /venue cannot price/);
    assert.equal(await client.getTransactionCount({ address: sys.keepers[0]!.address }), 0, "nothing sent");
  });
});
