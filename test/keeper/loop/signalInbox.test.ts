import { expect } from "chai";
import { SignalInbox } from "../../../src/keeper/loop/signalInbox.ts";

const VAULT = "0x00000000000000000000000000000000000000Aa";

describe("keeper/loop/SignalInbox", function () {
  it("takes its own vault's signals, each id once (a signal published twice triggers one cycle)", function () {
    const inbox = new SignalInbox(VAULT);
    expect(inbox.accept({ portfolio: VAULT.toLowerCase(), id: "r-1" })).to.equal("taken");
    expect(inbox.accept({ portfolio: VAULT, id: "r-1" })).to.equal("repeat");
    expect(inbox.accept({ portfolio: VAULT, id: "r-2" })).to.equal("taken");
    expect(inbox.accept({ portfolio: "0x00000000000000000000000000000000000000bB", id: "r-3" })).to.equal(
      "other-vault",
    );
  });

  it("forgets the oldest ids beyond its capacity", function () {
    const inbox = new SignalInbox(VAULT, 2);
    for (const id of ["a", "b", "c"]) expect(inbox.accept({ portfolio: VAULT, id })).to.equal("taken");
    expect(inbox.accept({ portfolio: VAULT, id: "a" })).to.equal("taken"); // forgotten, taken again
    expect(inbox.accept({ portfolio: VAULT, id: "c" })).to.equal("repeat");
  });
});
