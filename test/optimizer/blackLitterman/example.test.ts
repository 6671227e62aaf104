import { expect } from "chai";
import { readFileSync } from "node:fs";
import { blackLittermanInputs } from "../../../src/optimizer/blackLitterman/inputs.ts";
import { symmetricFromRows } from "../../../src/optimizer/matrix.ts";
import { MemoryNonceStore } from "../../../src/views/nonceStore.ts";
import { readSignedViewSet } from "../../../src/views/readSignedViewSet.ts";
import { AllowlistSignerAuthority } from "../../../src/views/signerAuthority.ts";
import { toVerifiedViewSet } from "../../../src/views/toVerifiedViewSet.ts";
import { verifyViews } from "../../../src/views/verifyViews.ts";

const DIR = new URL("../../../docs/examples/signed-views/", import.meta.url).pathname;

describe("docs/examples/signed-views: verified views → Black-Litterman inputs", () => {
  it("gives the prior, posterior and implied weights printed in the example's README", async () => {
    const problem = JSON.parse(readFileSync(`${DIR}problem.json`, "utf8")) as {
      assets: string[];
      covariance: number[][];
      blackLitterman: { signedViews: string };
    };
    const file = await readSignedViewSet(`${DIR}${problem.blackLitterman.signedViews}`);
    const { accepted, rejections, commitment } = await verifyViews(file, {
      chainId: 31337,
      registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      now: 1_800_000_000n,
      authority: new AllowlistSignerAuthority(["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"]),
      nonces: new MemoryNonceStore(),
    });
    expect(rejections).to.deep.equal([]);
    expect(commitment).to.equal(file.commitment);
    const { signedViews: _path, ...section } = problem.blackLitterman;
    const bl = blackLittermanInputs(
      { ...section, verifiedViews: toVerifiedViewSet(accepted, commitment) },
      { assets: problem.assets, sigma: symmetricFromRows(problem.covariance, "covariance") },
    );
    const round = (v: Float64Array | null): number[] => Array.from(v ?? [], (x) => Number(x.toFixed(3)) + 0);
    expect(round(bl.priorReturns)).to.deep.equal([0.665, 0.641, 0.04, 0.626, 0.656, 0.675]);
    expect(round(bl.posteriorReturns)).to.deep.equal([0.541, 0.532, 0.04, 0.474, 0.484, 0.425]);
    expect(round(bl.impliedWeights)).to.deep.equal([0.348, 0.799, 0.04, 0.021, -0.004, -0.205]);
    expect(bl.viewSetCommitment).to.equal("0x0c1c47cb19a7fda3886694b605f4d6484a3a471bb5f0c6245ba2f1c6928a193b");
  });
});
