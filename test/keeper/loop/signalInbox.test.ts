import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../../src/errors.ts";
import { SignalInbox, signalRecordPath } from "../../../src/keeper/loop/signalInbox.ts";

const VAULT = "0x00000000000000000000000000000000000000Aa";

describe("keeper/loop/SignalInbox", function () {
  it("knows its own vault's signals, and an id once its cycle ended (a signal published twice triggers one cycle)", function () {
    const inbox = new SignalInbox(VAULT);
    expect(inbox.verdict({ portfolio: VAULT.toLowerCase(), id: "r-1" })).to.equal("new");
    // Still new until the cycle it triggered has ended.
    expect(inbox.verdict({ portfolio: VAULT, id: "r-1" })).to.equal("new");
    inbox.markProcessed("r-1", "settled");
    expect(inbox.verdict({ portfolio: VAULT, id: "r-1" })).to.equal("processed");
    expect(inbox.verdict({ portfolio: VAULT, id: "r-2" })).to.equal("new");
    expect(inbox.verdict({ portfolio: "0x00000000000000000000000000000000000000bB", id: "r-3" })).to.equal(
      "other-vault",
    );
  });

  it("keeps the processed ids in <inputs-dir>/rebalance-signals-<vault>.json, so a restarted keeper knows them", function () {
    const dir = mkdtempSync(join(tmpdir(), "signal-inbox-"));
    const path = signalRecordPath(dir, VAULT);
    expect(path).to.equal(join(dir, `rebalance-signals-${VAULT.toLowerCase()}.json`));
    const before = SignalInbox.open(VAULT, path);
    before.markProcessed("r-1", "nothing-to-do");
    const after = SignalInbox.open(VAULT, path);
    expect(after.verdict({ portfolio: VAULT, id: "r-1" })).to.equal("processed");
    expect(after.verdict({ portfolio: VAULT, id: "r-2" })).to.equal("new");
    const record = JSON.parse(readFileSync(path, "utf8")) as { vault: string; processed: { id: string }[] };
    expect(record.vault).to.equal(VAULT.toLowerCase());
    expect(record.processed.map((e) => e.id)).to.deep.equal(["r-1"]);
  });

  it("refuses a record that is not this vault's or not a record, rather than forgetting it", function () {
    const dir = mkdtempSync(join(tmpdir(), "signal-inbox-"));
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ vault: "0xbb", processed: [] }));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{");
    for (const path of [other, broken]) {
      const error = ((): unknown => {
        try {
          return SignalInbox.open(VAULT, path);
        } catch (e) {
          return e;
        }
      })();
      expect(error).to.be.instanceOf(InputError).with.property("code", "SIGNAL_RECORD_INVALID");
    }
  });

  it("forgets the oldest ids beyond its capacity", function () {
    const inbox = new SignalInbox(VAULT, { capacity: 2 });
    for (const id of ["a", "b", "c"]) inbox.markProcessed(id, "settled");
    expect(inbox.verdict({ portfolio: VAULT, id: "a" })).to.equal("new"); // forgotten
    expect(inbox.verdict({ portfolio: VAULT, id: "c" })).to.equal("processed");
  });
});
