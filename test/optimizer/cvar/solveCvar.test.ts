// The CVaR of fixed weights by the sorted-loss formula, against the definition worked by hand, and
// the programme's optimum against that formula at its own weights (two formulations, one number).
import { expect } from "chai";
import { buildConstraints } from "../../../src/optimizer/markowitz/constraints.ts";
import { optimize } from "../../../src/optimizer/optimize.ts";
import { scenarioCvar, solveCvar } from "../../../src/optimizer/cvar/solveCvar.ts";
import { createHighsSolver } from "../../../src/optimizer/qp/highsSolver.ts";
import { expectNear } from "../../helpers/expect.ts";

describe("optimizer/cvar/solveCvar", () => {
  it("scenarioCvar: the mean of the worst (1 − β) share of losses, interpolated at a fractional tail", () => {
    const s = { t: 4, n: 1, values: Float64Array.of(-0.1, 0, 0.1, 0.2) };
    expectNear(scenarioCvar(Float64Array.of(1), s, 0.75), 0.1, 1e-15); // worst 1 of 4: loss 0.1
    expectNear(scenarioCvar(Float64Array.of(1), s, 0.5), 0.05, 1e-15); // worst 2: (0.1 + 0) / 2
    // β = 0.625: the tail holds 1.5 scenarios: (0.1 + 0.5·0) / 1.5.
    expectNear(scenarioCvar(Float64Array.of(1), s, 0.625), 0.1 / 1.5, 1e-15);
  });

  it("the programme's CVaR is the formula's at its weights, and no grid portfolio beats it", async () => {
    // Two assets, eight scenarios: A loses big once, B loses a little often.
    const a = [-0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05];
    const b = [0.02, -0.04, 0.02, -0.04, 0.02, -0.04, 0.02, 0.02];
    const values = Float64Array.from(a.flatMap((x, i) => [x, b[i]!]));
    const scenarios = { t: 8, n: 2, values };
    const pc = buildConstraints(undefined, ["A", "B"]);
    const out = solveCvar(pc, null, scenarios, { objective: "min-cvar", beta: 0.75 }, await createHighsSolver());
    expect(out.kind).to.equal("solved");
    if (out.kind !== "solved") return;
    const { weights, cvar } = out.result;
    expectNear(cvar, scenarioCvar(weights, scenarios, 0.75), 1e-12);
    expectNear(weights[0]! + weights[1]!, 1, 1e-12);
    for (let k = 0; k <= 1000; k++) {
      const w = Float64Array.of(k / 1000, 1 - k / 1000);
      expect(scenarioCvar(w, scenarios, 0.75)).to.be.gte(cvar - 1e-12);
    }
  });

  it("refuses too few scenarios for the tail, naming the prices (exit 2)", async () => {
    // Ten prices give nine returns: at β = 0.95 the tail would hold 0.45 of a scenario.
    const rows = Array.from({ length: 10 }, (_, t) => [
      `2024-01-${String(t + 1).padStart(2, "0")}`,
      100 + t,
      50 - t / 2,
    ]);
    const qpSolver = await createHighsSolver();
    expect(() =>
      optimize({ prices: { columns: ["date", "A", "B"], rows }, objective: "min-cvar" }, { qpSolver }),
    ).to.throw(/prices.*scenarios leave no tail/);
    const ok = optimize(
      { prices: { columns: ["date", "A", "B"], rows }, objective: "min-cvar", beta: 0.8 },
      { qpSolver },
    );
    expect(ok.status).to.equal("optimal");
  });
});
