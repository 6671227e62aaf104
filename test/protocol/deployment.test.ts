import { expect } from "chai";
import { parseDeploymentFile, parseKeeperDeployment } from "../../src/protocol/deployment.ts";
import { expectInputError } from "../helpers/expect.ts";

const A = (n: number): string => `0x${n.toString(16).padStart(40, "0")}`;
const RECORD = {
  network: "localhost",
  chainId: 31337,
  blockNumber: 1,
  optimizerBuildHash: `0x${"ab".repeat(32)}`,
  contracts: { ModelRegistry: A(1), Settlement: A(2), PortfolioVault: A(3), UniswapV2Adapter: A(4) },
  keeper: { settlement: A(2), vault: A(3), venue: A(4), router: A(5), baseToken: A(6) },
};

describe("protocol/deployment", function () {
  it("parses deployments/<network>.json once; the keeper takes its section of it", function () {
    const parsed = parseDeploymentFile(RECORD, "d.json");
    expect(parsed.contracts["Settlement"]).to.equal("0x0000000000000000000000000000000000000002");
    expect(parseKeeperDeployment(RECORD, "d.json")).to.deep.equal(parsed.keeper);
  });

  it("guesses no field names: a file without the keeper section is refused, naming it", function () {
    const flat = { chainId: 31337, contracts: {}, settlement: A(2), vault: A(3), venue: A(4) };
    expectInputError(() => parseKeeperDeployment(flat, "d.json"), "DEPLOYMENT_INVALID", "d.json:keeper");
  });

  it("names the first bad field", function () {
    const bad = { ...RECORD, keeper: { ...RECORD.keeper, venue: "0x12" } };
    expectInputError(() => parseDeploymentFile(bad, "d.json"), "DEPLOYMENT_INVALID", "d.json:keeper.venue");
    expectInputError(
      () => parseDeploymentFile({ ...RECORD, chainId: 0 }, "d.json"),
      "DEPLOYMENT_INVALID",
      "d.json:chainId",
    );
  });
});
