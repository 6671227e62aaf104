// The webhook sink against a real node:http receiver on loopback, behind the forwarder's queue: a
// receiver that fails and then recovers gets every alert once, in order; a refusal is not retried;
// a hanging receiver never holds up forward(), and the bounded queue drops the oldest.
import { expect } from "chai";
import type { ServerResponse } from "node:http";
import type { Alert } from "../../../src/bus/topics.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { AlertForwarder, type AlertForwarderOptions } from "../../../src/keeper/observability/forwarder.ts";
import type { SiemEvent } from "../../../src/keeper/observability/metrics.ts";
import { webhookSender } from "../../../src/keeper/observability/webhook.ts";
import { webhookReceiver, type WebhookReceiver } from "./receivers.ts";

function alert(i: number): Alert {
  return {
    kind: "slippage",
    severity: "warning",
    message: `leg ${i} slipped`,
    value: 90 + i,
    threshold: 80,
    at: new Date(0).toISOString(),
  };
}

const delivered = (...ids: number[]): unknown[] => ids.map((i) => ({ source: "portfolio-keeper", alert: alert(i) }));
const dropped = (events: readonly SiemEvent[]): SiemEvent[] => events.filter((e) => e.kind === "dropped");

/**
 * A forwarder to a webhook receiver answering with `respond`, handed to `body` with the events it
 * reported; both are closed afterwards, whatever `body` does.
 */
async function withForwarder(
  respond: (n: number, res: ServerResponse) => void,
  options: Partial<Pick<AlertForwarderOptions, "maxQueue" | "retry">> & { timeoutMs?: number },
  body: (forwarder: AlertForwarder, r: WebhookReceiver, events: SiemEvent[]) => Promise<void>,
): Promise<SiemEvent[]> {
  const r = await webhookReceiver(respond);
  const events: SiemEvent[] = [];
  const forwarder = new AlertForwarder({
    sender: webhookSender(r.url, options.timeoutMs),
    logger: createKeeperLogger({ level: "silent" }),
    retry: { retries: 6, baseMs: 5, maxMs: 20, ...options.retry },
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    onEvent: (e) => events.push(e),
  });
  try {
    await body(forwarder, r, events);
  } finally {
    // Shutdown abandons what is undelivered after its grace instead of waiting on the receiver.
    await forwarder.close(50);
    await r.close();
  }
  return events;
}

describe("keeper/observability/webhook", () => {
  it("delivers every alert once and in order after a receiver that failed recovers", async () => {
    // 503 for the first three requests (a collector restarting), then 200.
    await withForwarder(
      (n, res) => res.writeHead(n <= 3 ? 503 : 200).end(),
      {},
      async (forwarder, r, events) => {
        for (const i of [1, 2, 3]) forwarder.forward(alert(i));
        await forwarder.idle();
        expect(r.bodies).to.deep.equal(delivered(1, 2, 3));
        expect(r.requests.length).to.equal(6);
        expect(r.requests.every((q) => q.method === "POST" && q.contentType === "application/json")).to.equal(true);
        expect(events.filter((e) => e.kind === "forwarded")).to.have.length(3);
        expect(dropped(events)).to.have.length(0);
        expect(forwarder.pending).to.equal(0);
      },
    );
  });

  it("gives an alert up after its last retry, counted, and goes on with the next", async () => {
    const respond = (n: number, res: ServerResponse): void => void res.writeHead(n <= 3 ? 500 : 200).end();
    await withForwarder(respond, { retry: { retries: 2 } }, async (forwarder, r, events) => {
      forwarder.forward(alert(1));
      forwarder.forward(alert(2));
      await forwarder.idle();
      expect(dropped(events)).to.deep.equal([{ kind: "dropped", reason: "failed" }]);
      expect(r.bodies).to.deep.equal(delivered(2));
    });
  });

  it("does not retry a refusal (HTTP 400)", async () => {
    await withForwarder(
      (n, res) => res.writeHead(n === 1 ? 400 : 200).end(),
      {},
      async (forwarder, r, events) => {
        forwarder.forward(alert(1));
        forwarder.forward(alert(2));
        await forwarder.idle();
        expect(r.requests.length).to.equal(2);
        expect(dropped(events)).to.deep.equal([{ kind: "dropped", reason: "failed" }]);
        expect(r.bodies).to.deep.equal(delivered(2));
      },
    );
  });

  it("never holds up the caller on a hanging receiver; a full queue drops its oldest alert", async () => {
    const hanging: ServerResponse[] = [];
    const events = await withForwarder(
      (_n, res) => void hanging.push(res),
      { maxQueue: 3, timeoutMs: 60_000 },
      async (forwarder, _r, seen) => {
        // forward() returns before any request is answered: six alerts, one in flight and three
        // waiting at most, so the two oldest waiting ones (2 and 3) are dropped.
        for (const i of [1, 2, 3, 4, 5, 6]) forwarder.forward(alert(i));
        expect(forwarder.pending).to.equal(4);
        expect(dropped(seen)).to.deep.equal(Array(2).fill({ kind: "dropped", reason: "queue-full" }));
      },
    );
    for (const res of hanging) res.end();
    expect(events.filter((e) => e.kind === "forwarded")).to.have.length(0);
  });
});
