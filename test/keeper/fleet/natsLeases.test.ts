// Leases on a real `nats-server -js` (loopback, free port, temp store): exclusive holders, takeover
// once a dead holder's period ran out (the bucket's TTL removes its key), survival of a server
// restart, and the period every process must share.
import { expect } from "chai";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { InputError } from "../../../src/errors.ts";
import { Leases } from "../../../src/keeper/fleet/lease.ts";
import { NatsKvLeaseBackend } from "../../../src/keeper/fleet/natsLeases.ts";
import { startNatsServer, type NatsServer } from "../../helpers/natsServer.ts";

const PERIOD = 1_000;

describe("keeper/fleet/natsLeases (nats-server -js)", function () {
  this.timeout(30_000);
  let nats: NatsServer;
  const connections: NatsConnection[] = [];

  async function leasesFor(holder: string, bucket: string, periodMs = PERIOD): Promise<Leases> {
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    connections.push(nc);
    const backend = await NatsKvLeaseBackend.open(nc, { periodMs, bucket });
    return new Leases({ backend, holder, account: holder, periodMs });
  }

  before(async function () {
    nats = await startNatsServer();
  });
  after(async function () {
    for (const nc of connections) await nc.close().catch(() => undefined);
    await nats.stop();
  });

  it("gives a key to one process; the other takes it over once the holder stopped renewing", async function () {
    const a = await leasesFor("a", "t1");
    const b = await leasesFor("b", "t1");
    const [ga, gb] = await Promise.all([a.hold("0xvault"), b.hold("0xvault")]);
    expect([ga, gb].filter(Boolean)).to.have.length(1);
    const [holder, other] = ga ? [a, b] : [b, a];
    expect((await other.holderOf("0xvault"))?.holder).to.equal(holder.holder);
    // Renewed twice within the period: still the holder's.
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, PERIOD / 2));
      expect(await holder.hold("0xvault")).to.equal(true);
      expect(await other.hold("0xvault")).to.equal(false);
    }
    // The holder dies: the other comes to hold the key (how soon is `npm run bench -- fleet`'s), and
    // the old holder's renewal fails.
    const died = performance.now();
    while (!(await other.hold("0xvault"))) {
      if (performance.now() - died > 15_000) expect.fail("the lease was never taken over");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(holder.isHeld("0xvault")).to.equal(false);
    expect(await holder.hold("0xvault")).to.equal(false);
  });

  it("a released key is free at once; members counts live processes", async function () {
    const a = await leasesFor("a", "t2");
    const b = await leasesFor("b", "t2");
    expect(await a.hold("k")).to.equal(true);
    await a.release("k");
    expect(await b.hold("k")).to.equal(true);
    expect(await a.members()).to.be.at.least(1);
    expect(await b.members()).to.equal(2);
  });

  it("a holder keeps its lease across a server restart when it renews within the period", async function () {
    this.timeout(90_000);
    const a = await leasesFor("a", "t3", 5_000);
    const b = await leasesFor("b", "t3", 5_000);
    expect(await a.hold("k")).to.equal(true);
    await nats.restart();
    let renewed = false;
    for (let i = 0; i < 40 && !renewed; i++) {
      renewed = await a.hold("k").catch(() => false);
      if (!renewed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(renewed).to.equal(true);
    // b's own connection may still be reconnecting (a request then times out: no answer either
    // way); once the store answers it, the answer must be no.
    let bHolds: boolean | undefined;
    for (let i = 0; i < 40 && bHolds === undefined; i++) {
      // The holder keeps renewing meanwhile, as a live fleet process does every third of a period.
      await a.hold("k").catch(() => false);
      bHolds = await b.hold("k").catch(() => undefined);
      if (bHolds === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(bHolds).to.equal(false);
  });

  it("refuses a process whose lease period differs from the bucket's", async function () {
    await leasesFor("a", "t4", 2_000);
    const error = await leasesFor("b", "t4", 3_000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).code).to.equal("FLEET_LEASE_MISMATCH");
    expect((error as InputError).path).to.equal("--lease");
  });
});
