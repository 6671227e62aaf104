// The webhook sink against a real node:http receiver on loopback, behind the forwarder's queue: a
// receiver that fails and then recovers gets every alert once, in order; a refusal is not retried;
// a hanging receiver never holds up forward(), and the bounded queue drops the oldest.
import { expect } from "chai";
import type { ServerResponse } from "node:http";
import type { Alert } from "../../../src/bus/topics.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { AlertForwarder } from "../../../src/keeper/observability/forwarder.ts";
import type { SiemEvent } from "../../../src/keeper/observability/metrics.ts";
import { webhookSender } from "../../../src/keeper/observability/webhook.ts";
import { webhookReceiver as receiver } from "./receivers.ts";

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

const logger = createKeeperLogger({ level: "silent" });
const fast = { retries: 6, baseMs: 5, maxMs: 20 };

describe("keeper/observability/webhook", () => {
  it("delivers every alert once and in order after a receiver that failed recovers", async () => {
    // 503 for the first three requests (a collector restarting), then 200.
    const r = await receiver((n, res) => res.writeHead(n <= 3 ? 503 : 200).end());
    const events: SiemEvent[] = [];
    const forwarder = new AlertForwarder({
      sender: webhookSender(r.url),
      logger,
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    try {
      for (const i of [1, 2, 3]) forwarder.forward(alert(i));
      await forwarder.idle();
      expect(r.bodies).to.deep.equal([1, 2, 3].map((i) => ({ source: "portfolio-keeper", alert: alert(i) })));
      expect(r.requests.length).to.equal(6);
      expect(r.requests.every((q) => q.method === "POST" && q.contentType === "application/json")).to.equal(true);
      expect(events.filter((e) => e.kind === "forwarded")).to.have.length(3);
      expect(events.filter((e) => e.kind === "dropped")).to.have.length(0);
      expect(forwarder.pending).to.equal(0);
    } finally {
      await forwarder.close(100);
      await r.close();
    }
  });

  it("gives an alert up after its last retry, counted, and goes on with the next", async () => {
    const r = await receiver((n, res) => res.writeHead(n <= 3 ? 500 : 200).end());
    const events: SiemEvent[] = [];
    const forwarder = new AlertForwarder({
      sender: webhookSender(r.url),
      logger,
      retry: { ...fast, retries: 2 },
      onEvent: (e) => events.push(e),
    });
    try {
      forwarder.forward(alert(1));
      forwarder.forward(alert(2));
      await forwarder.idle();
      expect(events.filter((e) => e.kind === "dropped")).to.deep.equal([{ kind: "dropped", reason: "failed" }]);
      expect(r.bodies).to.deep.equal([{ source: "portfolio-keeper", alert: alert(2) }]);
    } finally {
      await forwarder.close(100);
      await r.close();
    }
  });

  it("does not retry a refusal (HTTP 400)", async () => {
    const r = await receiver((n, res) => res.writeHead(n === 1 ? 400 : 200).end());
    const events: SiemEvent[] = [];
    const forwarder = new AlertForwarder({
      sender: webhookSender(r.url),
      logger,
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    try {
      forwarder.forward(alert(1));
      forwarder.forward(alert(2));
      await forwarder.idle();
      expect(r.requests.length).to.equal(2);
      expect(events.filter((e) => e.kind === "dropped")).to.deep.equal([{ kind: "dropped", reason: "failed" }]);
      expect(r.bodies).to.deep.equal([{ source: "portfolio-keeper", alert: alert(2) }]);
    } finally {
      await forwarder.close(100);
      await r.close();
    }
  });

  it("never holds up the caller on a hanging receiver; a full queue drops its oldest alert", async () => {
    const hanging: ServerResponse[] = [];
    const r = await receiver((_n, res) => void hanging.push(res));
    const events: SiemEvent[] = [];
    const forwarder = new AlertForwarder({
      sender: webhookSender(r.url, 60_000),
      logger,
      maxQueue: 3,
      retry: fast,
      onEvent: (e) => events.push(e),
    });
    try {
      // forward() returns before any request is answered: six alerts into a queue of three.
      for (const i of [1, 2, 3, 4, 5, 6]) forwarder.forward(alert(i));
      expect(forwarder.pending).to.equal(3);
      expect(events.filter((e) => e.kind === "dropped")).to.have.length(3);
      expect(events.every((e) => e.kind !== "dropped" || e.reason === "queue-full")).to.equal(true);
    } finally {
      // Shutdown abandons the undelivered alerts after its grace instead of waiting on the receiver.
      await forwarder.close(50);
      for (const res of hanging) res.end();
      await r.close();
    }
    expect(events.filter((e) => e.kind === "forwarded")).to.have.length(0);
  });
});
