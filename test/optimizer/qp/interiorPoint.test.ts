import { expect } from "chai";
import { Matrix, inverse } from "ml-matrix";
import { createHighsSolver } from "../../../src/optimizer/qp/highsSolver.ts";
import { interiorPointSolver } from "../../../src/optimizer/qp/interiorPoint.ts";
import { kktResiduals } from "../../../src/optimizer/qp/operators.ts";
import type { QpCovariance, QpProblem, QpRow, QpSolver } from "../../../src/optimizer/qp/types.ts";
import { expectClose, randomFactorModel, uniform } from "../fixtures.ts";

function longOnlyProblem(cov: QpCovariance, n: number, cap: number, groups: number, seed: number): QpProblem {
  const r = uniform(seed);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rows: QpRow[] = [{ name: "budget", index: all, value: new Float64Array(n).fill(1), lower: 1, upper: 1 }];
  for (let g = 0; g < groups; g++) {
    const index = all.filter((i) => i % groups === g);
    rows.push({
      name: `g${g}`,
      index,
      value: new Float64Array(index.length).fill(1),
      lower: -Infinity,
      upper: 0.25 + 0.2 * r(),
    });
  }
  return {
    nx: n,
    nAssets: n,
    assetOf: all,
    signOf: new Float64Array(n).fill(1),
    covariance: cov,
    covScale: 2,
    ridge: 0,
    q: Float64Array.from({ length: n }, () => -0.02 * r()),
    lower: new Float64Array(n),
    upper: new Float64Array(n).fill(cap),
    rows,
  };
}

function denseOf(rows: number[][]): QpCovariance {
  return { kind: "dense", n: rows.length, data: Float64Array.from(rows.flat()) };
}

describe("optimizer/qp/interiorPoint", () => {
  let highs: QpSolver;
  before(async () => {
    highs = await createHighsSolver();
  });

  it("solves unconstrained min-variance to the closed form Σ⁻¹1 / 1'Σ⁻¹1", () => {
    const { dense } = randomFactorModel(12, 3, 7);
    const n = 12;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const p: QpProblem = {
      ...longOnlyProblem(denseOf(dense), n, Infinity, 0, 1),
      q: new Float64Array(n),
      lower: new Float64Array(n).fill(-Infinity),
      upper: new Float64Array(n).fill(Infinity),
      rows: [{ name: "budget", index: all, value: new Float64Array(n).fill(1), lower: 1, upper: 1 }],
    };
    const sol = interiorPointSolver.solve(p);
    const inv = inverse(new Matrix(dense));
    const s1 = inv.mmul(Matrix.ones(n, 1)).to1DArray();
    const total = s1.reduce((a, b) => a + b, 0);
    expect(sol.status).to.equal("optimal");
    sol.x.forEach((v, i) => expectClose(v, s1[i]! / total, 1e-10));
  });

  for (const kind of ["dense", "factor"] as const) {
    it(`agrees with HiGHS on random long-only problems with caps and sector limits (${kind} Σ)`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const n = 20 + 10 * seed;
        const model = randomFactorModel(n, 4, seed);
        const cov = kind === "dense" ? denseOf(model.dense) : model.factor;
        const p = longOnlyProblem(cov, n, 0.1, 5, seed);
        const ours = interiorPointSolver.solve(p);
        const ref = highs.solve(p);
        expect(ours.status).to.equal("optimal");
        expect(ref.status).to.equal("optimal");
        const scale = Math.max(Math.abs(ref.objective), 1e-12);
        // Never worse than HiGHS beyond 1e-9 relative; HiGHS' own tolerance bounds the other side.
        expect(ours.objective).to.be.at.most(ref.objective + 1e-9 * scale);
        expect(Math.abs(ours.objective - ref.objective) / scale).to.be.below(1e-6);
        const res = kktResiduals(p, ours.x, ours.rowDual, ours.boundDual);
        expect(res.primal).to.be.below(1e-12);
        expect(res.dual).to.be.below(1e-10);
        expect(res.complementarity).to.be.below(1e-10);
      }
    });
  }

  it("solves large dense problems through the Nyström surrogate's active set, verified on the true Σ", () => {
    for (const [n, seed] of [
      [200, 31],
      [400, 32],
    ] as const) {
      const model = randomFactorModel(n, 6, seed);
      // Perturb the factor structure so Σ is genuinely dense (not exactly low rank + diagonal).
      const r = uniform(seed);
      const noisy = model.dense.map((row, i) => row.map((v, j) => v + (i === j ? 0.002 * r() : 0)));
      const p = longOnlyProblem(denseOf(noisy), n, 0.05, 10, seed);
      const ours = interiorPointSolver.solve(p);
      const ref = highs.solve(p);
      expect(ours.status).to.equal("optimal");
      expect(ours.solver).to.equal("ipm:surrogate+polish");
      expect(ours.objective).to.be.at.most(ref.objective + 1e-9 * Math.abs(ref.objective));
      expect(Math.abs(ours.objective - ref.objective) / Math.abs(ref.objective)).to.be.below(1e-6);
      const res = kktResiduals(p, ours.x, ours.rowDual, ours.boundDual);
      expect(Math.max(res.primal, res.dual, res.complementarity)).to.be.below(1e-12);
    }
  });

  it("stays accurate on degenerate optima where a sector cap is implied by its assets' caps (quadratic utility)", () => {
    for (const kind of ["dense", "factor"] as const) {
      const n = 60;
      const model = randomFactorModel(n, 4, 41);
      const cov = kind === "dense" ? denseOf(model.dense) : model.factor;
      // 8 sectors of 7–8 assets, 5 % caps, sector caps 15 %: three capped assets fill a sector.
      const base = longOnlyProblem(cov, n, 0.05, 8, 41);
      const p: QpProblem = {
        ...base,
        q: Float64Array.from(model.mu, (v) => -v),
        rows: base.rows.map((row, r) => (r === 0 ? row : { ...row, upper: 0.15 })),
      };
      const ours = interiorPointSolver.solve(p);
      const ref = highs.solve(p);
      expect(ours.status).to.equal("optimal");
      // Polishing may not verify on a degenerate active set; the interior point's own stopping
      // rule (total gap ≤ 1e-10·|f|) then carries the accuracy.
      expect(ours.objective).to.be.at.most(ref.objective + 1e-9 * Math.abs(ref.objective));
      expect(Math.abs(ours.objective - ref.objective) / Math.abs(ref.objective)).to.be.below(1e-6);
    }
  });

  it("warm-starts from a previous active set to the same optimum without interior-point iterations", () => {
    const model = randomFactorModel(60, 4, 11);
    const p = longOnlyProblem(model.factor, 60, 0.08, 4, 3);
    const cold = interiorPointSolver.solve(p);
    const shifted: QpProblem = { ...p, q: p.q.map((v) => v * 1.0001) };
    const warm = interiorPointSolver.solve(shifted, { warmStart: cold.activeSet });
    const reference = interiorPointSolver.solve(shifted);
    expect(warm.iterations).to.equal(0);
    expect(warm.solver).to.equal("ipm:warm-active-set");
    expectClose(warm.objective, reference.objective, 1e-12 * Math.abs(reference.objective) + 1e-15);
  });

  it("handles the turnover split (two variables per asset) in both KKT strategies", () => {
    const model = randomFactorModel(15, 3, 5);
    const n = 15;
    for (const cov of [model.factor, denseOf(model.dense)]) {
      const nx = 2 * n;
      const assetOf = Int32Array.from({ length: nx }, (_, j) => j % n);
      const signOf = Float64Array.from({ length: nx }, (_, j) => (j < n ? 1 : -1));
      const c = 1 / n;
      const p: QpProblem = {
        nx,
        nAssets: n,
        assetOf,
        signOf,
        covariance: cov,
        covScale: 2,
        ridge: 0.01,
        // As formulate() builds it: q = E'(−g) + rate, with g = 0.05 on the first three assets.
        q: Float64Array.from({ length: nx }, (_, j) => -signOf[j]! * (j % n < 3 ? 0.05 : 0) + 0.001),
        lower: new Float64Array(nx),
        upper: new Float64Array(nx).fill(0.2 - c).fill(c, n),
        rows: [
          {
            name: "budget",
            index: Int32Array.from({ length: nx }, (_, j) => j),
            value: Float64Array.from(signOf),
            lower: 0,
            upper: 0,
          },
          {
            name: "turnover",
            index: Int32Array.from({ length: nx }, (_, j) => j),
            value: new Float64Array(nx).fill(1),
            lower: -Infinity,
            upper: 0.3,
          },
        ],
      };
      const ours = interiorPointSolver.solve(p);
      const ref = highs.solve(p);
      expect(ours.status).to.equal("optimal");
      expect(Math.abs(ours.objective - ref.objective) / Math.abs(ref.objective)).to.be.below(1e-6);
      expect(ours.objective).to.be.at.most(ref.objective + 1e-9 * Math.abs(ref.objective));
    }
  });
});
