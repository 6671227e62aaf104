import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/errors.ts";
import { readSignedViewSet } from "../../src/views/readSignedViewSet.ts";

const EXAMPLE = new URL("../../docs/examples/signed-views/signed.json", import.meta.url).pathname;

async function rejection(path: string): Promise<InputError> {
  try {
    await readSignedViewSet(path);
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  return expect.fail("expected an InputError");
}

describe("views/readSignedViewSet", () => {
  it("reads the committed example", async () => {
    const file = await readSignedViewSet(EXAMPLE);
    expect(file.views).to.have.length(3);
    expect(file.domain.chainId).to.equal(31337);
  });

  it("names the field for a missing file, invalid JSON and a malformed envelope", async () => {
    const dir = mkdtempSync(join(tmpdir(), "signed-"));
    expect((await rejection(join(dir, "absent.json"))).code).to.equal("FILE_UNREADABLE");
    writeFileSync(join(dir, "bad.json"), "{");
    const bad = await rejection(join(dir, "bad.json"));
    expect([bad.code, bad.path]).to.deep.equal(["JSON_MALFORMED", "blackLitterman.signedViews"]);
    writeFileSync(join(dir, "envelope.json"), JSON.stringify({ views: [] }));
    const envelope = await rejection(join(dir, "envelope.json"));
    expect([envelope.code, envelope.path]).to.deep.equal(["VIEW_SET_MALFORMED", "blackLitterman.signedViews.domain"]);
  });
});
