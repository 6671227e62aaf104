// A real keeper cycle through runKeeperLoop on a `hardhat node`, observed: Prometheus scraped over
// HTTP and its exposition parsed, the alerts the cycle raised received by a UDP syslog receiver and
// a webhook receiver, each checked against the chain and the bus.
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { InProcessBus } from "../../../src/bus/inProcessBus.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { MemoryNonceStore } from "../../../src/views/nonceStore.ts";
import type { Alert } from "../../../src/bus/topics.ts";
import { runKeeperLoop, type TriggeredReport } from "../../../src/keeper/loop/runLoop.ts";
import { METRIC_PREFIX } from "../../../src/keeper/observability/metrics.ts";
import { startKeeperObservability } from "../../../src/keeper/observability/observe.ts";
import { expectNear } from "../../helpers/expect.ts";
import { cycleContext } from "../../helpers/cycleContext.ts";
import { HARDHAT_ACCOUNT_0_KEY, freePort, hardhatNode, type HardhatNode } from "../../helpers/hardhatNode.ts";
import { deployKeeperSystem } from "../../helpers/keeperSystem.ts";
import { parseExposition, sampleValue } from "./exposition.ts";
import { parse5424, udpReceiver, webhookReceiver } from "./receivers.ts";

const m = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;

describe("keeper/observability/observe (hardhat node)", function () {
  this.timeout(180_000);
  let node: HardhatNode;

  before(async () => {
    node = await hardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("serves the metrics of a settled cycle on /metrics and forwards its alerts to syslog and a webhook", async () => {
    const sys = await deployKeeperSystem(node);
    // Any post-trade drift at all alerts, so the cycle raises at least one alert to forward.
    const base = cycleContext(sys, node.url, 0, { postTradeDriftThreshold: 0 });
    const syslog = await udpReceiver();
    const hook = await webhookReceiver((_n, res) => res.writeHead(204).end());
    const obs = await startKeeperObservability({
      config: {
        metrics: { port: 0, host: "127.0.0.1" },
        syslog: { protocol: "udp", host: "127.0.0.1", port: syslog.port },
        webhook: hook.url,
      },
      portfolio: base.deployment.vault,
      client: base.client,
      logger: base.logger,
      forwarding: { retry: { retries: 5, baseMs: 10, maxMs: 50 } },
      syslogHeader: { hostname: "keeper-test", procId: "7" },
    });
    const shutdown = new AbortController();
    const bus = obs.observeBus(base.bus);
    const reports: TriggeredReport[] = [];
    try {
      await runKeeperLoop({
        ctx: { ...base, bus, signal: shutdown.signal },
        bus,
        intervalMs: 60_000,
        onReport: (r) => reports.push(r),
        onEvaluated: (evaluation) => {
          obs.onEvaluated(evaluation);
          // The first evaluation fires the calendar trigger ("no rebalance recorded yet"): one cycle.
          if (evaluation.cycleRan) shutdown.abort();
        },
      });
      await obs.idle();
      const [report] = reports;
      expect(report?.status).to.equal("settled");

      const response = await fetch(obs.server!.url);
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
      const page = parseExposition(await response.text());
      const p = { portfolio: base.deployment.vault };
      expect(sampleValue(page, m("cycles_total"), { ...p, outcome: "settled" })).to.equal(1);
      expect(sampleValue(page, m("evaluations_total"), { ...p, outcome: "settled" })).to.equal(1);
      expect(sampleValue(page, m("cycle_duration_seconds_count"), { ...p, outcome: "settled" })).to.equal(1);
      expect(sampleValue(page, m("cycle_duration_seconds_sum"), { ...p, outcome: "settled" })).to.be.greaterThan(0);
      expect(sampleValue(page, m("solver_iterations_sum"), p)).to.equal(report!.iterations);
      expect(sampleValue(page, m("last_settled_block"), p)).to.equal(Number(report!.blockNumber));
      expect(sampleValue(page, m("last_settled_timestamp_seconds"), p)).to.equal(report!.chainTimestamp);

      // Gas: the settlement transaction's own receipt.
      const receipt = await base.client.getTransactionReceipt({ hash: report!.txHash! });
      expect(sampleValue(page, m("settlement_gas_used_count"), { ...p, status: "settled" })).to.equal(1);
      expect(sampleValue(page, m("settlement_gas_used_sum"), { ...p, status: "settled" })).to.equal(
        Number(receipt.gasUsed),
      );

      // Slippage: one observation per settled leg, the values the cycle published.
      const [published] = await base.bus.history("analytics.portfolio");
      const legs = published!.payload.slippage ?? [];
      expect(legs).to.have.length(report!.legs);
      expect(sampleValue(page, m("slippage_bps_count"), p)).to.equal(legs.length);
      expectNear(
        sampleValue(page, m("slippage_bps_sum"), p),
        legs.reduce((sum, leg) => sum + leg.bps, 0),
        1e-9,
      );

      // Alerts: the counter by kind and severity, and each sink got every alert the bus holds.
      const alerts: Alert[] = (await base.bus.history("alerts")).map((a) => a.payload);
      expect(alerts.some((a) => a.kind === "drift")).to.equal(true);
      for (const a of alerts) {
        const same = alerts.filter((b) => b.kind === a.kind && b.severity === a.severity).length;
        expect(sampleValue(page, m("alerts_total"), { ...p, kind: a.kind, severity: a.severity })).to.equal(same);
      }
      expect(sampleValue(page, m("siem_forwarded_total"), { ...p, sink: "webhook" })).to.equal(alerts.length);
      expect(sampleValue(page, m("siem_forwarded_total"), { ...p, sink: "syslog" })).to.equal(alerts.length);
      const lines = syslog.got.map(parse5424);
      expect(lines.map((l) => l.msg)).to.deep.equal(alerts);
      for (const [i, line] of lines.entries()) {
        expect(line.appName).to.equal("portfolio-keeper");
        expect(line.hostname).to.equal("keeper-test");
        expect(line.msgId).to.equal(alerts[i]!.kind);
        expect(line.severity).to.equal({ critical: 2, warning: 4, info: 6 }[alerts[i]!.severity]);
      }
      expect(hook.bodies).to.deep.equal(alerts.map((alert) => ({ source: "portfolio-keeper", alert })));
    } finally {
      await obs.close(1_000);
      await syslog.close();
      await hook.close();
      await base.bus.close();
    }
    // Closed means closed: nothing listens on the port any more.
    const refused = await fetch(obs.server!.url).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
  });

  it("counts a cycle that fails (its bundle is missing) as failed, and the loop backs off", async () => {
    const sys = await deployKeeperSystem(node);
    const base = cycleContext(sys, node.url, 0, { bundlePath: `${sys.bundlePath}.missing` });
    const obs = await startKeeperObservability({
      config: {},
      portfolio: base.deployment.vault,
      client: base.client,
      logger: base.logger,
    });
    const bus = obs.observeBus(base.bus);
    const shutdown = new AbortController();
    const seen: { outcome: string; cycleRan: boolean; code: unknown }[] = [];
    try {
      await runKeeperLoop({
        ctx: { ...base, bus, signal: shutdown.signal },
        bus,
        intervalMs: 60_000,
        onReport: () => undefined,
        onEvaluated: (evaluation) => {
          obs.onEvaluated(evaluation);
          const { outcome, cycleRan, error } = evaluation;
          seen.push({ outcome, cycleRan, code: (error as { code?: unknown } | undefined)?.code });
          // The second evaluation comes after the failure backoff (1 s), not after the 60 s interval.
          if (seen.length === 2) shutdown.abort();
        },
      });
      expect(seen).to.deep.equal([
        { outcome: "failed", cycleRan: true, code: "BUNDLE_MISSING" },
        { outcome: "failed", cycleRan: true, code: "BUNDLE_MISSING" },
      ]);
      const page = parseExposition(await obs.metrics.registry.metrics());
      const p = { portfolio: base.deployment.vault };
      expect(sampleValue(page, m("cycles_total"), { ...p, outcome: "failed" })).to.equal(2);
      expect(sampleValue(page, m("cycle_duration_seconds_count"), { ...p, outcome: "failed" })).to.equal(2);
    } finally {
      await obs.close();
      await base.bus.close();
    }
  });

  it("counts an evaluation that fails on a dead node as failed, with no cycle", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keeper-observe-"));
    const address = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, "0")}`;
    const dead = `http://127.0.0.1:${await freePort()}`;
    const client = createPublicClient({ transport: http(dead, { retryCount: 0 }) }) as PublicClient;
    const logger = createKeeperLogger({ level: "silent" });
    const vault = address(2);
    const obs = await startKeeperObservability({ config: {}, portfolio: vault, client, logger });
    const bus = obs.observeBus(new InProcessBus());
    const shutdown = new AbortController();
    try {
      await runKeeperLoop({
        ctx: {
          client,
          account: privateKeyToAccount(HARDHAT_ACCOUNT_0_KEY),
          deployment: { settlement: address(1), vault, venue: address(3) },
          pricesPath: join(dir, "prices.csv"),
          bundlePath: join(dir, "optimizer.mjs"),
          inputsDir: join(dir, "inputs"),
          nonces: new MemoryNonceStore(),
          logger,
          bus,
          retry: { retries: 0 },
          signal: shutdown.signal,
        },
        bus,
        intervalMs: 60_000,
        onReport: () => undefined,
        onEvaluated: (evaluation) => {
          obs.onEvaluated(evaluation);
          expect(evaluation.error).to.be.instanceOf(Error);
          shutdown.abort();
        },
      });
      const page = parseExposition(await obs.metrics.registry.metrics());
      expect(sampleValue(page, m("evaluations_total"), { portfolio: vault, outcome: "failed" })).to.equal(1);
      expect(page.samples.filter((x) => x.name === m("cycles_total"))).to.deep.equal([]);
      expect(obs.server).to.equal(undefined);
    } finally {
      await obs.close();
      await bus.close();
    }
  });
});
