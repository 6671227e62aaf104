import { expect } from "chai";
import { parseProblem } from "../../src/optimizer/problem.ts";
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
    // A constraint set that fixes an objective and risk budgets: each type takes only its own fields.
    const constraintSet = parseConstraintSetJson(
      JSON.stringify({ objective: "max-sharpe", riskBudgets: [0.5, 0.3, 0.2], riskFreeRate: 0.03 }),
    );
    for (const optimizerType of ["MARKOWITZ", "ERC", "BLACK_LITTERMAN"] as const) {
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
      expect(problem["objective"], optimizerType).to.equal(optimizerType === "ERC" ? undefined : "max-sharpe");
      expect(problem["riskBudgets"], optimizerType).to.deep.equal(
        optimizerType === "ERC" ? [0.5, 0.3, 0.2] : undefined,
      );
    }
  });
});
