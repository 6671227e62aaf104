import { expect } from "chai";
import fc from "fast-check";
import { OrphanWatch } from "../../../src/keeper/fleet/orphans.ts";

describe("keeper/fleet/orphans", function () {
  it("a portfolio is orphaned once seen unheld at every observation for a whole period", function () {
    const orphans = new OrphanWatch(1000);
    orphans.observe("a", false, 0);
    expect(orphans.isOrphan("a", 999)).to.equal(false);
    orphans.observe("a", false, 500);
    expect(orphans.isOrphan("a", 1000)).to.equal(true);
    expect(orphans.isOrphan("b", 5000), "never observed").to.equal(false);
  });

  it("a live lease seen in between starts the period again; forget clears it", function () {
    const orphans = new OrphanWatch(1000);
    orphans.observe("a", false, 0);
    orphans.observe("a", true, 900);
    orphans.observe("a", false, 950);
    expect(orphans.isOrphan("a", 1500)).to.equal(false);
    expect(orphans.isOrphan("a", 1950)).to.equal(true);
    orphans.forget("a");
    expect(orphans.isOrphan("a", 10_000)).to.equal(false);
  });

  it("orphaned exactly when the last held observation (or the first) is a period or more before now", function () {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 600 }), held: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 2000 }),
        (steps, extra) => {
          const orphans = new OrphanWatch(1000);
          let t = 0;
          let unheldSince: number | undefined;
          for (const { dt, held } of steps) {
            t += dt;
            orphans.observe("k", held, t);
            if (held) unheldSince = undefined;
            else unheldSince ??= t;
          }
          const now = t + extra;
          expect(orphans.isOrphan("k", now)).to.equal(unheldSince !== undefined && now - unheldSince >= 1000);
        },
      ),
    );
  });
});
