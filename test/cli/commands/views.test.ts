import { expect } from "chai";
import { encryptKeystoreJsonSync } from "ethers";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { main } from "../../../src/cli/main.ts";
import { decryptKeystore } from "../../../src/views/keystore.ts";

const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SIGNER = privateKeyToAccount(KEY).address;
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const EXAMPLE = new URL("../../../docs/examples/signed-views/view.json", import.meta.url).pathname;
const EXAMPLE_SIGNED = new URL("../../../docs/examples/signed-views/signed.json", import.meta.url).pathname;

/** Runs the CLI in-process, capturing stdout and stderr. */
async function run(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; out: string; err: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) Reflect.deleteProperty(process.env, k);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.env = saved;
  }
}

describe("cli: portfolio views", () => {
  const dir = mkdtempSync(join(tmpdir(), "views-cli-"));
  const signed = join(dir, "signed.json");
  const common = ["--chain-id", "31337", "--registry", REGISTRY];

  it("signs the example with the environment key and verifies it (exit 0)", async () => {
    const sign = await run(["views", "sign", "--in", EXAMPLE, "--out", signed, ...common], { PORTFOLIO_VIEW_KEY: KEY });
    expect(sign.code, sign.err).to.equal(0);
    expect(sign.out).to.contain(`signed 3 view(s) as ${SIGNER}`);
    // ECDSA signatures are deterministic (RFC 6979): the committed example stays reproducible.
    expect(JSON.parse(readFileSync(signed, "utf8"))).to.deep.equal(JSON.parse(readFileSync(EXAMPLE_SIGNED, "utf8")));
    const verify = await run([
      "views",
      "verify",
      "--in",
      signed,
      ...common,
      "--signers",
      SIGNER,
      "--now",
      "1800000000",
    ]);
    expect(verify.code, verify.err).to.equal(0);
    expect(verify.out.match(/ {2}accepted {2}/g)).to.have.length(3);
    // The first view of the example is docs/eip712.md's worked example.
    expect(verify.out).to.contain("0x84a10f5205de564e547c741d7477c272278c0ad39a2a386b2e7c73ee3122fbdd");
  });

  it("prints each rejection with its code and exits 3", async () => {
    const file = JSON.parse(readFileSync(signed, "utf8")) as { views: { view: { q: string } }[] };
    file.views[1]!.view.q = "90000000000000000";
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify(file));
    const res = await run([
      "views",
      "verify",
      "--in",
      tampered,
      ...common,
      "--signers",
      SIGNER,
      "--now",
      "1800000000",
      "--json",
    ]);
    expect(res.code).to.equal(3);
    const report = JSON.parse(res.out) as { accepted: unknown[]; rejections: { index: number; code: string }[] };
    expect(report.accepted).to.have.length(2);
    expect(report.rejections.map((r) => [r.index, r.code])).to.deep.equal([[1, "VIEW_BAD_SIGNATURE"]]);
    expect(res.err).to.contain("VIEWS_REJECTED");
    const expired = await run([
      "views",
      "verify",
      "--in",
      signed,
      ...common,
      "--signers",
      SIGNER,
      "--now",
      "1900000000",
    ]);
    expect(expired.code).to.equal(3);
    expect(expired.out.match(/VIEW_EXPIRED/g)).to.have.length(3);
  });

  it("signs with an encrypted keystore and its password from the environment; a wrong password exits 3", async () => {
    const keystore = join(dir, "key.json");
    writeFileSync(
      keystore,
      encryptKeystoreJsonSync({ address: SIGNER, privateKey: KEY }, "hunter2", { scrypt: { N: 1024 } }),
    );
    expect(decryptKeystore(readFileSync(keystore, "utf8"), "hunter2")).to.equal(KEY);
    const out = join(dir, "from-keystore.json");
    const ok = await run(["views", "sign", "--in", EXAMPLE, "--keystore", keystore, "--out", out, ...common], {
      PORTFOLIO_KEYSTORE_PASSWORD: "hunter2",
      PORTFOLIO_VIEW_KEY: undefined,
    });
    expect(ok.code, ok.err).to.equal(0);
    expect(readFileSync(out, "utf8")).to.equal(readFileSync(signed, "utf8"));
    const wrong = await run(["views", "sign", "--in", EXAMPLE, "--keystore", keystore, ...common], {
      PORTFOLIO_KEYSTORE_PASSWORD: "wrong",
    });
    expect(wrong.code).to.equal(3);
    expect(wrong.err).to.contain("KEYSTORE_WRONG_PASSWORD");
  });

  it("bad input exits 2 naming the field: no key, malformed request, bad registry, no authority", async () => {
    const noKey = await run(["views", "sign", "--in", EXAMPLE, ...common], { PORTFOLIO_VIEW_KEY: undefined });
    expect([noKey.code, noKey.err]).to.deep.equal([
      2,
      "portfolio: PORTFOLIO_VIEW_KEY: set PORTFOLIO_VIEW_KEY or pass --keystore [VIEW_KEY_MISSING]\n",
    ]);
    const request = join(dir, "bad-request.json");
    writeFileSync(
      request,
      JSON.stringify({
        viewSetVersion: 1,
        validUntil: 0,
        nonce: 1,
        views: [{ assets: { A: 1 }, q: 0.1, confidence: 2 }],
      }),
    );
    const bad = await run(["views", "sign", "--in", request, ...common], { PORTFOLIO_VIEW_KEY: KEY });
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain("views.views[0].confidence");
    const registry = await run([
      "views",
      "verify",
      "--in",
      signed,
      "--chain-id",
      "31337",
      "--registry",
      "0x12",
      "--signers",
      SIGNER,
    ]);
    expect([registry.code, registry.err]).to.deep.equal([
      2,
      "portfolio: --registry: not an address: 0x12 [ADDRESS_INVALID]\n",
    ]);
    const none = await run(["views", "verify", "--in", signed, ...common]);
    expect(none.code).to.equal(2);
    expect(none.err).to.contain("VIEW_AUTHORITY_MISSING");
  });
});
