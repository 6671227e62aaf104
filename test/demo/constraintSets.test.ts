import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_SECTORS, sectorGroups, writeConstraintSet } from "../../src/demo/constraintSets.ts";
import { groupSectors } from "../../src/dashboard/constraintSectors.ts";

describe("demo/constraintSets", () => {
  it("stores a constraint set under its sha256 and records that name, not a path, as the URI", () => {
    const dir = mkdtempSync(join(tmpdir(), "cs-"));
    const written = writeConstraintSet(dir, "cash", { constraints: { bounds: { lower: 0, upper: 0.39 } } });
    const bytes = readFileSync(join(dir, "constraint-sets", written.uri));
    const hex = createHash("sha256").update(bytes).digest("hex");
    expect(written.uri).to.equal(`${hex}.json`);
    expect(written.contentHash).to.equal(`0x${hex}`);
    const record = JSON.parse(readFileSync(written.recordFile, "utf8")) as Record<string, string>;
    expect(record).to.deep.equal({
      contentHash: `0x${hex}`,
      uri: `${hex}.json`,
      maxPositionWeight: "0.4",
      maxTurnover: "0.3",
    });
  });

  it("labels every demo asset with its sector through non-binding groups the dashboard reads back", () => {
    const symbols = Object.keys(DEMO_SECTORS);
    const groups = sectorGroups([...symbols, "UNKNOWN"]);
    expect(groups.flatMap((g) => g.assets)).to.deep.equal(symbols);
    for (const g of groups) expect(g.upper).to.equal(1);
    const text = JSON.stringify({ constraints: { groups } });
    expect(groupSectors(text, "cs.json")).to.deep.equal(DEMO_SECTORS);
  });
});
