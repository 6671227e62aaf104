// `portfolio keeper run`: evaluate the triggers every interval (and at once on an `ai.rebalance`
// signal), run a cycle when one fires, and stop promptly when the context's signal aborts.
import { readFile } from "node:fs/promises";
import type { MessageBus } from "../../bus/messageBus.ts";
import { InputError, PortfolioError } from "../../errors.ts";
import { parsePricesCsv } from "../../optimizer/estimators/priceTable.ts";
import { readCycleBlock, readRegistryState, readVaultState } from "../cycle/chainState.ts";
import { runKeeperCycle } from "../cycle/runCycle.ts";
import type { CycleReport, KeeperCycleContext } from "../cycle/types.ts";
import { withRetry } from "../retry.ts";
import { SignalInbox } from "./signalInbox.ts";
import { assembleTriggerState, type RiskMeasures } from "../triggers/riskMeasures.ts";
import { evaluateTriggers, type TriggerDecision } from "../triggers/triggers.ts";

/** A cycle's report with the triggers that caused it and the risk figures they compared. */
export type TriggeredReport = CycleReport & {
  readonly triggers: TriggerDecision[];
  readonly riskMeasures: RiskMeasures & { readonly volatilityBudget: number };
};

/** Parameters of {@link runKeeperLoop}. */
export interface RunKeeperLoopParameters {
  /** The cycle's context; its `signal` stops the loop (between steps, and during the wait). */
  readonly ctx: KeeperCycleContext;
  readonly bus: MessageBus;
  /** How often the triggers are evaluated, ms. */
  readonly intervalMs: number;
  /** Receives each cycle's report (the CLI prints it). */
  readonly onReport: (report: TriggeredReport) => void;
}

/**
 * Runs until `ctx.signal` aborts: reads the registry's trigger settings and the vault's weights,
 * evaluates the calendar, drift, risk and signal triggers, runs a cycle when one fires, then waits
 * `intervalMs` or until an `ai.rebalance` signal for this vault arrives. A failed evaluation or
 * cycle is logged and the loop goes on. Closes its subscription (not the bus) before returning.
 *
 * @example
 * ```ts
 * await runKeeperLoop({ ctx, bus, intervalMs: 60_000, onReport: (r) => console.log(r.status) });
 * ```
 */
export async function runKeeperLoop({ ctx, bus, intervalMs, onReport }: RunKeeperLoopParameters): Promise<void> {
  const log = ctx.logger;
  const signal = ctx.signal ?? new AbortController().signal;
  const read = <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry(fn, { ...ctx.retry, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  let pendingSignal: { id: string; reason: string } | undefined;
  let wake: (() => void) | undefined;
  const inbox = new SignalInbox(ctx.deployment.vault);
  const sub = await bus.subscribe(
    "ai.rebalance",
    (m) => {
      const p = m.payload;
      const verdict = inbox.accept(p);
      if (verdict === "repeat") log.info({ signalId: p.id }, "rebalance signal already taken, ignored");
      if (verdict !== "taken") return;
      pendingSignal = { id: p.id, reason: p.reason };
      log.info({ signalId: p.id, reason: p.reason }, "rebalance signal received");
      wake?.();
    },
    { durable: keeperGroup(ctx.deployment.vault) },
  );
  let lastRebalanceAt: Date | null = null;
  let targetWeights: number[] | null = null;
  log.info({ account: ctx.account.address, vault: ctx.deployment.vault, intervalMs }, "keeper started");
  try {
    while (!signal.aborted) {
      try {
        // The same chain reads as a cycle's, so the triggers see what the cycle will act on.
        const registry = await readRegistryState(ctx.client, ctx.deployment.settlement, ctx.account, read);
        const vault = await readVaultState(ctx.client, ctx.deployment.vault, registry.oracle, read);
        const { rebalanceCalendar, driftThreshold, volatilityBudget } = registry.parameters;
        const chain = {
          assets: vault.assets,
          currentWeights: vault.currentWeights,
          rebalanceCalendar,
          driftThreshold,
          volatilityBudget,
        };
        const pricesText = await readFile(ctx.pricesPath, "utf8").catch((cause: unknown) => {
          throw new InputError("PRICES_UNREADABLE", `cannot read ${ctx.pricesPath}`, "--prices", { cause });
        });
        // The calendar runs on the chain's clock, as the cycle's time checks do (not the wall clock).
        const { timestamp } = await readCycleBlock(ctx.client, read);
        const { state, risk } = assembleTriggerState({
          now: new Date(Number(timestamp) * 1000),
          chain,
          prices: parsePricesCsv(pricesText, ctx.pricesPath),
          lastRebalanceAt,
          targetWeights,
          signal: pendingSignal,
        });
        log.info({ ...risk, volatilityBudget, currentWeights: chain.currentWeights }, "triggers evaluated");
        const fired = evaluateTriggers(state);
        pendingSignal = undefined;
        if (fired.length > 0) {
          log.info({ triggers: fired }, "rebalance triggered");
          const report = await runKeeperCycle(ctx);
          onReport({ ...report, triggers: fired, riskMeasures: { ...risk, volatilityBudget } });
          if (report.status === "settled" || report.status === "already-settled" || report.status === "nothing-to-do") {
            lastRebalanceAt = new Date(report.chainTimestamp * 1000);
            if (report.weights.length > 0) targetWeights = [...report.weights];
          }
        }
      } catch (error) {
        if (signal.aborted) break;
        // A refused or failed cycle is logged (and alerted inside the cycle); the loop goes on.
        const fields = error instanceof PortfolioError ? { code: error.code, kind: error.kind } : { kind: "internal" };
        log.error({ ...fields, err: error instanceof Error ? error.message : String(error) }, "cycle failed");
      }
      const pause = interruptibleDelay(intervalMs, signal);
      wake = pause.wake;
      await pause.done;
      wake = undefined;
    }
  } finally {
    await sub.close();
    log.info("keeper stopped");
  }
}

/**
 * The durable consumer group of the keepers of one vault on `ai.rebalance`: one group per vault,
 * so a keeper serving another vault never takes (and drops) a signal meant for this one, and each
 * signal goes to one keeper of its own vault.
 *
 * @example
 * ```ts
 * keeperGroup("0xAbC…"); // "keepers-0xabc…"
 * ```
 */
export function keeperGroup(vault: string): string {
  return `keepers-${vault.toLowerCase()}`;
}

/**
 * A delay that ends after `ms`, on `wake()`, or as soon as `signal` aborts — also when it aborted
 * before the delay began (an abort listener added then would never fire).
 *
 * @example
 * ```ts
 * const pause = interruptibleDelay(60_000, shutdown.signal);
 * onSignal(pause.wake);
 * await pause.done;
 * ```
 */
export function interruptibleDelay(ms: number, signal: AbortSignal): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      // One listener per delay, removed again: a long-running loop must not accumulate them.
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, signal.aborted ? 0 : ms);
    wake = finish;
    if (!signal.aborted) signal.addEventListener("abort", finish, { once: true });
  });
  return { done, wake };
}
