import { expect } from "chai";
import { PortfolioError } from "../../src/errors.ts";
import { enumName, OPTIMIZER_TYPES, SETTLEMENT_CHECKS, SETTLEMENT_STATUSES } from "../../src/protocol/enums.ts";

describe("protocol/enums", function () {
  it("names on-chain enum values in the contracts' order", function () {
    expect(enumName(OPTIMIZER_TYPES, 2, "optimizerType")).to.equal("ERC");
    expect(enumName(SETTLEMENT_STATUSES, 2n, "status")).to.equal("Finalized");
    expect(SETTLEMENT_CHECKS.slice(-2)).to.deep.equal(["LossBudget", "Pacing"]);
  });

  it("refuses a value the contracts do not define as an internal error naming the field", function () {
    let caught: unknown;
    try {
      enumName(OPTIMIZER_TYPES, 7, "strategyParameters.optimizerType");
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(PortfolioError);
    expect((caught as PortfolioError).kind).to.equal("internal");
    expect((caught as PortfolioError).code).to.equal("UNEXPECTED_CHAIN_VALUE");
    expect((caught as PortfolioError).message).to.equal("strategyParameters.optimizerType: unexpected 7");
  });
});
