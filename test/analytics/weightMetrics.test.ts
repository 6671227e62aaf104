import { expect } from "chai";
import { expectClose } from "./expectClose.ts";
import fc from "fast-check";
import { UNGROUPED, riskByGroups, riskBySector, weightDrift } from "../../src/analytics/weightMetrics.ts";
import { inputErrorOf as errorOf } from "../helpers/expect.ts";

const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe("analytics/weightMetrics", () => {
  it("weight drift: max |w − w*| and L1", () => {
    const drift = weightDrift(f64(0.55, 0.3, 0.15), f64(0.5, 0.35, 0.15));
    expectClose(drift.maxAbs, 0.05, 1e-15);
    expectClose(drift.l1, 0.1, 1e-15);
    expect(drift.worstAsset).to.equal(0);
    expect(weightDrift(f64(0.2, 0.8), f64(0.2, 0.8))).to.deep.equal({ maxAbs: 0, l1: 0, worstAsset: 0 });
    const bad = errorOf(() => weightDrift(f64(0.5, 0.5), f64(1)));
    expect([bad.code, bad.path]).to.deep.equal(["VECTOR_LENGTH", "targets"]);
  });

  it("risk by sector sums asset contributions by label", () => {
    const bySector = riskBySector(f64(0.5, 0.3, 0.2), ["tech", "energy", "tech"]);
    expect(Object.keys(bySector)).to.deep.equal(["tech", "energy"]);
    expectClose(bySector.tech, 0.7, 1e-15);
    expectClose(bySector.energy, 0.3, 1e-15);
    expect(errorOf(() => riskBySector(f64(1), ["a", "b"])).path).to.equal("sectors");
    expect(errorOf(() => riskBySector(f64(1), [""])).path).to.equal("sectors[0]");
  });

  it("risk by groups: each group sums its assets, the rest under (ungrouped), overlapping groups each in full", () => {
    const rc = f64(0.5, 0.3, 0.2);
    const assets = ["A", "B", "C"];
    const partition = riskByGroups(rc, assets, [
      { name: "tech", assets: ["A", "C"] },
      { name: "energy", assets: ["B"] },
    ]);
    expect(Object.keys(partition)).to.deep.equal(["tech", "energy"]);
    expectClose(partition.tech, 0.7, 1e-15);
    expectClose(partition.energy, 0.3, 1e-15);
    const partial = riskByGroups(rc, assets, [{ name: "tech", assets: ["A"] }]);
    expect(partial).to.deep.equal({ tech: 0.5, [UNGROUPED]: 0.5 });
    const overlap = riskByGroups(rc, assets, [
      { name: "tech", assets: ["A", "B"] },
      { name: "large", assets: ["B", "C"] },
    ]);
    expectClose(overlap.tech, 0.8, 1e-15);
    expectClose(overlap.large, 0.5, 1e-15);
    expect(overlap[UNGROUPED]).to.equal(undefined);
    const unknown = errorOf(() => riskByGroups(rc, assets, [{ name: "x", assets: ["A", "Z"] }]));
    expect([unknown.code, unknown.path]).to.deep.equal(["GROUP_ASSET_UNKNOWN", "groups[0].assets[1]"]);
    expect(errorOf(() => riskByGroups(rc, assets, [{ name: "", assets: ["A"] }])).path).to.equal("groups[0].name");
    expect(errorOf(() => riskByGroups(rc, ["A"], [])).path).to.equal("relative");
  });

  it("property: groups that partition the assets share all the risk", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
        (raw, labels) => {
          const rc = Float64Array.from(raw);
          const assets = raw.map((_x, i) => `a${i}`);
          const groups = [0, 1, 2, 3]
            .map((g) => ({ name: `g${g}`, assets: assets.filter((_a, i) => labels[i] === g) }))
            .filter((g) => g.assets.length > 0);
          const sum = Object.values(riskByGroups(rc, assets, groups)).reduce((s, x) => s + x, 0);
          return Math.abs(sum - raw.reduce((s, x) => s + x, 0)) < 1e-12;
        },
      ),
    );
  });

  it("property: L1 drift lies between max drift and n · max drift", () => {
    const pair = fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(pair, ([w, t]) => {
        const { maxAbs, l1 } = weightDrift(Float64Array.from(w), Float64Array.from(t));
        return l1 >= maxAbs - 1e-15 && l1 <= w.length * maxAbs + 1e-15;
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
