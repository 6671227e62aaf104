// The inputs and the outcome of one keeper cycle (src/keeper/cycle.ts).
import type { Logger } from "pino";
import type { Address, Hex, LocalAccount, PublicClient } from "viem";
import type { MessageBus } from "../../bus/messageBus.ts";
import type { NonceStore } from "../../views/nonceStore.ts";
import type { OptimizerModel } from "../../optimizer/model.ts";
import type { KeeperDeployment } from "../../protocol/deployment.ts";
import type { PlanLegsReturnType } from "../legs/planLegs.ts";
import type { WithRetryOptions } from "../retry.ts";
import type { TxSender } from "../tx/sender.ts";

/** Everything one cycle needs. I/O happens only through these handles. */
export interface KeeperCycleContext {
  readonly client: PublicClient;
  readonly account: LocalAccount;
  readonly deployment: KeeperDeployment;
  /** Where `deployment` came from, for error paths (the `--deployment` file; default `deployment`). */
  readonly deploymentSource?: string;
  /** Price-history CSV (first column a date, one column per vault asset symbol); its sha256 is the market-data hash. */
  readonly pricesPath: string;
  /** The optimiser bundle to run; refused unless its sha256 equals the registry's pinned build hash. */
  readonly bundlePath: string;
  /** Root of the content-addressed inputs (`<inputsDir>/<inputsHash>/`). */
  readonly inputsDir: string;
  /** Base directory for a relative constraint-set URI (default: the working directory). */
  readonly constraintSetBaseDir?: string;
  /** Source of `ai.bl_views` and sink of `analytics.portfolio` / `alerts`; without it the cycle uses no views. */
  readonly bus?: MessageBus | undefined;
  /** Replay protection of signed views; nonces are committed only once the rebalance is settled. */
  readonly nonces: NonceStore;
  readonly logger: Logger;
  /** Reuse a sender across cycles (the `run` loop); default a new one per cycle. */
  readonly sender?: TxSender;
  /** Blocks to wait for, counting the inclusion block (default 1). */
  readonly confirmations?: number;
  /** Instruction lifetime, seconds (default 3 600). */
  readonly deadlineSeconds?: number;
  /** Backoff while the RPC is unreachable. */
  readonly retry?: WithRetryOptions;
  readonly signal?: AbortSignal;
  /** Wall times (ms) of earlier optimisations, for the published p95; this cycle's is appended. */
  readonly runtimeSamples?: number[];
  /**
   * Benchmark price CSV for the published tracking error and beta: the problem format's
   * `benchmarkPrices` file form (a date column, exactly one price column). Without it both are
   * published as `null` with the reason.
   */
  readonly benchmarkPricesPath?: string;
  /**
   * Largest max |w − target| of the executed weights after a settlement before a `drift` alert,
   * fraction (default 0.01; warning above, critical above twice).
   */
  readonly postTradeDriftThreshold?: number;
  /** Efficient-frontier portfolios published with the metrics (default 20; 0: none). */
  readonly frontierPoints?: number;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
}

/** The outcome of one cycle. */
export interface CycleReport {
  readonly cycleId: string;
  /**
   * `block.timestamp` (seconds since the epoch) of the block the cycle read the chain's time from:
   * the clock of its view-expiry check, and what the run loop's calendar trigger compares against.
   */
  readonly chainTimestamp: number;
  /**
   * `settled`: this keeper's instruction finalised. `already-settled`: the instruction (same inputs)
   * or a newer one was settled by an earlier run or another keeper. `nothing-to-do`: no leg worth
   * trading. `halted`: the settlement's pre-trade risk check refused and halted (nothing moved).
   */
  readonly status: "settled" | "already-settled" | "nothing-to-do" | "halted";
  readonly portfolio: Address;
  readonly instructionId: Hex | null;
  readonly inputsHash: Hex;
  readonly buildHash: Hex;
  readonly nonce: string | null;
  readonly txHash: Hex | null;
  readonly blockNumber: string | null;
  readonly assets: readonly string[];
  /** Optimiser weights (fractions) and their 1e18 fixed-point form as submitted. */
  readonly weights: readonly number[];
  readonly targetWeightsWad: readonly string[];
  readonly legs: number;
  readonly skipped: PlanLegsReturnType["skipped"];
  readonly iterations: number;
  readonly optimizerRuntimeMs: number;
  readonly cycleMs: number;
  /** Where the content-addressed inputs were stored. */
  readonly inputsPath: string;
  readonly viewsAccepted: number;
  readonly viewsRejected: number;
  /**
   * The model the pinned bundle chose `weights` with (μ, Σ, frontier; the published risk comes
   * from it); null when the optimiser did not run this cycle or its bundle returns no model.
   */
  readonly model: OptimizerModel | null;
}
