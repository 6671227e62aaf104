import { readSnapshotFile } from "./parseSnapshot.ts";
import type { DashboardSnapshot, SnapshotSource } from "./snapshot.ts";

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

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
