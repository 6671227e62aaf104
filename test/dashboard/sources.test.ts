import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, custom, type PublicClient } from "viem";
import { ChainSnapshotSource } from "../../src/dashboard/chainSource.ts";
import { emptySnapshot } from "../../src/dashboard/snapshot.ts";
import { FileSnapshotSource, MemorySnapshotSource } from "../../src/dashboard/sources.ts";
import { InputError } from "../../src/errors.ts";
import { DRIFT_ALERT, FIXTURE_PATH, loadFixture } from "./helpers.ts";

const NOW = new Date("2026-11-24T01:00:00Z");

describe("dashboard/sources", () => {
  it("FileSnapshotSource re-reads and re-validates the file on every call", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dash-src-"));
    const path = join(dir, "snap.json");
    const fixture = loadFixture();
    writeFileSync(path, JSON.stringify(fixture));
    const source = new FileSnapshotSource(path);
    expect(await source.snapshot()).to.deep.equal(fixture);
    writeFileSync(path, JSON.stringify({ ...fixture, alerts: [] }));
    expect((await source.snapshot()).alerts).to.deep.equal([]);
    writeFileSync(path, JSON.stringify({ ...fixture, alerts: [{ ...DRIFT_ALERT, severity: "panic" }] }));
    const error = await source.snapshot().catch((e: unknown) => e);
    expect(error)
      .to.be.instanceOf(InputError)
      .and.to.include({ path: `${path}:alerts.0.severity` });
    expect(await new FileSnapshotSource(FIXTURE_PATH).snapshot()).to.deep.equal(fixture);
  });

  it("MemorySnapshotSource stamps updates, notifies listeners and keeps the newest alerts", async () => {
    const source = new MemorySnapshotSource(emptySnapshot({ id: "p", address: null, chainId: null }));
    let notified = 0;
    const unsubscribe = source.subscribe(() => (notified += 1));
    for (let i = 0; i < 4; i++) source.pushAlert({ ...DRIFT_ALERT, message: `m${i}` }, 3, NOW);
    const snap = await source.snapshot();
    expect(snap.alerts?.map((a) => a.message)).to.deep.equal(["m3", "m2", "m1"]);
    expect(snap.generatedAt).to.equal(NOW.toISOString());
    expect(notified).to.equal(4);
    unsubscribe();
    source.pushAlert(DRIFT_ALERT);
    expect(notified).to.equal(4);
  });

  it("MemorySnapshotSource feeds ChainSnapshotSource's hooks for the sections the chain lacks", async () => {
    const fixture = loadFixture();
    const analytics = new MemorySnapshotSource({ ...fixture, parameters: null, audit: null });
    const client = createPublicClient({
      transport: custom({ request: () => Promise.reject(new Error("no chain reads expected")) }),
    }) as PublicClient;
    const source = new ChainSnapshotSource({
      client,
      portfolio: fixture.portfolio,
      hooks: analytics.hooks(),
      subscribe: (listener) => analytics.subscribe(listener),
      now: () => NOW,
    });
    let notified = 0;
    source.subscribe(() => (notified += 1));
    analytics.pushAlert(DRIFT_ALERT);
    const snap = await source.snapshot();
    expect(notified).to.equal(1);
    expect(snap.alerts?.[0]).to.deep.equal(DRIFT_ALERT);
    expect(snap.weights).to.deep.equal(fixture.weights);
    expect(snap.settlements).to.deep.equal(fixture.settlements);
    expect(snap.metrics).to.deep.equal(fixture.metrics);
    expect(snap.parameters).to.equal(null);
    expect(snap.generatedAt).to.equal(NOW.toISOString());
  });
});
