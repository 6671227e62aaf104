// `portfolio keeper fleet`: one process serving many portfolios. Each portfolio whose lease this
// process holds runs its own keeper loop (its triggers, schedule, signals, failure backoff); the
// fleet renews the leases, takes its fair share of free ones, hands back the excess, stops a loop
// whose lease it lost, and bounds how many cycles run at once.
import type { Logger } from "pino";
import type { MessageBus } from "../../bus/messageBus.ts";
import { InputError, PortfolioError } from "../../errors.ts";
import { runKeeperCycle } from "../cycle/runCycle.ts";
import type { CycleReport, KeeperCycleContext } from "../cycle/types.ts";
import { interruptibleDelay, runKeeperLoop, type TriggeredReport } from "../loop/runLoop.ts";
import type { FleetPortfolio } from "./deployments.ts";
import type { Leases } from "./lease.ts";
import { CycleLimiter } from "./limiter.ts";
import { OrphanWatch } from "./orphans.ts";

/** One portfolio of the fleet and how to run it. */
export interface FleetMember {
  readonly portfolio: FleetPortfolio;
  /** The portfolio's cycle context, stopped by `signal` (its lease lost, or the fleet shut down). */
  readonly context: (signal: AbortSignal) => KeeperCycleContext;
  /** Checks before its first evaluation (chain id, each address holds its contract). */
  readonly preflight: () => Promise<void>;
  /** The chain time of its last settlement (see `lastSettlementTime`). */
  readonly lastRebalance: () => Promise<Date | null>;
}

/** A cycle report (its `portfolio` the vault) with the fleet process it came from. */
export type FleetReport = TriggeredReport & { readonly holder: string };

/** Parameters of {@link runKeeperFleet}. */
export interface RunKeeperFleetParameters {
  readonly members: readonly FleetMember[];
  readonly bus: MessageBus;
  readonly leases: Leases;
  /** How often each portfolio's triggers are evaluated, ms. */
  readonly intervalMs: number;
  /** Cycles running at once in this process. */
  readonly concurrency: number;
  readonly logger: Logger;
  /** Stops the fleet: every loop, then every lease is handed back. */
  readonly signal: AbortSignal;
  readonly onReport: (report: FleetReport) => void;
  /** Runs one cycle (default `runKeeperCycle`). */
  readonly runCycle?: (ctx: KeeperCycleContext) => Promise<CycleReport>;
}

interface Slot {
  readonly member: FleetMember;
  readonly id: string;
  controller?: AbortController;
  loop?: Promise<void>;
  /** In a cycle right now: its lease is not handed back to rebalance shares. */
  cycling: boolean;
  /** Its deployment does not resolve on this chain: not served again by this process. */
  failed: boolean;
}

/**
 * Serves `members` until `signal` aborts. Every third of a lease period it heartbeats, renews the
 * leases it holds (stopping the loop of one it lost or could not renew within a period), hands
 * back idle leases above its fair share (⌈portfolios / live processes⌉), and takes free ones up
 * to it. A portfolio whose loop fails with bad input (its deployment does not hold the contracts)
 * is logged and dropped; the others continue. It takes no lease in its first period (see below).
 * A portfolio it has seen without a live lease for a whole period it takes even above its share.
 *
 * @example
 * ```ts
 * await runKeeperFleet({ members, bus, leases, intervalMs: 60_000, concurrency: 4, logger, signal, onReport });
 * ```
 */
export async function runKeeperFleet(p: RunKeeperFleetParameters): Promise<void> {
  const log = p.logger;
  const limiter = new CycleLimiter(p.concurrency);
  const cycle = p.runCycle ?? runKeeperCycle;
  const slots: Slot[] = p.members.map((member) => ({ member, id: member.portfolio.id, cycling: false, failed: false }));
  const renewMs = Math.max(100, Math.floor(p.leases.periodMs / 3));
  const orphans = new OrphanWatch(p.leases.periodMs);
  // Serving: a loop that is not being stopped.
  const running = (): Slot[] => slots.filter((s) => s.loop !== undefined && s.controller?.signal.aborted !== true);

  const start = (slot: Slot): void => {
    const controller = new AbortController();
    const stopWithFleet = (): void => controller.abort(p.signal.reason);
    p.signal.addEventListener("abort", stopWithFleet, { once: true });
    const ctx = slot.member.context(controller.signal);
    const slotLog = ctx.logger;
    slot.controller = controller;
    slotLog.info({ portfolio: slot.id, holder: p.leases.holder }, "lease taken; serving portfolio");
    const runCycle = async (c: KeeperCycleContext): Promise<CycleReport> => {
      const release = await limiter.acquire(c.signal);
      try {
        // A lease that ran out while waiting for a slot: another process may be cycling it.
        if (!p.leases.isHeld(slot.id)) throw new Error(`lease on ${slot.id} lost before the cycle`);
        slot.cycling = true;
        return await cycle(c);
      } finally {
        slot.cycling = false;
        release();
      }
    };
    slot.loop = runKeeperLoop({
      ctx,
      bus: p.bus,
      intervalMs: p.intervalMs,
      preflight: slot.member.preflight,
      lastRebalance: slot.member.lastRebalance,
      runCycle,
      onReport: (report) => p.onReport({ ...report, holder: p.leases.holder }),
    })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const fields = error instanceof PortfolioError ? { code: error.code, kind: error.kind } : { kind: "internal" };
        const message = error instanceof Error ? error.message : String(error);
        slotLog.error(
          { portfolio: slot.id, deployment: slot.member.portfolio.source, ...fields, err: message },
          "portfolio failed; not served",
        );
        // Bad input will not fix itself; anything else is retried when the lease is next taken.
        if (error instanceof InputError) slot.failed = true;
      })
      .finally(() => {
        p.signal.removeEventListener("abort", stopWithFleet);
        slot.loop = undefined;
        slot.controller = undefined;
        // Given back at once (a lease already lost is not in `leases` any more: a no-op).
        void p.leases.release(slot.id);
      });
  };

  // Not awaited: a loop stuck in an RPC request must not hold up the other leases' renewals. The
  // slot keeps its loop until it has ended, so it is not started twice meanwhile.
  const stop = (slot: Slot, why: string): void => {
    if (slot.loop === undefined || slot.controller?.signal.aborted === true) return;
    log.warn({ portfolio: slot.id, why }, "stopping portfolio");
    slot.controller?.abort(new Error(why));
  };

  const tick = async (takeNew: boolean): Promise<void> => {
    let members = 1;
    try {
      members = await p.leases.members();
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "lease store unreachable");
    }
    // Renew what is held; a loop whose lease is gone (taken over, or not renewed for a period) stops.
    await Promise.all(
      running().map(async (slot) => {
        await p.leases.hold(slot.id).catch(() => false);
        if (!p.leases.isHeld(slot.id)) {
          p.leases.drop(slot.id);
          stop(slot, "lease lost");
        }
      }),
    );
    if (!takeNew) return;
    const share = Math.ceil(slots.filter((s) => !s.failed).length / members);
    // Above the share (another process joined): hand back idle portfolios, the rest continue.
    const excess = running().length - share;
    if (excess > 0) {
      for (const slot of running()
        .filter((s) => !s.cycling)
        .slice(0, excess)) {
        stop(slot, "rebalancing leases across the fleet");
      }
    }
    // Below it: take free ones, in a random order so processes starting together spread out.
    const free = shuffle(slots.filter((s) => s.loop === undefined && !s.failed));
    for (const slot of free) {
      if (running().length >= share || p.signal.aborted) break;
      const held = await p.leases.hold(slot.id).catch(() => false);
      if (held) start(slot);
    }
    // At its share: still take a portfolio nobody has held for a whole period (see orphans.ts).
    for (const slot of free) {
      if (slot.loop !== undefined || p.signal.aborted) continue;
      const holder = await p.leases.holderOf(slot.id).catch(() => undefined);
      // The store unreachable says nothing either way.
      if (holder === undefined) continue;
      const now = performance.now();
      orphans.observe(slot.id, holder !== null, now);
      if (!orphans.isOrphan(slot.id, now)) continue;
      if (await p.leases.hold(slot.id).catch(() => false)) {
        orphans.forget(slot.id);
        log.warn({ portfolio: slot.id }, "taking over a portfolio nobody held for a lease period");
        start(slot);
      }
    }
  };

  log.info(
    { portfolios: slots.length, holder: p.leases.holder, leaseMs: p.leases.periodMs, concurrency: p.concurrency },
    "fleet started",
  );
  try {
    // For its first lease period a process only announces itself, so the fair share counts every
    // process started within a period of it, instead of the first one taking every portfolio.
    const joinedAt = performance.now();
    while (!p.signal.aborted) {
      await tick(performance.now() - joinedAt >= p.leases.periodMs);
      await interruptibleDelay(renewMs, p.signal).done;
    }
  } finally {
    await Promise.all(slots.map((s) => s.loop));
    await Promise.all(slots.map((s) => p.leases.release(s.id)));
    log.info("fleet stopped");
  }
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
