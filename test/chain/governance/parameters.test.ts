import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDeployment } from "../../../src/chain/governance/deployment.ts";
import { formatDuration } from "../../../src/chain/governance/format.ts";
import {
  checkConstraintSet,
  diffStrategyParameters,
  formatWad,
  readConstraintSet,
  readStrategyParameters,
} from "../../../src/chain/governance/parameters.ts";
import { WAD, type ConstraintSet, type StrategyParameters } from "../../../src/chain/governance/types.ts";
import { InputError } from "../../../src/errors.ts";

const CURRENT: StrategyParameters = {
  optimizerType: 0,
  riskAversion: (5n * WAD) / 2n,
  tau: WAD / 20n,
  riskBudgetsHash: `0x${"00".repeat(32)}`,
  driftThreshold: WAD / 20n,
  volatilityBudget: WAD / 5n,
  rebalanceCalendar: "0 0 * * 1",
  maxSlippageBps: 50,
};
const CONSTRAINTS: ConstraintSet = {
  contentHash: `0x${"cd".repeat(32)}`,
  uri: "ipfs://c1",
  maxPositionWeight: (3n * WAD) / 10n,
  maxTurnover: WAD / 2n,
};

const dir = mkdtempSync(join(tmpdir(), "gov-params-"));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

describe("governance proposal inputs", () => {
  it("merges a partial parameters file over the current values, converting decimals to WAD", () => {
    const next = readStrategyParameters(file({ optimizerType: "ERC", tau: "0.025", riskAversion: 3 }), CURRENT);
    expect(next).to.deep.equal({ ...CURRENT, optimizerType: 2, tau: WAD / 40n, riskAversion: 3n * WAD });
    expect(diffStrategyParameters(CURRENT, next).map((c) => c.field)).to.deep.equal([
      "optimizerType",
      "riskAversion",
      "tau",
    ]);
  });

  it("names the field of every refused value", () => {
    const cases: [unknown, string, string][] = [
      [{ tau: 1.5 }, "tau", "PARAMETER_OUT_OF_RANGE"],
      [{ driftThreshold: 0 }, "driftThreshold", "PARAMETER_OUT_OF_RANGE"],
      [{ maxSlippageBps: 10_001 }, "maxSlippageBps", "PARAMETER_OUT_OF_RANGE"],
      [{ maxSlippageBps: 2.5 }, "maxSlippageBps", "PROPOSAL_INPUT_INVALID"],
      [{ tau: 1e-7 }, "tau", "PROPOSAL_INPUT_INVALID"],
      [{ tau: "0.0000000000000000001" }, "tau", "PROPOSAL_INPUT_INVALID"],
      [{ tau: "-0.1" }, "tau", "PROPOSAL_INPUT_INVALID"],
      [{ tau: "NaN" }, "tau", "PROPOSAL_INPUT_INVALID"],
      [{ optimizerType: "MEAN_VARIANCE" }, "optimizerType", "PROPOSAL_INPUT_INVALID"],
      [{ riskBudgetsHash: "0x12" }, "riskBudgetsHash", "PROPOSAL_INPUT_INVALID"],
      [{ rebalanceCalendar: "" }, "rebalanceCalendar", "STRING_LENGTH_INVALID"],
      [{ rebalanceCalendar: "@weekly" }, "rebalanceCalendar", "CALENDAR_INVALID"],
    ];
    for (const [content, field, code] of cases) {
      const path = file(content);
      const error = inputError(() => readStrategyParameters(path, CURRENT));
      expect([error.code, error.path], JSON.stringify(content)).to.deep.equal([code, `${path}.${field}`]);
    }
    const unknown = inputError(() => readStrategyParameters(file({ slippage: 3 }), CURRENT));
    expect(unknown.message).to.match(/slippage/);
  });

  it("says out-of-range fractions in decimals as well as WAD", () => {
    const error = inputError(() => readStrategyParameters(file({ tau: 2 }), CURRENT));
    expect(error.message).to.include("must be > 0 and ≤ 1, got 2 (WAD 2000000000000000000)");
  });

  it("round-trips every WAD fraction through its decimal text", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: WAD }), (tau) => {
        const next = readStrategyParameters(file({ tau: formatWad(tau) }), CURRENT);
        return next.tau === tau;
      }),
      { numRuns: 200 },
    );
  });

  it("diffs exactly the fields that changed", () => {
    fc.assert(
      fc.property(
        fc.record({ maxSlippageBps: fc.integer({ min: 1, max: 10_000 }), tau: fc.bigInt({ min: 1n, max: WAD }) }),
        (change) => {
          const next = { ...CURRENT, ...change };
          const fields = diffStrategyParameters(CURRENT, next).map((c) => c.field);
          const expected = [
            ...(change.tau === CURRENT.tau ? [] : ["tau"]),
            ...(change.maxSlippageBps === CURRENT.maxSlippageBps ? [] : ["maxSlippageBps"]),
          ];
          return JSON.stringify(fields) === JSON.stringify(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("checks constraint sets: zero hash, empty uri, weights above one", () => {
    expect(inputError(() => checkConstraintSet({ ...CONSTRAINTS, contentHash: `0x${"00".repeat(32)}` })).code).to.equal(
      "HASH_ZERO",
    );
    expect(inputError(() => checkConstraintSet({ ...CONSTRAINTS, uri: "" })).path).to.equal("constraints.uri");
    const path = file({ maxTurnover: "1.01" });
    expect(inputError(() => readConstraintSet(path, CONSTRAINTS)).path).to.equal(`${path}.maxTurnover`);
    expect(readConstraintSet(file({ maxPositionWeight: 1 }), CONSTRAINTS).maxPositionWeight).to.equal(WAD);
  });
});

describe("governance deployment file", () => {
  const valid = {
    chainId: 31337,
    contracts: {
      ModelRegistry: "0x0165878a594ca255338adfa4d48449f69242eb8f",
      PortfolioGovernor: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
      TimelockController: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
      PortfolioToken: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
    },
    blockNumber: 3,
    optimizerBuildHash: `0x${"AB".repeat(32)}`,
  };

  it("parses the documented format, checksumming addresses", () => {
    const d = parseDeployment(valid, "d.json");
    expect(d.contracts.ModelRegistry).to.equal("0x0165878A594ca255338adfa4d48449f69242Eb8F");
    expect(d.optimizerBuildHash).to.equal(`0x${"ab".repeat(32)}`);
  });

  it("names the bad field", () => {
    const error = inputError(() =>
      parseDeployment({ ...valid, contracts: { ...valid.contracts, PortfolioToken: "0x12" } }, "d.json"),
    );
    expect([error.code, error.path]).to.deep.equal(["DEPLOYMENT_INVALID", "d.json:contracts.PortfolioToken"]);
    expect(inputError(() => parseDeployment({ ...valid, chainId: -1 }, "d.json")).path).to.equal("d.json:chainId");
  });
});

describe("governance output formatting", () => {
  it("prints durations in days, hours and minutes", () => {
    expect(formatDuration(172_800n)).to.equal("2d 0h 0m");
    expect(formatDuration(3_660n)).to.equal("1h 1m");
    expect(formatDuration(-90n)).to.equal("-0h 1m");
  });
});
