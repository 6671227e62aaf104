import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../src/errors.ts";
import { readJsonFile, readJsonFileAsync } from "../src/jsonFile.ts";

describe("jsonFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "json-file-"));
  const good = join(dir, "good.json");
  const bad = join(dir, "bad.json");
  writeFileSync(good, '{"a":[1,2]}');
  writeFileSync(bad, "{ not json");

  it("parses a file, sync and async alike", async () => {
    expect(readJsonFile(good, { field: "--in" })).to.deep.equal({ a: [1, 2] });
    expect(await readJsonFileAsync(good, { field: "--in" })).to.deep.equal({ a: [1, 2] });
  });

  it("names the field for a missing file and the chosen path for malformed JSON, with the caller's codes", async () => {
    const errors = {
      field: "--deployment",
      invalidPath: bad,
      unreadableCode: "X_UNREADABLE",
      invalidCode: "X_INVALID",
    };
    for (const read of [readJsonFile, readJsonFileAsync]) {
      const missing = await Promise.resolve()
        .then(() => read(join(dir, "absent.json"), errors))
        .catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(InputError).and.to.include({ code: "X_UNREADABLE", path: "--deployment" });
      const malformed = await Promise.resolve()
        .then(() => read(bad, errors))
        .catch((e: unknown) => e);
      expect(malformed).to.be.instanceOf(InputError).and.to.include({ code: "X_INVALID", path: bad });
      expect((malformed as InputError).message).to.contain("is not valid JSON");
    }
  });

  it("defaults to FILE_UNREADABLE and JSON_MALFORMED at the field", () => {
    expect(() => readJsonFile(bad, { field: "--in" }))
      .to.throw(InputError)
      .with.property("code", "JSON_MALFORMED");
    expect(() => readJsonFile(join(dir, "absent.json"), { field: "--in" }))
      .to.throw(InputError)
      .with.property("code", "FILE_UNREADABLE");
  });
});
