// `portfolio keeper run`: evaluate the triggers every interval (and at once on an `ai.rebalance`
// signal), run a cycle when one fires, back off after failures, notice a chain that moved back,
// and stop promptly when the context's signal aborts.
import { readFile } from "node:fs/promises";
import type { MessageBus } from "../../bus/messageBus.ts";
import { InputError, PortfolioError } from "../../errors.ts";
import { parsePricesCsv } from "../../optimizer/estimators/priceTable.ts";
import { readCycleBlock, readRegistryState, readVaultState } from "../cycle/chainState.ts";
import { publishAlert } from "../cycle/publish.ts";
import { runKeeperCycle } from "../cycle/runCycle.ts";
import type { CycleReport, KeeperCycleContext } from "../cycle/types.ts";
import { withRetry } from "../retry.ts";
import { ChainHeadWatcher } from "./chainWatch.ts";
import { FailureBackoff } from "./failureBackoff.ts";
import { SignalInbox, signalRecordPath, type SignalOutcome } from "./signalInbox.ts";
import { SignalQueue } from "./signalQueue.ts";
import { assembleTriggerState, type RiskMeasures } from "../triggers/riskMeasures.ts";
import { evaluateTriggers, type TriggerDecision } from "../triggers/triggers.ts";

/** A cycle's report with the triggers that caused it and the risk figures they compared. */
export type TriggeredReport = CycleReport & {
  readonly triggers: TriggerDecision[];
  readonly riskMeasures: RiskMeasures & { readonly volatilityBudget: number };
};

/**
 * How one evaluation of the loop ended, for observers (metrics): `outcome` is the cycle's status,
 * `refused`, `no-trigger`, or `failed` (the evaluation or its cycle threw, and the loop backs off).
 */
export interface LoopEvaluation {
  readonly outcome: SignalOutcome | "failed";
  /** Whether a trigger fired and the cycle ran (or began). */
  readonly cycleRan: boolean;
  /** Wall time of the cycle when one ran, else of the evaluation, ms. */
  readonly durationMs: number;
  /** The cycle's report, when it ended with one. */
  readonly report?: TriggeredReport;
  /** What a `failed` or `refused` evaluation threw. */
  readonly error?: unknown;
}

/** Parameters of {@link runKeeperLoop}. */
export interface RunKeeperLoopParameters {
  /** The cycle's context; its `signal` stops the loop (between steps, and during the wait). */
  readonly ctx: KeeperCycleContext;
  readonly bus: MessageBus;
  /** How often the triggers are evaluated, ms. */
  readonly intervalMs: number;
  /** Receives each cycle's report (the CLI prints it). */
  readonly onReport: (report: TriggeredReport) => void;
  /** Backoff between failed cycles (default 1 s doubling, capped at min(5 min, intervalMs)). */
  readonly backoff?: FailureBackoff;
  /**
   * Checks to pass once before the first evaluation, e.g. that each deployment address holds its
   * contract. Retried with the failure backoff while it fails for a transport reason (a keeper may
   * be started before its node); an {@link InputError} from it ends the loop, since no later
   * evaluation could succeed.
   */
  readonly preflight?: () => Promise<void>;
  /** Told how each evaluation ended (e.g. the Prometheus metrics); must not throw. */
  readonly onEvaluated?: (evaluation: LoopEvaluation) => void;
  /**
   * Runs one cycle (default {@link runKeeperCycle}). The fleet wraps it to bound how many
   * portfolios cycle at once and to cycle only while it holds the portfolio's lease.
   */
  readonly runCycle?: (ctx: KeeperCycleContext) => Promise<CycleReport>;
  /**
   * Reads the last settled rebalance before the first evaluation and after the chain moved back
   * (default: none known). A keeper taking a portfolio over from another reads the chain's, so the
   * calendar does not fire again at once. Retried like `preflight`.
   */
  readonly lastRebalance?: () => Promise<Date | null>;
}

/** Largest wait between failed cycles, ms, whatever the interval. */
export const MAX_FAILURE_BACKOFF_MS = 300_000;

/**
 * Runs until `ctx.signal` aborts: checks that the chain did not move back under it, reads the
 * registry's trigger settings and the vault's weights, evaluates the calendar, drift, risk and
 * signal triggers, runs a cycle when one fires, then waits `intervalMs` or until an `ai.rebalance`
 * signal for this vault arrives.
 *
 * - A signal is acknowledged only once the evaluation it joined has ended: settled, refused,
 *   nothing to do. Its id is then recorded in `<inputsDir>/rebalance-signals-<vault>.json`, so a
 *   redelivery (a crash between record and ack, or a republish) is recognised after a restart.
 * - A failed evaluation or cycle (node down, RPC error) keeps its signals, and the loop retries
 *   after an exponential backoff with jitter instead of the interval; the third consecutive
 *   failure raises a `keeper` alert; an evaluation that ends resets it.
 * - When the block seen last is gone (reorg, snapshot restore, a restarted node), the sender's
 *   nonce is read again and the last rebalance is forgotten, so the state is taken from the chain.
 *
 * @example
 * ```ts
 * await runKeeperLoop({ ctx, bus, intervalMs: 60_000, onReport: (r) => console.log(r.status) });
 * ```
 */
export async function runKeeperLoop(parameters: RunKeeperLoopParameters): Promise<void> {
  const { ctx, bus, intervalMs, onReport } = parameters;
  const log = ctx.logger;
  const signal = ctx.signal ?? new AbortController().signal;
  const read = <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry(fn, { ...ctx.retry, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  const vault = ctx.deployment.vault;
  const backoff = parameters.backoff ?? new FailureBackoff({ capMs: Math.min(MAX_FAILURE_BACKOFF_MS, intervalMs) });
  const watcher = new ChainHeadWatcher(ctx.client);
  let wake: (() => void) | undefined;
  const inbox = SignalInbox.open(vault, signalRecordPath(ctx.inputsDir, vault));
  const queue = await SignalQueue.subscribe({
    bus,
    vault,
    group: keeperGroup(vault),
    inbox,
    logger: log,
    signal,
    onArrival: () => wake?.(),
  });
  const runCycle = parameters.runCycle ?? runKeeperCycle;
  let lastRebalanceAt: Date | null = null;
  let restore = parameters.lastRebalance;
  let targetWeights: number[] | null = null;
  let preflight = parameters.preflight;
  log.info({ account: ctx.account.address, vault, intervalMs }, "keeper started");
  try {
    while (!signal.aborted) {
      const taken = queue.take();
      let outcome: SignalOutcome | undefined;
      let evaluationStarted = performance.now();
      let cycleRan = false;
      let triggered: TriggeredReport | undefined;
      let thrown: unknown;
      try {
        if (preflight !== undefined) {
          await preflight();
          preflight = undefined;
        }
        // The chain moved back under what the keeper remembers: take the state and nonce from it again.
        const observeHead = async (): Promise<void> => {
          const change = await watcher.check(read);
          if (change.kind !== "reorged" && change.kind !== "rolled-back") return;
          const { previous, head } = change;
          log.warn({ change: change.kind, previous, head }, "chain moved back; resyncing");
          ctx.sender?.resync();
          lastRebalanceAt = null;
          targetWeights = null;
          restore = parameters.lastRebalance;
        };
        await observeHead();
        if (restore !== undefined) {
          lastRebalanceAt = await restore();
          restore = undefined;
        }
        // The same chain reads as a cycle's, so the triggers see what the cycle will act on.
        const registry = await readRegistryState(ctx.client, ctx.deployment.settlement, ctx.account, read);
        const vaultState = await readVaultState(ctx.client, vault, registry.oracle, read);
        const { rebalanceCalendar, driftThreshold, volatilityBudget } = registry.parameters;
        const chain = {
          assets: vaultState.assets,
          currentWeights: vaultState.currentWeights,
          rebalanceCalendar,
          driftThreshold,
          volatilityBudget,
        };
        const pricesText = await readFile(ctx.pricesPath, "utf8").catch((cause: unknown) => {
          throw new InputError("PRICES_UNREADABLE", `cannot read ${ctx.pricesPath}`, "--prices", { cause });
        });
        const first = taken[0];
        // The calendar runs on the chain's clock, as the cycle's time checks do (not the wall clock).
        const { timestamp } = await readCycleBlock(ctx.client, read);
        const { state, risk } = assembleTriggerState({
          now: new Date(Number(timestamp) * 1000),
          chain,
          prices: parsePricesCsv(pricesText, ctx.pricesPath),
          lastRebalanceAt,
          targetWeights,
          ...(first === undefined ? {} : { signal: { id: first.id, reason: first.reason } }),
        });
        log.info({ ...risk, volatilityBudget, currentWeights: chain.currentWeights }, "triggers evaluated");
        const fired = evaluateTriggers(state);
        outcome = "no-trigger";
        if (fired.length > 0) {
          log.info({ triggers: fired, signalIds: taken.map((t) => t.id) }, "rebalance triggered");
          cycleRan = true;
          evaluationStarted = performance.now();
          const report = await runCycle(ctx);
          outcome = report.status;
          triggered = { ...report, triggers: fired, riskMeasures: { ...risk, volatilityBudget } };
          onReport(triggered);
          if (report.status === "settled" || report.status === "already-settled" || report.status === "nothing-to-do") {
            lastRebalanceAt = new Date(report.chainTimestamp * 1000);
            if (report.weights.length > 0) targetWeights = [...report.weights];
          }
          // Remember the head the cycle left (its own block included), so undoing it is noticed.
          await observeHead();
        }
      } catch (error) {
        if (signal.aborted) break;
        if (preflight !== undefined && error instanceof InputError) throw error;
        thrown = error;
        const fields = error instanceof PortfolioError ? { code: error.code, kind: error.kind } : { kind: "internal" };
        log.error({ ...fields, err: error instanceof Error ? error.message : String(error) }, "cycle failed");
        // A refusal is an answer (alerted inside the cycle): the cycle ended. Anything else failed,
        // also a cycle that threw after its trigger set "no-trigger" (its signals are kept), unless
        // the cycle had ended and only the head check after it threw.
        if (triggered === undefined) outcome = isRefusal(error) ? "refused" : undefined;
      }
      parameters.onEvaluated?.({
        outcome: outcome ?? "failed",
        cycleRan,
        durationMs: performance.now() - evaluationStarted,
        ...(triggered === undefined ? {} : { report: triggered }),
        ...(thrown === undefined ? {} : { error: thrown }),
      });
      if (outcome !== undefined) {
        const ended = backoff.succeeded();
        if (ended > 0) log.info({ failures: ended }, "keeper recovered");
        queue.settle(taken, outcome);
        // A signal that came in during the cycle gets its own evaluation now, not an interval later.
        if (queue.hasMoreThan(taken)) continue;
      }
      const waitMs = outcome !== undefined ? intervalMs : await failed(backoff, ctx, log);
      const pause = interruptibleDelay(waitMs, signal);
      wake = outcome !== undefined ? pause.wake : undefined;
      await pause.done;
      wake = undefined;
    }
  } finally {
    await queue.close();
    log.info("keeper stopped");
  }
}

/** Counts a failed cycle, alerts on the third in a row, and returns the backoff wait, ms. */
async function failed(
  backoff: FailureBackoff,
  ctx: KeeperCycleContext,
  log: KeeperCycleContext["logger"],
): Promise<number> {
  const { failures, delayMs, alert } = backoff.failed();
  log.warn({ failures, delayMs }, "cycle failed; backing off");
  if (alert) {
    await publishAlert(ctx.bus, log, {
      kind: "keeper",
      severity: "critical",
      portfolio: ctx.deployment.vault,
      message: `keeper ${ctx.account.address}: ${failures} consecutive cycles failed; retrying with backoff`,
      value: failures,
      threshold: failures,
    });
  }
  return delayMs;
}

/**
 * Whether a cycle's error is a refusal — infeasible or rejected: the chain or the optimiser
 * answered no — rather than a failure to reach an answer. Bad input (an unreadable prices file, a
 * deployment whose addresses hold nothing, as on a node restarted before the redeployment) is a
 * failure: it keeps the signal and backs off until it is fixed. Compared by `kind`, not by class:
 * the optimiser bundle throws its own copies of the error classes.
 */
function isRefusal(error: unknown): boolean {
  const kind = typeof error === "object" && error !== null ? (error as { kind?: unknown }).kind : undefined;
  return kind === "infeasible" || kind === "rejected";
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
