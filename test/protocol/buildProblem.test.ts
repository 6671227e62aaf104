import { expect } from "chai";
import { parseProblem } from "../../src/optimizer/problem.ts";
import { OPTIMIZER_TYPES } from "../../src/protocol/enums.ts";
import { EMPTY_VIEW_SET_COMMITMENT, buildProblem, parseConstraintSetJson } from "../../src/protocol/inputs.ts";

const ASSETS = ["USDC", "AAA", "BBB"];
const parameters = {
  riskAversion: 2,
  tau: 0.05,
  volatilityBudget: 1,
  driftThreshold: 0.05,
  maxSlippageBps: 50,
  rebalanceCalendar: "0 0 * * 1",
};

describe("protocol/buildProblem", () => {
  it("builds a problem its optimiser's strict branch accepts, for every optimizer type", () => {
    // A constraint set that fixes an objective, risk budgets and HRP's linkage: each type takes
    // only its own fields. Every type the contracts define (generated from the ABI) is covered.
    const constraintSet = parseConstraintSetJson(
      JSON.stringify({
        objective: "max-sharpe",
        riskBudgets: [0.5, 0.3, 0.2],
        riskFreeRate: 0.03,
        hrp: { linkage: "ward", split: "dendrogram", herc: { clusters: 2 } },
      }),
    );
    for (const optimizerType of OPTIMIZER_TYPES) {
      const problem = buildProblem({
        assets: ASSETS,
        parameters: { ...parameters, optimizerType },
        limits: { maxPositionWeight: 0.6, maxTurnover: 0.5 },
        constraintSet,
        currentWeights: [1, 0, 0],
        verifiedViews: { commitment: EMPTY_VIEW_SET_COMMITMENT, views: [] },
      });
      const parsed = parseProblem(problem);
      expect(parsed.optimizerType).to.equal(optimizerType);
      const hasObjective = optimizerType === "MARKOWITZ" || optimizerType === "BLACK_LITTERMAN";
      expect(problem["objective"], optimizerType).to.equal(hasObjective ? "max-sharpe" : undefined);
      expect(problem["linkage"], optimizerType).to.equal(optimizerType === "HRP" ? "ward" : undefined);
      expect(problem["split"], optimizerType).to.equal(optimizerType === "HRP" ? "dendrogram" : undefined);
      expect(problem["herc"], optimizerType).to.deep.equal(optimizerType === "HRP" ? { clusters: 2 } : undefined);
      expect(problem["riskBudgets"], optimizerType).to.deep.equal(
        optimizerType === "ERC" ? [0.5, 0.3, 0.2] : undefined,
      );
    }
  });
});
