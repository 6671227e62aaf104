import { expect } from "chai";
import fc from "fast-check";
import { InProcessLeaseBackend, Leases } from "../../../src/keeper/fleet/lease.ts";

const PERIOD = 1_000;

/** Fleet processes sharing one store and one clock that the test moves. */
function fleet(n: number): { leases: Leases[]; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  const now = (): number => clock.t;
  const backend = new InProcessLeaseBackend(PERIOD, now);
  const leases = Array.from(
    { length: n },
    (_, i) => new Leases({ backend, holder: `p${i}`, account: `0x${i}`, periodMs: PERIOD, now, monotonic: now }),
  );
  return { leases, clock };
}

describe("keeper/fleet/lease", function () {
  it("one holder at a time: taken with create, renewed, refused to others until it expires", async function () {
    const { leases, clock } = fleet(2);
    const [a, b] = leases as [Leases, Leases];
    expect(await a.hold("v1")).to.equal(true);
    expect(await b.hold("v1")).to.equal(false);
    clock.t += PERIOD / 2;
    expect(await a.hold("v1")).to.equal(true); // renewed: a new period from now
    clock.t += PERIOD * 0.9;
    expect(await b.hold("v1")).to.equal(false);
    expect(a.isHeld("v1")).to.equal(true);
    expect((await b.holderOf("v1"))?.holder).to.equal("p0");
    // a dies (stops renewing): a period after its last renewal the lease is b's, and a knows it lost it.
    clock.t += PERIOD * 0.1;
    expect(a.isHeld("v1")).to.equal(false);
    expect(await b.hold("v1")).to.equal(true);
    expect(await a.hold("v1")).to.equal(false);
    expect(a.heldKeys()).to.deep.equal([]);
    expect(b.heldKeys()).to.deep.equal(["v1"]);
  });

  it("a released lease is free at once; members counts the processes heartbeating within a period", async function () {
    const { leases, clock } = fleet(3);
    const [a, b, c] = leases as [Leases, Leases, Leases];
    expect(await a.hold("v1")).to.equal(true);
    await a.release("v1");
    expect(a.isHeld("v1")).to.equal(false);
    expect(await b.hold("v1")).to.equal(true);
    expect(await a.members()).to.equal(1);
    expect(await b.members()).to.equal(2);
    expect(await c.members()).to.equal(3);
    clock.t += PERIOD;
    expect(await a.members()).to.equal(1);
  });

  it("never two holders of one key at once, whatever the interleaving of holds, releases and time", async function () {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("hold" as const),
        who: fc.integer({ min: 0, max: 2 }),
        key: fc.integer({ min: 0, max: 1 }),
      }),
      fc.record({
        kind: fc.constant("release" as const),
        who: fc.integer({ min: 0, max: 2 }),
        key: fc.integer({ min: 0, max: 1 }),
      }),
      fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const { leases, clock } = fleet(3);
        for (const o of ops) {
          if (o.kind === "wait") clock.t += o.ms;
          else if (o.kind === "hold") await leases[o.who]!.hold(`v${o.key}`);
          else await leases[o.who]!.release(`v${o.key}`);
          for (const key of ["v0", "v1"]) {
            expect(leases.filter((l) => l.isHeld(key)).length).to.be.at.most(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
