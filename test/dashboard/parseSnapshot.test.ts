import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSnapshot, readSnapshotFile } from "../../src/dashboard/parseSnapshot.ts";
import { emptySnapshot } from "../../src/dashboard/snapshot.ts";
import { InputError } from "../../src/errors.ts";
import { FIXTURE_PATH, loadFixture } from "./helpers.ts";

function rejects(value: unknown): InputError {
  try {
    parseSnapshot(value, "snap.json");
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

describe("dashboard/parseSnapshot", () => {
  it("accepts the settled-rebalance fixture and an empty snapshot", async () => {
    const snap = await readSnapshotFile(FIXTURE_PATH);
    expect(snap.weights).to.have.length(5);
    expect(snap.settlements?.map((s) => s.status)).to.deep.equal(["finalized", "rolled-back", "finalized"]);
    const empty = emptySnapshot({ id: "p", address: null, chainId: null }, new Date("2026-01-01T00:00:00Z"));
    expect(parseSnapshot(JSON.parse(JSON.stringify(empty)), "empty.json")).to.deep.equal(empty);
  });

  it("names the first bad field", () => {
    const good = loadFixture();
    const nan = { ...good, weights: good.weights!.map((w, i) => (i === 2 ? { ...w, target: "0.1" } : w)) };
    const e1 = rejects(nan);
    expect(e1.code).to.equal("SNAPSHOT_INVALID");
    expect(e1.path).to.equal("snap.json:weights.2.target");

    const status = { ...good, settlements: [{ ...good.settlements![0]!, status: "done" }] };
    expect(rejects(status).path).to.equal("snap.json:settlements.0.status");

    const time = { ...good, alerts: [{ ...good.alerts![0]!, at: "yesterday" }] };
    expect(rejects(time).path).to.equal("snap.json:alerts.0.at");

    const extra = { ...good, metrics: { ...good.metrics!, sharpeRatio: 1 } };
    expect(rejects(extra).path).to.equal("snap.json:metrics");

    expect(rejects({ ...good, schemaVersion: 2 }).path).to.equal("snap.json:schemaVersion");
    expect(rejects([]).path).to.equal("snap.json");
  });

  it("reports an unreadable file and malformed JSON as bad input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dash-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const missing = await readSnapshotFile(join(dir, "missing.json")).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(InputError).and.to.include({ code: "SNAPSHOT_UNREADABLE", path: "--snapshot" });
    const malformed = await readSnapshotFile(bad).catch((e: unknown) => e);
    expect(malformed).to.be.instanceOf(InputError).and.to.include({ code: "SNAPSHOT_INVALID", path: bad });
  });
});
