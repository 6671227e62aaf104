import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";

const example = new URL("../../../docs/examples/signed-views/", import.meta.url).pathname;
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("portfolio optimize with signed views", () => {
  it("verifies the view set and reports its commitment in the result", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "opt-")), "result.json");
    const args = ["optimize", "--in", join(example, "problem.json"), "--out", out];
    const code = await main([...args, "--chain-id", "31337", "--registry", REGISTRY, "--signers", SIGNER]);
    expect(code).to.equal(0);
    const result = JSON.parse(readFileSync(out, "utf8")) as {
      status: string;
      viewSetCommitment: string;
      viewSources: { source: string; signer?: string }[];
    };
    expect(result.status).to.equal("optimal");
    // Every view entered as a verified view, with its signer.
    expect(result.viewSources.length).to.be.greaterThan(0);
    for (const s of result.viewSources) expect(s).to.include({ source: "verified", signer: SIGNER });
    const signed = JSON.parse(readFileSync(join(example, "signed.json"), "utf8")) as { commitment?: string };
    expect(result.viewSetCommitment).to.equal(
      signed.commitment ?? "0x0c1c47cb19a7fda3886694b605f4d6484a3a471bb5f0c6245ba2f1c6928a193b",
    );
  });

  it("uses no view from an unauthorised signer: every view is rejected and the problem has none", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "opt-")), "result.json");
    const code = await main([
      "optimize",
      "--in",
      join(example, "problem.json"),
      "--out",
      out,
      "--chain-id",
      "31337",
      "--registry",
      REGISTRY,
      "--signers",
      "0x0000000000000000000000000000000000000001",
    ]);
    // With every view rejected Black-Litterman has no views: the posterior equals the prior.
    expect(code).to.equal(0);
    const result = JSON.parse(readFileSync(out, "utf8")) as { priorReturns: number[]; posteriorReturns: number[] };
    result.priorReturns.forEach((p, i) => expect(Math.abs(p - result.posteriorReturns[i]!)).to.be.lessThan(1e-12));
  });

  it("exits 2 when the verification options are missing", async () => {
    expect(await main(["optimize", "--in", join(example, "problem.json")])).to.equal(2);
  });
});
