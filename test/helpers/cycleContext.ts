// The keeper-cycle context the cycle tests run with: a client without retries of its own (the
// cycle's retry policy is under test), a silent logger, an in-process bus and a fresh nonce store.
import { join } from "node:path";
import { createPublicClient, http, parseEventLogs, type PublicClient } from "viem";
import { InProcessBus } from "../../src/bus/inProcessBus.ts";
import type { KeeperCycleContext } from "../../src/keeper/cycle/runCycle.ts";
import { createKeeperLogger } from "../../src/keeper/logger.ts";
import { createTxSender } from "../../src/keeper/tx/sender.ts";
import { settlementAbi } from "../../src/protocol/abi.ts";
import { readKeeperDeployment } from "../../src/protocol/deployment.ts";
import { MemoryNonceStore } from "../../src/views/nonceStore.ts";
import type { HardhatNode } from "./hardhatNode.ts";
import type { KeeperSystem } from "./keeperSystem.ts";

/** A cycle context for keeper `keeper` of `sys` on `rpcUrl`. */
export function cycleContext(
  sys: KeeperSystem,
  rpcUrl: string,
  keeper = 0,
  extra: Partial<KeeperCycleContext> = {},
): KeeperCycleContext & { bus: InProcessBus } {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 5_000 }) }) as PublicClient;
  const logger = createKeeperLogger({ level: "silent" });
  const account = sys.keepers[keeper]!;
  const retry = { retries: 30, baseMs: 50, maxMs: 400 };
  return {
    client,
    account,
    deployment: readKeeperDeployment(sys.deploymentPath),
    pricesPath: sys.pricesPath,
    bundlePath: sys.bundlePath,
    inputsDir: join(sys.dir, "inputs"),
    nonces: new MemoryNonceStore(),
    logger,
    bus: new InProcessBus(),
    retry,
    sender: createTxSender({ client, account, logger, pollIntervalMs: 50, retry }),
    ...extra,
  } as KeeperCycleContext & { bus: InProcessBus };
}

/** How many SettlementFinalized events the settlement emitted. */
export async function finalizedEvents(node: HardhatNode, settlement: string): Promise<number> {
  const client = createPublicClient({ transport: http(node.url) });
  const logs = await client.getLogs({ address: settlement as `0x${string}`, fromBlock: 0n });
  return parseEventLogs({ abi: settlementAbi, logs, eventName: "SettlementFinalized" }).length;
}
