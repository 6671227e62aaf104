import { expect } from "chai";
import { evidenceDescriptionBlock, parseEvidenceDescription } from "../../src/backtest/evidenceDescription.ts";

const sha256 = `0x${"ab".repeat(32)}` as const;
const summary = "backtest 2020-03-02…2020-08-11, calendar:monthly: Sharpe 1.10 → 1.30, max drawdown 9.0% → 8.1%";

describe("backtest/evidenceDescription", () => {
  it("parses back the block it appends to a description", () => {
    const description = `ModelRegistry: set strategy parameters: riskAversion 2.5 → 8${evidenceDescriptionBlock({ sha256, summary })}`;
    expect(description).to.equal(
      `ModelRegistry: set strategy parameters: riskAversion 2.5 → 8\n\nEvidence: sha256 ${sha256} — ${summary}`,
    );
    expect(parseEvidenceDescription(description)).to.deep.equal({ sha256, summary });
  });

  it("lowercases the hash and keeps the summary on one line", () => {
    const block = evidenceDescriptionBlock({ sha256: `0x${"AB".repeat(32)}`, summary: "a\nb" });
    expect(block).to.equal(`\n\nEvidence: sha256 ${sha256} — a b`);
  });

  it("finds no claim in a description without the block, or with a malformed hash or the block not last", () => {
    expect(parseEvidenceDescription("add a view signer")).to.equal(null);
    expect(parseEvidenceDescription(`x\n\nEvidence: sha256 0x${"ab".repeat(31)} — s`)).to.equal(null);
    expect(parseEvidenceDescription(`x\n\nEvidence: sha256 ${sha256} — s\nmore text`)).to.equal(null);
  });
});
