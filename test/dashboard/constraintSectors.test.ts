import { expect } from "chai";
import { groupSectors } from "../../src/dashboard/constraintSectors.ts";
import { InputError } from "../../src/errors.ts";

describe("dashboard/constraintSectors groupSectors", () => {
  it("takes each asset's first group, and leaves assets in no group out", () => {
    const text = JSON.stringify({
      constraints: {
        groups: [
          { name: "Tech", assets: ["AAPL", "AMZN"], upper: 0.6 },
          { name: "Growth", assets: ["AMZN"], upper: 1 },
        ],
      },
    });
    expect(groupSectors(text, "cs.json")).to.deep.equal({ AAPL: "Tech", AMZN: "Tech" });
    expect(groupSectors("{}", "cs.json")).to.deep.equal({});
  });

  it("names a malformed group by its position in the file", () => {
    const bad = JSON.stringify({ constraints: { groups: [{ name: "A", assets: ["X"] }, { assets: [1] }] } });
    try {
      groupSectors(bad, "cs.json");
      expect.fail("accepted a group without a name");
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).code).to.equal("CONSTRAINT_SET_INVALID");
      expect((error as InputError).path).to.equal("cs.json:constraints.groups[1]");
    }
  });
});
