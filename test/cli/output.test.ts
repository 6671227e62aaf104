import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOutputDirectory, useColour, writeOutputFile } from "../../src/cli/output.ts";
import { InputError } from "../../src/errors.ts";

describe("cli: output", () => {
  it("colour only on a terminal, and never with NO_COLOR or TERM=dumb", () => {
    expect(useColour({ isTTY: true }, {})).to.equal(true);
    expect(useColour({}, {})).to.equal(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: "1" })).to.equal(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: "" })).to.equal(true);
    expect(useColour({ isTTY: true }, { TERM: "dumb" })).to.equal(false);
  });

  it("an unwritable output file is FILE_UNWRITABLE naming the option", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-output-"));
    writeOutputFile(join(dir, "ok.txt"), "x", "--out");
    expect(readFileSync(join(dir, "ok.txt"), "utf8")).to.equal("x");
    for (const attempt of [
      () => writeOutputFile(join(dir, "no", "f.svg"), "x", "--plot"),
      () => checkOutputDirectory(join(dir, "no", "f.svg"), "--plot"),
      () => checkOutputDirectory(join(dir, "ok.txt", "f.svg"), "--plot"),
    ]) {
      try {
        attempt();
        expect.fail("did not throw");
      } catch (error) {
        expect(error).to.be.instanceOf(InputError);
        expect([(error as InputError).code, (error as InputError).path]).to.deep.equal(["FILE_UNWRITABLE", "--plot"]);
      }
    }
    expect(() => checkOutputDirectory(join(dir, "new.svg"), "--plot")).to.not.throw();
  });
});
