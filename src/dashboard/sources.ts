import type { HookSection, SnapshotHooks } from "./chainSource.ts";
import { readSnapshotFile } from "./parseSnapshot.ts";
import type { AlertView, DashboardSnapshot, SnapshotSource } from "./snapshot.ts";

/** How many alerts {@link MemorySnapshotSource.pushAlert} keeps by default. */
export const DEFAULT_ALERT_LIMIT = 50;

const HOOK_SECTIONS: readonly HookSection[] = [
  "weights",
  "risk",
  "frontier",
  "drift",
  "settlements",
  "proposals",
  "metrics",
  "alerts",
];

/**
 * Serves a snapshot JSON file, re-read and re-validated on every call so that an edited file shows
 * on the next refresh (an auditor's saved snapshot, a test fixture).
 *
 * @example
 * ```ts
 * const source = new FileSnapshotSource("snapshots/2026-11-24.json");
 * await source.snapshot(); // throws InputError SNAPSHOT_INVALID naming the field if the file is bad
 * ```
 */
export class FileSnapshotSource implements SnapshotSource {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  snapshot(): Promise<DashboardSnapshot> {
    return readSnapshotFile(this.path);
  }
}

/**
 * A snapshot held in memory that its owner updates: the keeper or an analytics consumer sets the
 * sections it computes, and every open page receives the change at once through `subscribe`.
 *
 * @example
 * ```ts
 * const source = new MemorySnapshotSource(emptySnapshot({ id: "main", address: null, chainId: null }));
 * source.update((s) => ({ ...s, alerts: [alert, ...(s.alerts ?? [])] }));
 * ```
 */
export class MemorySnapshotSource implements SnapshotSource {
  #current: DashboardSnapshot;
  readonly #listeners = new Set<() => void>();

  constructor(initial: DashboardSnapshot) {
    this.#current = initial;
  }

  snapshot(): Promise<DashboardSnapshot> {
    return Promise.resolve(this.#current);
  }

  /** Replaces the snapshot and notifies the listeners. */
  set(next: DashboardSnapshot): void {
    this.#current = next;
    for (const listener of this.#listeners) listener();
  }

  /** Derives the next snapshot from the current one, stamps `generatedAt` and notifies the listeners. */
  update(change: (current: DashboardSnapshot) => DashboardSnapshot, now: Date = new Date()): void {
    this.set({ ...change(this.#current), generatedAt: now.toISOString() });
  }

  /** Adds an alert at the top of the list, keeping the newest `limit`, and notifies the listeners. */
  pushAlert(alert: AlertView, limit: number = DEFAULT_ALERT_LIMIT, now: Date = new Date()): void {
    this.update((s) => ({ ...s, alerts: [alert, ...(s.alerts ?? [])].slice(0, limit) }), now);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Hooks for {@link ChainSnapshotSource} that read these sections from this snapshot: the chain
   * gives parameters and audit chains, the process that updates this source (the analytics consumer
   * of the bus) gives the rest. Pass `subscribe` along so that updates reach open pages at once.
   *
   * @example
   * ```ts
   * const analytics = new MemorySnapshotSource(emptySnapshot(portfolio));
   * const source = new ChainSnapshotSource({ client, portfolio, registry, audited,
   *   hooks: analytics.hooks(), subscribe: (l) => analytics.subscribe(l) });
   * ```
   */
  hooks(sections: readonly HookSection[] = HOOK_SECTIONS): SnapshotHooks {
    const hooks: Record<string, () => Promise<unknown>> = {};
    for (const section of sections) hooks[section] = () => Promise.resolve(this.#current[section]);
    return hooks as SnapshotHooks;
  }
}
