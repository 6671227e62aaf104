// Message bus and analytics kernels: publish → handled throughput of the in-process bus and of
// NATS JetStream (a local nats-server started for the run), and the cost of the metric functions.
import { performance } from "node:perf_hooks";
import { formatMs, medianMs, type BenchModule, type BenchTable } from "./harness.ts";
import { InProcessBus } from "../src/bus/inProcessBus.ts";
import type { MessageBus } from "../src/bus/messageBus.ts";
import { NatsJetStreamBus } from "../src/bus/natsJetStreamBus.ts";
import { maxDrawdown, sharpeRatio, sortinoRatio, trackingError } from "../src/analytics/returnMetrics.ts";
import { riskContributions } from "../src/optimizer/riskParity/riskContributions.ts";
import { startNatsServer } from "../test/helpers/natsServer.ts";

let round = 0;

/** Wall time (ms) to publish `n` signals and have a 2-member durable group handle all of them. */
async function roundTrip(bus: MessageBus, peer: MessageBus, n: number): Promise<number> {
  round += 1;
  const group = `bench${round}`;
  let handled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onMessage = (): void => {
    handled += 1;
    if (handled === n) done();
  };
  const subs = [
    await bus.subscribe("ai.rebalance", onMessage, { durable: group, deliver: "new" }),
    await peer.subscribe("ai.rebalance", onMessage, { durable: group, deliver: "new" }),
  ];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      bus.publish("ai.rebalance", {
        portfolio: "0xbench",
        reason: "bench",
        requestedAt: "2026-11-24T00:00:00Z",
        id: `${group}-${i}`,
      }),
    ),
  );
  await finished;
  const elapsed = performance.now() - start;
  await Promise.all(subs.map((s) => s.close()));
  return elapsed;
}

async function busTable(): Promise<BenchTable> {
  const n = 500;
  const rows: string[][] = [];
  const memory = new InProcessBus({ historyLimit: 1000 });
  const memoryMs = await medianMs(() => roundTrip(memory, memory, n).then(() => undefined), { runs: 5 });
  await memory.close();
  rows.push(["InProcessBus", String(n), formatMs(memoryMs), ((n / memoryMs) * 1000).toFixed(0), "1.0"]);
  const notes: string[] = [];
  try {
    const server = await startNatsServer();
    try {
      const options = { servers: server.url, stream: "BENCH", subjectPrefix: "bench." };
      const a = await NatsJetStreamBus.connect(options);
      const b = await NatsJetStreamBus.connect(options);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await roundTrip(a, b, n));
      times.sort((x, y) => x - y);
      const natsMs = times[1] as number;
      rows.push([
        "NatsJetStreamBus (local server, 2 connections)",
        String(n),
        formatMs(natsMs),
        ((n / natsMs) * 1000).toFixed(0),
        (natsMs / memoryMs).toFixed(1),
      ]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await server.stop();
    }
  } catch (error) {
    notes.push(`NATS not measured: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    title: "Message bus: publish → handled by a durable group of 2",
    description: `${n} RebalanceSignals published concurrently, wall time until every one is acknowledged (median; NATS: median of 3, file storage, explicit acks).`,
    columns: ["bus", "messages", "ms", "messages/s", "× in-process"],
    rows,
    notes,
  };
}

async function metricsTable(): Promise<BenchTable> {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const periods = 2520; // ten years of trading days
  const r = Float64Array.from({ length: periods }, () => (random() - 0.5) * 0.04);
  const b = Float64Array.from({ length: periods }, () => (random() - 0.5) * 0.03);
  const n = 100;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = i === j ? 0.04 : 0.01;
  const w = new Float64Array(n).fill(1 / n);
  const rows: string[][] = [];
  for (const [name, fn] of [
    ["sharpeRatio, 2520 periods", () => sharpeRatio(r)],
    ["sortinoRatio, 2520 periods", () => sortinoRatio(r)],
    ["trackingError, 2520 periods", () => trackingError(r, b)],
    ["maxDrawdown, 2520 periods", () => maxDrawdown(r)],
    ["riskContributions, 100 assets", () => riskContributions(w, { n, data })],
  ] as const) {
    rows.push([name, formatMs(await medianMs(fn, { runs: 21, warmup: 3 }))]);
  }
  return {
    title: "Analytics kernels",
    description: "Median wall time of one call, 21 runs after 3 warm-ups.",
    columns: ["metric", "ms"],
    rows,
  };
}

export const busBench: BenchModule = {
  name: "bus",
  async run(): Promise<readonly BenchTable[]> {
    return [await busTable(), await metricsTable()];
  },
};
