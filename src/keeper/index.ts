/**
 * The keeper's public API (`dao-portfolio/keeper`): one rebalancing cycle, the long-running loop
 * over its triggers, and the pieces an operator wires them with (docs/keeper.md).
 *
 * @example
 * ```ts
 * import { createKeeperLogger, loadKeeperAccount, runKeeperCycle } from "dao-portfolio/keeper";
 *
 * const report = await runKeeperCycle({
 *   client, // a viem PublicClient
 *   account: loadKeeperAccount(), // from PORTFOLIO_KEEPER_KEY
 *   deployment, // the contract addresses of deployments/<network>.json
 *   pricesPath: "prices.csv",
 *   bundlePath: "dist/optimizer.mjs",
 *   inputsDir: "out/inputs",
 *   nonces,
 *   logger: createKeeperLogger(),
 * });
 * report.status; // "settled", "already-settled", "nothing-to-do" or "halted"
 * ```
 * @packageDocumentation
 */
export { runKeeperCycle, type CycleReport, type KeeperCycleContext } from "./cycle/runCycle.ts";
export { runKeeperLoop, type RunKeeperLoopParameters, type TriggeredReport } from "./loop/runLoop.ts";
export { KEEPER_KEY_ENV, loadKeeperAccount } from "./account.ts";
export { createKeeperLogger, cycleLogger, type KeeperLoggerOptions } from "./logger.ts";
export { isRetryableRpcError, withRetry, type WithRetryOptions } from "./retry.ts";
