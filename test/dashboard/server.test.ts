import { expect } from "chai";
import { request } from "node:http";
import type { SnapshotEvent } from "../../src/dashboard/page.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.ts";
import type { DashboardSnapshot, SnapshotSource } from "../../src/dashboard/snapshot.ts";
import { MemorySnapshotSource } from "../../src/dashboard/sources.ts";
import { InputError } from "../../src/errors.ts";
import { DRIFT_ALERT, eventReader, loadFixture } from "./helpers.ts";

describe("dashboard/server", function () {
  // The first start bundles the chart library with esbuild (about a second).
  this.timeout(30_000);
  let dashboard: Dashboard | undefined;
  afterEach(async () => {
    await dashboard?.close();
    dashboard = undefined;
  });

  it("serves the page, the snapshot JSON and the bundled scripts", async () => {
    const source = new MemorySnapshotSource(loadFixture());
    dashboard = await startDashboard({ source, port: 0 });
    expect(dashboard.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await fetch(dashboard.url);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).to.contain("script-src 'self'");
    const html = await page.text();
    expect(html).to.contain('<h2 id="h-weights">Weights vs targets</h2>');
    expect(html).to.contain('data-testid="weight-current-WETH">33.95%<');

    const api = await fetch(new URL("api/snapshot", dashboard.url));
    expect(api.status).to.equal(200);
    expect(await api.json()).to.deep.equal(loadFixture());

    const plot = await fetch(new URL("plot.js", dashboard.url));
    expect(plot.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
    const plotCode = await plot.text();
    expect(plotCode.length).to.be.greaterThan(100_000);
    expect(plotCode).to.match(/export\s*\{/);
    const app = await (await fetch(new URL("app.js", dashboard.url))).text();
    expect(app).to.match(/from\s*"\/plot\.js"/);
  });

  it("answers unknown paths with 404 and other methods with 405", async () => {
    dashboard = await startDashboard({ source: new MemorySnapshotSource(loadFixture()), port: 0 });
    expect((await fetch(new URL("nope", dashboard.url))).status).to.equal(404);
    const post = await fetch(new URL("api/snapshot", dashboard.url), { method: "POST", body: "{}" });
    expect(post.status).to.equal(405);
    expect(post.headers.get("allow")).to.equal("GET, HEAD");
  });

  it("refuses requests addressed to a non-loopback host name (DNS rebinding)", async () => {
    dashboard = await startDashboard({ source: new MemorySnapshotSource(loadFixture()), port: 0 });
    const { port } = new URL(dashboard.url);
    const statusFor = (host: string): Promise<number | undefined> =>
      new Promise((resolve, reject) => {
        request({ host: "127.0.0.1", port, path: "/api/snapshot", headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on("error", reject)
          .end();
      });
    expect(await statusFor(`evil.example:${port}`)).to.equal(403);
    expect(await statusFor(`localhost:${port}`)).to.equal(200);
    expect(await statusFor(`127.0.0.1:${port}`)).to.equal(200);
  });

  it("reports a failing source with 503 and the error, and keeps serving", async () => {
    let fail = true;
    const fixture = loadFixture();
    const source: SnapshotSource = {
      snapshot: () =>
        fail
          ? Promise.reject(new InputError("SNAPSHOT_INVALID", "expected a number", "snap.json:weights.0.weight"))
          : Promise.resolve(fixture),
    };
    dashboard = await startDashboard({ source, port: 0 });
    const api = await fetch(new URL("api/snapshot", dashboard.url));
    expect(api.status).to.equal(503);
    expect(await api.json()).to.deep.equal({
      error: { code: "SNAPSHOT_INVALID", message: "snap.json:weights.0.weight: expected a number" },
    });
    const page = await fetch(dashboard.url);
    expect(page.status).to.equal(503);
    expect(await page.text()).to.contain("snap.json:weights.0.weight: expected a number");
    fail = false;
    expect((await fetch(dashboard.url)).status).to.equal(200);
  });

  it("streams a snapshot on connect and pushes a new one when the source changes", async () => {
    const source = new MemorySnapshotSource(loadFixture());
    dashboard = await startDashboard({ source, port: 0, intervalMs: 60_000 });
    const response = await fetch(new URL("events", dashboard.url));
    expect(response.headers.get("content-type")).to.equal("text/event-stream; charset=utf-8");
    const events = eventReader(response);
    const first = JSON.parse(await events.next("snapshot")) as SnapshotEvent;
    source.update((s) => ({ ...s, alerts: [DRIFT_ALERT, ...(s.alerts ?? [])] }));
    const second = JSON.parse(await events.next("snapshot")) as SnapshotEvent;
    await events.close();
    expect(first.snapshot.alerts).to.have.length(1);
    expect(second.snapshot.alerts?.[0]).to.deep.equal(DRIFT_ALERT);
    expect(second.panels.alerts).to.contain("WETH drifted 6.10% from target");
    expect(second.panels.alerts).to.contain('data-testid="alert-0-value">6.10% (limit 5.00%)<');
  });

  it("pushes a fresh snapshot every interval", async () => {
    let calls = 0;
    const fixture = loadFixture();
    const source: SnapshotSource = {
      snapshot: (): Promise<DashboardSnapshot> => {
        calls += 1;
        return Promise.resolve({ ...fixture, generatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, calls)).toISOString() });
      },
    };
    dashboard = await startDashboard({ source, port: 0, intervalMs: 50 });
    const response = await fetch(new URL("events", dashboard.url));
    const events = eventReader(response);
    const stamps: string[] = [];
    for (let i = 0; i < 3; i++)
      stamps.push((JSON.parse(await events.next("snapshot")) as SnapshotEvent).snapshot.generatedAt);
    await events.close();
    expect(new Set(stamps).size).to.equal(3);
  });

  it("ends open event streams on close", async () => {
    dashboard = await startDashboard({ source: new MemorySnapshotSource(loadFixture()), port: 0 });
    const response = await fetch(new URL("events", dashboard.url));
    const reader = response.body!.getReader();
    await reader.read();
    await dashboard.close();
    dashboard = undefined;
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).to.equal(true);
  });
});
