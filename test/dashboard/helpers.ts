import { readFileSync } from "node:fs";
import { parseSnapshot } from "../../src/dashboard/parseSnapshot.ts";
import type { AlertView, DashboardSnapshot } from "../../src/dashboard/snapshot.ts";

/** The settled-rebalance fixture: 5 assets, 2 finalized settlements and 1 rolled back, 1 broken chain, 1 alert. */
export const FIXTURE_PATH = new URL("./fixtures/settled.json", import.meta.url).pathname;

export function loadFixture(): DashboardSnapshot {
  return parseSnapshot(JSON.parse(readFileSync(FIXTURE_PATH, "utf8")), FIXTURE_PATH);
}

export const DRIFT_ALERT: AlertView = {
  kind: "drift",
  severity: "warning",
  portfolio: "dao-treasury",
  message: "WETH drifted 6.10% from target, above the 5.00% threshold",
  value: 0.061,
  threshold: 0.05,
  at: "2026-11-23T15:05:00Z",
};

/** Reads Server-Sent Events from a streaming fetch response: `next(name)` resolves with the data of the next `name` event. */
export function eventReader(response: Response): { next(name: string): Promise<string>; close(): Promise<void> } {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(name: string): Promise<string> {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 2);
          if (lines.find((l) => l.startsWith("event: "))?.slice(7) !== name) continue;
          return lines
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before a "${name}" event`);
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}
