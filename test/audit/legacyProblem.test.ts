// Replay of problem files stored before `blackLitterman.verifiedViews`: the legacy adapter must
// give, byte for byte, what the old keeper stored for the same inputs.
import { expect } from "chai";
import { legacyViewsProblem } from "../../src/audit/legacyProblem.ts";
import { EMPTY_VIEW_SET_COMMITMENT, buildProblem, type BuildProblemParameters } from "../../src/protocol/inputs.ts";

const signer = "0x00000000000000000000000000000000000000a1";
const common: Omit<BuildProblemParameters, "verifiedViews"> = {
  assets: ["USDC", "WETH", "WBTC"],
  parameters: {
    optimizerType: "BLACK_LITTERMAN",
    riskAversion: 3,
    tau: 0.05,
    volatilityBudget: 2,
    driftThreshold: 0.1,
    maxSlippageBps: 80,
    rebalanceCalendar: "0 0 * * 1",
  },
  limits: { maxPositionWeight: 0.7, maxTurnover: 0.8 },
  constraintSet: {
    name: "test",
    constraints: { bounds: { lower: 0, upper: 0.55 } },
    minTradeValueUsd: 100,
    blackLitterman: { marketCaps: { USDC: 1, WETH: 2, WBTC: 3 } },
  },
  currentWeights: [0.6, 0.4, 0],
};

/** What `buildProblem` wrote for these inputs before issue 15 (captured from that code). */
const STORED_BEFORE = {
  assets: ["USDC", "WETH", "WBTC"],
  prices: "market-data.csv",
  optimizerType: "BLACK_LITTERMAN",
  constraints: {
    bounds: { lower: 0, upper: 0.55 },
    turnover: { currentWeights: [0.6, 0.4, 0], max: 1.5999984 },
  },
  riskAversion: 3,
  blackLitterman: {
    prior: "equal",
    marketCaps: { USDC: 1, WETH: 2, WBTC: 3 },
    tau: 0.05,
    riskAversion: 3,
    views: [
      { assets: { WBTC: 1, WETH: -1 }, q: 0.1, confidence: 0.5 },
      { assets: { WETH: 1 }, q: 0.2, omega: 0.0004 },
    ],
  },
};

const text = (problem: unknown): string => `${JSON.stringify(problem, null, 2)}\n`;

describe("audit/legacyProblem", () => {
  it("turns the new problem into the bytes the old keeper stored for the same views", () => {
    const rebuilt = buildProblem({
      ...common,
      verifiedViews: {
        commitment: `0x${"cd".repeat(32)}`,
        views: [
          {
            assets: { WBTC: 1, WETH: -1 },
            q: 0.1,
            confidence: 0.5,
            signer,
            digest: `0x${"01".repeat(32)}`,
            nonce: "1",
          },
          { assets: { WETH: 1 }, q: 0.2, omega: 0.0004, signer, digest: `0x${"02".repeat(32)}`, nonce: "2" },
        ],
      },
    });
    expect(text(rebuilt)).to.not.equal(text(STORED_BEFORE));
    expect(text(legacyViewsProblem(rebuilt))).to.equal(text(STORED_BEFORE));
  });

  it("an empty verified set becomes `views: []`, as the old keeper wrote it", () => {
    const rebuilt = buildProblem({ ...common, verifiedViews: { commitment: EMPTY_VIEW_SET_COMMITMENT, views: [] } });
    const legacy = legacyViewsProblem(rebuilt) as { blackLitterman: Record<string, unknown> };
    expect(Object.keys(legacy.blackLitterman)).to.deep.equal(["prior", "marketCaps", "tau", "riskAversion", "views"]);
    expect(legacy.blackLitterman["views"]).to.deep.equal([]);
  });

  it("has no legacy form for a problem without verified views", () => {
    const markowitz = buildProblem({
      ...common,
      parameters: { ...common.parameters, optimizerType: "MARKOWITZ" },
      verifiedViews: { commitment: EMPTY_VIEW_SET_COMMITMENT, views: [] },
    });
    expect(legacyViewsProblem(markowitz)).to.equal(null);
  });
});
