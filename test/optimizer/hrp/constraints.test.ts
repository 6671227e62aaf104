// HRP with constraints: position bounds hold exactly after the clipped bisection, group limits after
// the projection (checked against HiGHS solving the same least-squares problem), the weights do
// not depend on the order the assets are listed in, and impossible constraints are named errors.
import { expect } from "chai";
import fc from "fast-check";
import { InfeasibleError } from "../../../src/errors.ts";
import { hierarchicalRiskParity, type HrpRow } from "../../../src/optimizer/hrp/index.ts";
import { createHighsSolver } from "../../../src/optimizer/qp/highsSolver.ts";
import type { QpProblem } from "../../../src/optimizer/qp/types.ts";
import { expectNear } from "../../helpers/expect.ts";
import { market } from "./markets.ts";

const sum = (w: Float64Array, members?: readonly number[]): number =>
  (members ?? [...w.keys()]).reduce((s, i) => s + w[i]!, 0);

describe("optimizer/hrp: constraints", () => {
  it("keeps every position bound exactly and sums to 1", () => {
    let clipped = 0;
    fc.assert(
      fc.property(
        market(8),
        fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.double({ min: 0.13, max: 0.4, noNaN: true }), { minLength: 8, maxLength: 8 }),
        ({ cov, corr }, lo, hi) => {
          const lower = Float64Array.from(lo);
          const upper = Float64Array.from(hi);
          const r = hierarchicalRiskParity({ n: 8, covariance: cov, correlation: corr, lower, upper });
          if (r.clippedSplits > 0) clipped++;
          expectNear(sum(r.weights), 1, 1e-12);
          r.weights.forEach((w, i) => {
            expect(w).to.be.gte(lower[i]! - 1e-15);
            expect(w).to.be.lte(upper[i]! + 1e-15);
          });
        },
      ),
      { numRuns: 200, seed: 11 },
    );
    expect(clipped, "runs where a bound changed a split").to.be.greaterThan(50);
  });

  it("the default (split by dendrogram) does not depend on the order the assets are listed in, bounds or not", () => {
    fc.assert(
      fc.property(
        market(7),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        ({ cov, corr }, perm, bounded) => {
          const n = 7;
          const upper = bounded ? Float64Array.of(0.3, 0.2, 0.25, 0.3, 0.2, 0.25, 0.3) : undefined;
          const p = (m: Float64Array): Float64Array => {
            const out = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[perm[i]! * n + perm[j]!]!;
            return out;
          };
          const base = hierarchicalRiskParity({ n, covariance: cov, correlation: corr, ...(upper ? { upper } : {}) });
          const permuted = hierarchicalRiskParity({
            n,
            covariance: p(cov),
            correlation: p(corr),
            ...(upper ? { upper: upper.map((_, k) => upper[perm[k]!]!) } : {}),
          });
          const explicit = hierarchicalRiskParity({
            n,
            covariance: cov,
            correlation: corr,
            split: "dendrogram",
            ...(upper ? { upper } : {}),
          });
          expect(explicit.weights).to.deep.equal(base.weights);
          // "Up to ties": equal merge distances leave the tree itself to the order.
          const d = base.tree.map((r) => r.distance);
          fc.pre(d.every((x, k) => k === 0 || x - d[k - 1]! > 1e-9));
          expect(permuted.tree.map((r) => r.distance)).to.deep.equal(d);
          perm.forEach((orig, k) => expectNear(permuted.weights[k]!, base.weights[orig]!, 1e-13));
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });

  it("split: halves (PyPortfolioOpt's): the same clustering in any order, though the leaf order (SciPy's labels) may differ", () => {
    // Why halves is not the default: runs where reordering the assets changed some weight.
    let orderDependent = 0;
    fc.assert(
      fc.property(
        market(6),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        ({ cov, corr }, perm) => {
          const n = 6;
          const p = (m: Float64Array): Float64Array => {
            const out = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[perm[i]! * n + perm[j]!]!;
            return out;
          };
          const base = hierarchicalRiskParity({ n, covariance: cov, correlation: corr, split: "halves" });
          const permuted = hierarchicalRiskParity({ n, covariance: p(cov), correlation: p(corr), split: "halves" });
          expect(permuted.tree.map((r) => r.distance)).to.deep.equal(base.tree.map((r) => r.distance));
          expectNear(
            permuted.weights.reduce((s, w) => s + w, 0),
            1,
            1e-14,
          );
          if (perm.some((orig, k) => Math.abs(permuted.weights[k]! - base.weights[orig]!) > 1e-6)) orderDependent++;
        },
      ),
      { numRuns: 100, seed: 5 },
    );
    expect(orderDependent, "runs whose weights depend on the assets' order").to.be.greaterThan(0);
  });

  it("keeps group limits by the nearest portfolio, as HiGHS finds it", async () => {
    const highs = await createHighsSolver();
    fc.assert(
      fc.property(market(6), fc.double({ min: 0.05, max: 0.3, noNaN: true }), ({ cov, corr }, cap) => {
        const n = 6;
        const free = hierarchicalRiskParity({ n, covariance: cov, correlation: corr });
        const groups: HrpRow[] = [
          {
            name: "groups.a",
            coef: Float64Array.of(1, 1, 1, 0, 0, 0),
            lower: 0,
            upper: Math.min(cap, 0.8 * sum(free.weights, [0, 1, 2])),
          },
          { name: "groups.b", coef: Float64Array.of(0, 0, 0, 1, 1, 0), lower: 0.1, upper: 1 },
        ];
        const r = hierarchicalRiskParity({ n, covariance: cov, correlation: corr, rows: groups });
        expect(r.projected).to.include("groups.a");
        expect(sum(r.weights, [0, 1, 2])).to.be.lte(groups[0]!.upper + 1e-9);
        expect(sum(r.weights, [3, 4])).to.be.gte(0.1 - 1e-9);
        expectNear(sum(r.weights), 1, 1e-9);
        const all = Int32Array.from({ length: n }, (_, i) => i);
        const problem: QpProblem = {
          nx: n,
          nAssets: n,
          assetOf: all,
          signOf: new Float64Array(n).fill(1),
          covariance: {
            kind: "dense",
            n,
            data: Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
          },
          covScale: 1,
          ridge: 0,
          q: free.weights.map((h) => -h),
          lower: new Float64Array(n),
          upper: new Float64Array(n).fill(1),
          rows: [
            { name: "budget", index: all, value: new Float64Array(n).fill(1), lower: 1, upper: 1 },
            ...groups.map((g) => ({ name: g.name, index: all, value: g.coef, lower: g.lower, upper: g.upper })),
          ],
        };
        const second = highs.solve(problem);
        expect(second.status).to.equal("optimal");
        r.weights.forEach((w, i) => expectNear(w, second.x[i]!, 1e-6));
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it("leaves the weights alone when no group limit binds", () => {
    const cov = Float64Array.of(0.04, 0.01, 0, 0.01, 0.09, 0.02, 0, 0.02, 0.16);
    const corr = cov.map((v, k) => v / Math.sqrt(cov[(k % 3) * 4]! * cov[Math.floor(k / 3) * 4]!));
    const free = hierarchicalRiskParity({ n: 3, covariance: cov, correlation: corr });
    const r = hierarchicalRiskParity({
      n: 3,
      covariance: cov,
      correlation: corr,
      rows: [{ name: "groups.g", coef: Float64Array.of(1, 1, 0), lower: 0, upper: 1 }],
    });
    expect(r.projected).to.deep.equal([]);
    expect([...r.weights]).to.deep.equal([...free.weights]);
  });

  it("names impossible bounds and impossible group limits (infeasible, exit 3)", () => {
    const cov = Float64Array.of(1, 0, 0, 1);
    const corr = Float64Array.of(1, 0, 0, 1);
    const fail = (f: () => unknown, code: string): void => {
      try {
        f();
      } catch (error) {
        expect(error).to.be.instanceOf(InfeasibleError);
        expect((error as InfeasibleError).code).to.equal(code);
        return;
      }
      expect.fail(`expected ${code}`);
    };
    fail(
      () => hierarchicalRiskParity({ n: 2, covariance: cov, correlation: corr, upper: Float64Array.of(0.4, 0.4) }),
      "HRP_BOUNDS_INFEASIBLE",
    );
    fail(
      () => hierarchicalRiskParity({ n: 2, covariance: cov, correlation: corr, lower: Float64Array.of(0.6, 0.6) }),
      "HRP_BOUNDS_INFEASIBLE",
    );
    fail(
      () =>
        hierarchicalRiskParity({
          n: 2,
          covariance: cov,
          correlation: corr,
          rows: [
            { name: "groups.x", coef: Float64Array.of(1, 0), lower: 0, upper: 0.3 },
            { name: "groups.y", coef: Float64Array.of(0, 1), lower: 0, upper: 0.3 },
          ],
        }),
      "HRP_CONSTRAINTS_INFEASIBLE",
    );
  });
});
