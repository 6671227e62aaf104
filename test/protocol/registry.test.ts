import { expect } from "chai";
import { PortfolioError } from "../../src/errors.ts";
import { DEMO_GENESIS_PARAMETERS } from "../../src/chain/systemParameters.ts";
import { decodeConstraintLimits, decodeStrategyParameters } from "../../src/protocol/registry.ts";

const WAD = 10n ** 18n;
// The demo's genesis parameters (MARKOWITZ, δ = 2.5, τ = 0.05, …) with the Black-Litterman type.
const RAW = { ...DEMO_GENESIS_PARAMETERS, optimizerType: 1 };

describe("protocol/registry", function () {
  it("decodes strategy parameters and limits as the keeper and the replay both use them", function () {
    expect(decodeStrategyParameters(RAW)).to.deep.equal({
      optimizerType: "BLACK_LITTERMAN",
      riskAversion: 2.5,
      tau: 0.05,
      volatilityBudget: 0.25,
      driftThreshold: 0.02,
      maxSlippageBps: 100,
      rebalanceCalendar: "0 0 * * 1",
    });
    expect(decodeConstraintLimits({ maxPositionWeight: (4n * WAD) / 10n, maxTurnover: WAD })).to.deep.equal({
      maxPositionWeight: 0.4,
      maxTurnover: 1,
    });
  });

  it("refuses an optimiser type the registry does not define, as an internal error naming the field", function () {
    expect(() => decodeStrategyParameters({ ...RAW, optimizerType: 9 }, "strategyParametersAt(3)")).to.throw(
      PortfolioError,
      "strategyParametersAt(3).optimizerType: unexpected 9",
    );
  });
});
