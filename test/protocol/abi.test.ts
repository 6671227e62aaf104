import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeErrorResult, encodeErrorResult } from "viem";
import { GENERATED_DIR, renderGeneratedModules } from "../../scripts/abiModule.ts";
import { chainlinkPriceOracleAbi, portfolioGovernorAbi, settlementAbi } from "../../src/protocol/abi.ts";

const root = join(import.meta.dirname, "../..");

describe("protocol/abi", function () {
  it("is exactly what the compiled contracts declare (run `npm run generate:abi` after a contract change)", function () {
    const dir = join(root, GENERATED_DIR);
    const fromArtifacts = renderGeneratedModules(root);
    expect(readdirSync(dir).sort(), `files in ${GENERATED_DIR}`).to.deep.equal([...fromArtifacts.keys()].sort());
    for (const [file, text] of fromArtifacts) {
      const committed = readFileSync(join(dir, file), "utf8");
      expect(
        committed === text,
        `${GENERATED_DIR}/${file} differs from the build artifacts: npm run generate:abi`,
      ).to.equal(true);
    }
  });

  it("decodes a revert the oracle raised inside a settle with the settlement's ABI", function () {
    const data = encodeErrorResult({
      abi: chainlinkPriceOracleAbi,
      errorName: "Oracle__NoFeed",
      args: ["0x0000000000000000000000000000000000000001"],
    });
    const decoded = decodeErrorResult({ abi: settlementAbi, data });
    expect(decoded.errorName).to.equal("Oracle__NoFeed");
  });

  it("carries the settlement's own entry points and the timelock errors the governor bubbles", function () {
    const names = new Set<string>(settlementAbi.filter((x) => x.type === "function").map((x) => x.name));
    for (const name of ["settle", "settleSigned", "lock", "fill", "finalize", "rollback", "statusOf", "haltedBy"]) {
      expect(names.has(name), name).to.equal(true);
    }
    expect(
      portfolioGovernorAbi.some((x) => x.type === "error" && x.name === "TimelockUnexpectedOperationState"),
    ).to.equal(true);
  });
});
