import { expect } from "chai";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import type { MessageBus } from "../../../src/bus/messageBus.ts";
import type { Alert, Topic } from "../../../src/bus/topics.ts";
import { InputError } from "../../../src/errors.ts";
import { tapPublishes } from "../../../src/keeper/observability/busTap.ts";

const ALERT: Alert = {
  kind: "keeper",
  severity: "critical",
  message: "3 cycles failed",
  at: new Date(0).toISOString(),
};

describe("keeper/observability/busTap", () => {
  it("shows each valid publish to the observer and still publishes it; subscribers see it as before", async () => {
    const inner = new InProcessBus();
    const seen: [Topic, unknown][] = [];
    const bus = tapPublishes(inner, (topic, payload) => void seen.push([topic, payload]));
    const got: Alert[] = [];
    const sub = await bus.subscribe("alerts", (m) => void got.push(m.payload), { deliver: "all" });
    try {
      await bus.publish("alerts", ALERT);
      for (let waited = 0; got.length === 0 && waited < 2_000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      expect(seen).to.deep.equal([["alerts", ALERT]]);
      expect(got).to.deep.equal([ALERT]);
      expect((await bus.history("alerts")).map((m) => m.payload)).to.deep.equal([ALERT]);
    } finally {
      await sub.close();
      await bus.close();
    }
  });

  it("does not observe an invalid payload, which the bus still refuses", async () => {
    const seen: unknown[] = [];
    const bus = tapPublishes(new InProcessBus(), (_t, payload) => void seen.push(payload));
    const error = await bus
      .publish("alerts", { ...ALERT, severity: "loud" } as unknown as Alert)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InputError);
    expect(seen).to.deep.equal([]);
    await bus.close();
  });

  it("observes an alert even when the bus cannot store it (a NATS outage still reaches the SIEM)", async () => {
    const seen: unknown[] = [];
    const down: MessageBus = {
      publish: () => Promise.reject(new Error("nats: disconnected")),
      subscribe: () => Promise.reject(new Error("nats: disconnected")),
      history: () => Promise.reject(new Error("nats: disconnected")),
      close: () => Promise.resolve(),
    };
    const bus = tapPublishes(down, (_t, payload) => void seen.push(payload));
    const error = await bus.publish("alerts", ALERT).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.equal("nats: disconnected");
    expect(seen).to.deep.equal([ALERT]);
  });

  it("publishes even when the observer throws", async () => {
    const bus = tapPublishes(new InProcessBus(), () => {
      throw new Error("observer bug");
    });
    const receipt = await bus.publish("alerts", ALERT);
    expect(receipt.duplicate).to.equal(false);
    await bus.close();
  });
});
