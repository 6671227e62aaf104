import { expect } from "chai";
import fc from "fast-check";
import { solveCcd } from "../../../src/optimizer/riskParity/ccd.ts";
import { matVec } from "../../../src/optimizer/riskParity/linalg.ts";
import { jsSweepEngine, wasmSweepEngine } from "../../../src/optimizer/riskParity/symmetricSweep.ts";
import { RR_CORR, RR_VOLS, covariance, expectNear, marketCovariance } from "./fixtures.ts";

describe("risk parity: CCD sweeps over the lower triangle", () => {
  const cases = [
    { name: "Richard-Roncalli universe", sigma: covariance(RR_VOLS, RR_CORR) },
    { name: "market model n = 37", sigma: marketCovariance(37, 7) },
    { name: "market model n = 160", sigma: marketCovariance(160, 11, 10) },
  ];

  for (const { name, sigma } of cases) {
    it(`wasm and JS backends give bit-identical solves: ${name}`, () => {
      const { n, data } = sigma;
      const budgets = Float64Array.from({ length: n }, (_, i) => (1 + (i % 3)) / n);
      const total = budgets.reduce((a, v) => a + v, 0);
      budgets.forEach((v, i) => (budgets[i] = v / total));
      const wasm = solveCcd(data, n, budgets, 1e-12, 1000, undefined, "auto");
      const js = solveCcd(data, n, budgets, 1e-12, 1000, undefined, "js");
      expect(wasm.converged).to.equal(true);
      expect(wasm.iterations).to.equal(js.iterations);
      expect([...wasm.y]).to.deep.equal([...js.y]);
      expect([...wasm.sigmaY]).to.deep.equal([...js.sigmaY]);
    });

    it(`a sweep returns Σy of its output as a fresh product would: ${name}`, () => {
      const { n, data } = sigma;
      const budgets = new Float64Array(n).fill(1 / n);
      for (const engine of [jsSweepEngine(data, n, budgets), wasmSweepEngine(data, n, budgets)]) {
        if (engine === undefined) throw new Error("WebAssembly SIMD is available on Node 22");
        const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.1 * Math.sin(i));
        const s = new Float64Array(n);
        const u = new Float64Array(n);
        engine.products(y, s, u);
        const direct = matVec(data, n, y, new Float64Array(n));
        for (let i = 0; i < n; i++) expectNear(s[i], direct[i] as number, 1e-14 * Math.abs(direct[i] as number));
        const uNext = new Float64Array(n);
        engine.sweep(y, u, s, uNext);
        matVec(data, n, y, direct);
        for (let i = 0; i < n; i++) expectNear(s[i], direct[i] as number, 1e-14 * Math.abs(direct[i] as number));
        // y_i (Σy)_i = b_i holds for the last coordinate right after its update.
        expectNear((y[n - 1] as number) * (s[n - 1] as number), 1 / n, 1e-15);
      }
    });
  }

  it("wasm and JS backends agree bit for bit on random factor covariances and budgets (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        (n, seed, sectors) => {
          const { data } = marketCovariance(n, seed, sectors);
          const raw = Array.from({ length: n }, (_, i) => 1 + ((seed >>> (i % 16)) & 7));
          const total = raw.reduce((a, v) => a + v, 0);
          const budgets = Float64Array.from(raw, (v) => v / total);
          const wasm = solveCcd(data, n, budgets, 1e-10, 1000, undefined, "auto");
          const js = solveCcd(data, n, budgets, 1e-10, 1000, undefined, "js");
          expect(wasm.converged).to.equal(true);
          expect(wasm.iterations).to.equal(js.iterations);
          expect([...wasm.y]).to.deep.equal([...js.y]);
          expect([...wasm.sigmaY]).to.deep.equal([...js.sigmaY]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("returns the start itself, with zero sweeps, when it already meets the tolerance", () => {
    const sigma = covariance(
      [0.1, 0.2, 0.3],
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    );
    const result = solveCcd(sigma.data, 3, Float64Array.of(1 / 3, 1 / 3, 1 / 3), 1e-10, 100);
    expect(result.iterations).to.equal(0);
    expect(result.residual).to.be.at.most(1e-15);
  });
});
