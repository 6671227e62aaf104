// HERC (Raffinot 2017, skfolio's HierarchicalEqualRiskContribution with the variance) against an
// independent recomputation: clusters formed bottom-up by replaying the first n − k merges (SciPy's
// fcluster "maxclust" on a monotone tree) rather than cut top-down, cluster risks from an explicit
// w'Σw, and the allocation by recursion over leaf sets. Plus the closed forms at k = 1 (the
// inverse-variance portfolio), bounds held, order invariance and the problem format.
import { expect } from "chai";
import fc from "fast-check";
import { EXIT_CODES, InputError, isPortfolioError } from "../../../src/errors.ts";
import {
  correlationDistance,
  hierarchicalRiskParity,
  linkage,
  type LinkageRow,
} from "../../../src/optimizer/hrp/index.ts";
import { hercWeights } from "../../../src/optimizer/hrp/herc.ts";
import { optimize, type HrpResult } from "../../../src/optimizer/optimize.ts";
import { expectNear } from "../../helpers/expect.ts";
import { readData } from "../estimators/reference.ts";
import { market } from "./markets.ts";

/** w'Σw of the inverse-variance portfolio of `members`, written out. */
function ivpVariance(cov: Float64Array, n: number, members: readonly number[]): number {
  const raw = members.map((i) => 1 / cov[i * n + i]!);
  const total = raw.reduce((s, v) => s + v, 0);
  const w = raw.map((v) => v / total);
  let s = 0;
  members.forEach((i, a) => members.forEach((j, b) => (s += w[a]! * w[b]! * cov[i * n + j]!)));
  return s;
}

/** The reference HERC (see the file comment). */
function referenceHerc(cov: Float64Array, n: number, tree: readonly LinkageRow[], k: number): Float64Array {
  // Bottom-up: the first n − k merges, as sets of leaves.
  const sets = new Map<number, Set<number>>([...Array(n).keys()].map((i) => [i, new Set([i])]));
  const merged = new Map<number, Set<number>>();
  tree.forEach((row, r) => {
    const s = new Set([...sets.get(row.left)!, ...sets.get(row.right)!]);
    sets.set(n + r, s);
    if (r < n - k) merged.set(n + r, s);
  });
  const clusters = [...Array(n).keys()].map((i) => {
    let best = new Set([i]);
    for (const s of merged.values()) if (s.has(i) && s.size > best.size) best = s;
    return best;
  });
  const distinct = [...new Set(clusters)];
  const riskOf = (leaves: Set<number>): number =>
    distinct.filter((c) => [...c].every((i) => leaves.has(i))).reduce((s, c) => s + ivpVariance(cov, n, [...c]), 0);
  const w = new Float64Array(n);
  const allocate = (node: number, weight: number): void => {
    const leaves = sets.get(node)!;
    const cluster = distinct.find((c) => [...leaves].every((i) => c.has(i)));
    if (cluster !== undefined) {
      const members = [...leaves];
      const inv = members.map((i) => 1 / cov[i * n + i]!);
      const total = inv.reduce((s, v) => s + v, 0);
      members.forEach((i, a) => (w[i] = (weight * inv[a]!) / total));
      return;
    }
    const { left, right } = tree[node - n]!;
    const [l, r] = [riskOf(sets.get(left)!), riskOf(sets.get(right)!)];
    allocate(left, weight * (1 - l / (l + r)));
    allocate(right, weight * (l / (l + r)));
  };
  allocate(n + tree.length - 1, 1);
  return w;
}

const treeOf = (corr: Float64Array, n: number): LinkageRow[] => linkage(correlationDistance(corr, n), n, "single");

describe("optimizer/hrp/herc", () => {
  it("equals the independent recomputation for every number of clusters", () => {
    fc.assert(
      fc.property(market(7), fc.integer({ min: 1, max: 7 }), ({ cov, corr }, k) => {
        const tree = treeOf(corr, 7);
        const ivp = hercWeights({ covariance: cov, n: 7, tree, clusters: 1 }).weights;
        const r = hercWeights({ covariance: cov, n: 7, tree, clusters: k });
        const ref = referenceHerc(cov, 7, tree, k);
        // Not the inverse-variance portfolio in disguise: the clusters' risks moved the weights.
        if (k > 1) expect(Math.max(...ref.map((v, i) => Math.abs(v - ivp[i]!)))).to.be.greaterThan(1e-9);
        ref.forEach((v, i) => expectNear(r.weights[i]!, v, 1e-13));
        expect(r.clusters).to.have.length(k);
        expect(r.clusters.flat().sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it("one cluster is the inverse-variance portfolio", () => {
    const cov = Float64Array.of(0.04, 0.01, 0, 0.01, 0.09, 0.02, 0, 0.02, 0.16);
    const corr = cov.map((v, k) => v / Math.sqrt(cov[Math.floor(k / 3) * 4]! * cov[(k % 3) * 4]!));
    const r = hercWeights({ covariance: cov, n: 3, tree: treeOf(corr, 3), clusters: 1 });
    const inv = [1 / 0.04, 1 / 0.09, 1 / 0.16];
    const total = inv.reduce((s, v) => s + v, 0);
    inv.forEach((v, i) => expectNear(r.weights[i]!, v / total, 1e-15));
  });

  it("keeps every position bound, sums to 1, and does not depend on the assets' order", () => {
    let bound = 0;
    fc.assert(
      fc.property(
        market(6),
        fc.integer({ min: 1, max: 6 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        ({ cov, corr }, k, perm) => {
          const n = 6;
          const lower = Float64Array.of(0.02, 0, 0.05, 0, 0.01, 0);
          const upper = Float64Array.of(0.3, 0.25, 0.35, 0.2, 0.3, 0.25);
          const r = hierarchicalRiskParity({
            n,
            covariance: cov,
            correlation: corr,
            herc: { clusters: k },
            lower,
            upper,
          });
          expectNear(
            r.weights.reduce((s, w) => s + w, 0),
            1,
            1e-12,
          );
          r.weights.forEach((w, i) => {
            expect(w).to.be.gte(lower[i]! - 1e-12);
            expect(w).to.be.lte(upper[i]! + 1e-12);
          });
          const free = hierarchicalRiskParity({ n, covariance: cov, correlation: corr, herc: { clusters: k } });
          if (free.weights.some((w, i) => w < lower[i]! - 1e-9 || w > upper[i]! + 1e-9)) bound++;
          const d = r.tree.map((row) => row.distance);
          fc.pre(d.every((x, j) => j === 0 || x - d[j - 1]! > 1e-9));
          const p = (m: Float64Array): Float64Array => m.map((_, q) => m[perm[Math.floor(q / n)]! * n + perm[q % n]!]!);
          const permuted = hierarchicalRiskParity({
            n,
            covariance: p(cov),
            correlation: p(corr),
            herc: { clusters: k },
            lower: lower.map((_, q) => lower[perm[q]!]!),
            upper: upper.map((_, q) => upper[perm[q]!]!),
          });
          perm.forEach((orig, q) => expectNear(permuted.weights[q]!, r.weights[orig]!, 1e-12));
        },
      ),
      { numRuns: 150, seed: 9 },
    );
    expect(bound, "runs whose unbounded HERC breaks a bound").to.be.greaterThan(30);
  });

  it("through optimize(): herc.clusters on stock_prices.csv, reported clusters, and a bad count named (exit 2)", () => {
    const files = { "stock_prices.csv": readData("stock_prices.csv") };
    const r = optimize(
      { optimizerType: "HRP", prices: "stock_prices.csv", herc: { clusters: 4 } },
      { files },
    ) as HrpResult;
    expect(r.status).to.equal("optimal");
    expect(r.diagnostics.solver).to.equal("herc:single/k4");
    expect(r.hrp?.herc?.clusters).to.have.length(4);
    expect(r.hrp?.herc?.clusters.flat().sort()).to.deep.equal([...r.assets].sort());
    expectNear(
      r.weights.reduce((s, w) => s + w, 0),
      1,
      1e-12,
    );
    const plain = optimize({ optimizerType: "HRP", prices: "stock_prices.csv" }, { files }) as HrpResult;
    expect(plain.hrp?.herc).to.equal(null);
    for (const clusters of [0, 21, 2.5]) {
      let error: unknown;
      try {
        optimize({ optimizerType: "HRP", prices: "stock_prices.csv", herc: { clusters } }, { files });
      } catch (e) {
        error = e;
      }
      expect(isPortfolioError(error), String(error)).to.equal(true);
      if (!isPortfolioError(error)) continue;
      expect(EXIT_CODES[error.kind], String(clusters)).to.equal(2);
      expect(error.path ?? error.message, String(clusters)).to.contain("herc.clusters");
    }
    expect(() => hercWeights({ covariance: new Float64Array(4), n: 2, tree: [], clusters: 3 })).to.throw(InputError);
  });
});
