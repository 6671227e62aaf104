import { expect } from "chai";
import fc from "fast-check";
import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { InputError, PortfolioError, RejectedError } from "../../../src/errors.ts";
import { EMPTY_VIEW_SET_COMMITMENT, buildProblem, parseConstraintSetJson } from "../../../src/protocol/inputs.ts";
import {
  riskBudgetsHash,
  riskBudgetsToWad,
  verifyRiskBudgets,
  ZERO_HASH,
} from "../../../src/keeper/cycle/riskBudgets.ts";

const E17 = 10n ** 17n;
const ASSETS = ["A", "B", "C"];
// Independent of the code under test: the literal ABI encoding of uint256[3] {5e17, 3e17, 2e17}.
const PINNED = keccak256(
  `0x${[0x20n, 3n, 5n * E17, 3n * E17, 2n * E17].map((x) => x.toString(16).padStart(64, "0")).join("")}`,
);

function refusal(f: () => unknown): PortfolioError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(PortfolioError);
    return e as PortfolioError;
  }
  throw new Error("did not throw");
}

describe("keeper/riskBudgets", () => {
  it("hashes WAD budgets as keccak256(abi.encode(uint256[]))", () => {
    expect(riskBudgetsHash([5n * E17, 3n * E17, 2n * E17])).to.equal(PINNED);
    expect(riskBudgetsHash([5n * E17, 5n * E17])).to.equal(
      keccak256(encodeAbiParameters([{ type: "uint256[]" }], [[5n * E17, 5n * E17]])),
    );
  });

  it("converts decimal fractions to the WAD values they name, summing to exactly 1e18", () => {
    expect(riskBudgetsToWad([0.5, 0.3, 0.2])).to.deep.equal([5n * E17, 3n * E17, 2n * E17]);
    expect(riskBudgetsToWad([0.1, 0.2, 0.7])).to.deep.equal([E17, 2n * E17, 7n * E17]);
    expect(riskBudgetsToWad([1e-7, 0.9999999])).to.deep.equal([10n ** 11n, 10n ** 18n - 10n ** 11n]);
    // 19 decimals: the 19th rounds half up (0.0015772870662460567 → …0457 wei).
    expect(riskBudgetsToWad([0.0015772870662460567, 1 - 0.0015772870662460567])[0]).to.equal(1577287066246057n);
    // Thirds cannot be written exactly: normalised, the spare wei to the lowest index.
    const third = 333333333333333333n;
    expect(riskBudgetsToWad([1 / 3, 1 / 3, 1 / 3])).to.deep.equal([third + 1n, third, third]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }), (raw) => {
        const total = raw.reduce((a, b) => a + b, 0);
        const wad = riskBudgetsToWad(raw.map((x) => x / total));
        expect(wad.reduce((a, b) => a + b, 0n)).to.equal(10n ** 18n);
        expect(wad.every((w) => w > 0n)).to.equal(true);
      }),
      { numRuns: 100 },
    );
  });

  it("accepts budgets whose hash matches the registry's", () => {
    expect(verifyRiskBudgets([0.5, 0.3, 0.2], ASSETS, PINNED)).to.deep.equal([0.5, 0.3, 0.2]);
    expect(verifyRiskBudgets([0.5, 0.3, 0.2], ASSETS, PINNED.toUpperCase().replace("0X", "0x") as Hex)).to.deep.equal([
      0.5, 0.3, 0.2,
    ]);
  });

  it("refuses budgets whose hash differs (RISK_BUDGETS_MISMATCH)", () => {
    const e = refusal(() => verifyRiskBudgets([0.2, 0.3, 0.5], ASSETS, PINNED));
    expect(e).to.be.instanceOf(RejectedError);
    expect(e.code).to.equal("RISK_BUDGETS_MISMATCH");
    expect(e.path).to.equal("constraintSet.riskBudgets");
    // One wei off in one budget is a different hash.
    expect(riskBudgetsHash([5n * E17 + 1n, 3n * E17 - 1n, 2n * E17])).to.not.equal(PINNED);
  });

  it("refuses missing budgets when the registry pins a hash", () => {
    const e = refusal(() => verifyRiskBudgets(undefined, ASSETS, PINNED));
    expect(e).to.be.instanceOf(RejectedError);
    expect(e.code).to.equal("RISK_BUDGETS_MISMATCH");
    expect(e.message).to.match(/lists none/);
  });

  it("zero hash means equal budgets: none passed on, and listed budgets are refused", () => {
    expect(verifyRiskBudgets(undefined, ASSETS, ZERO_HASH)).to.equal(undefined);
    const e = refusal(() => verifyRiskBudgets([0.5, 0.3, 0.2], ASSETS, ZERO_HASH));
    expect(e.code).to.equal("RISK_BUDGETS_MISMATCH");
    expect(e.message).to.match(/equal budgets/);
  });

  it("names the field of a wrong length, a non-positive budget or a bad sum", () => {
    const len = refusal(() => verifyRiskBudgets([0.5, 0.5], ASSETS, PINNED));
    expect(len).to.be.instanceOf(InputError);
    expect(len.code).to.equal("RISK_BUDGETS_LENGTH");
    const zero = refusal(() => verifyRiskBudgets([0.5, 0.5, 0], ASSETS, PINNED));
    expect(zero.code).to.equal("RISK_BUDGET_INVALID");
    expect(zero.path).to.equal("constraintSet.riskBudgets[2]");
    const sum = refusal(() => verifyRiskBudgets([0.5, 0.3, 0.3], ASSETS, PINNED));
    expect(sum).to.be.instanceOf(InputError);
    expect(sum.code).to.equal("RISK_BUDGETS_SUM");
    expect(sum.path).to.equal("constraintSet.riskBudgets");
  });

  it("passes the constraint set's budgets into the ERC problem only", () => {
    const constraintSet = parseConstraintSetJson(JSON.stringify({ riskBudgets: [0.5, 0.3, 0.2] }));
    const common = {
      assets: ASSETS,
      limits: { maxPositionWeight: 1, maxTurnover: 1 },
      constraintSet,
      currentWeights: [1 / 3, 1 / 3, 1 / 3],
      verifiedViews: { commitment: EMPTY_VIEW_SET_COMMITMENT, views: [] },
    };
    const parameters = {
      optimizerType: "ERC" as const,
      riskAversion: 1,
      tau: 0.05,
      volatilityBudget: 1,
      driftThreshold: 0.05,
      maxSlippageBps: 50,
      rebalanceCalendar: "0 0 * * 1",
    };
    expect(buildProblem({ ...common, parameters })["riskBudgets"]).to.deep.equal([0.5, 0.3, 0.2]);
    expect(buildProblem({ ...common, parameters: { ...parameters, optimizerType: "MARKOWITZ" } })).to.not.have.property(
      "riskBudgets",
    );
    expect(() => parseConstraintSetJson(JSON.stringify({ riskBudgets: [0.5, "x"] }))).to.throw(
      InputError,
      /constraintSet\.riskBudgets\.1/,
    );
  });
});
