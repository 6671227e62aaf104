import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Writable } from "node:stream";
import { createPublicClient, custom, getAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { FileNonceStore, MemoryNonceStore } from "../../src/views/nonceStore.ts";
import { AllowlistSignerAuthority, RegistrySignerAuthority } from "../../src/views/signerAuthority.ts";
import {
  investorViewToJson,
  parseSignedViewSetFile,
  signViewSet,
  type SignedViewSetFile,
} from "../../src/views/signedViewSet.ts";
import {
  investorViewDigest,
  investorViewDomain,
  signInvestorView,
  viewSetCommitment,
  type InvestorView,
} from "../../src/views/typedData.ts";
import { verifyViews, type VerifyViewsParameters, type ViewLogger } from "../../src/views/verifyViews.ts";

const { ethers, provider } = await network.create();
const publicClient = createPublicClient({ transport: custom(provider) });
const chainId = Number((await ethers.provider.getNetwork()).chainId);

const alice = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const mallory = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const REGISTRY: Address = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
const NOW = 1_800_000_000n;

function baseView(overrides: Partial<InvestorView> = {}): InvestorView {
  return {
    viewSetVersion: 3n,
    assets: ["WETH", "WBTC"],
    pick: [10n ** 18n, -(10n ** 18n)],
    q: 3n * 10n ** 16n,
    confidence: 5n * 10n ** 17n,
    omega: 0n,
    nonce: 1n,
    validUntil: NOW + 3600n,
    signer: alice.address,
    ...overrides,
  };
}

const domain = investorViewDomain({ chainId, registry: REGISTRY });

async function fileOf(views: InvestorView[], d = domain, account = alice): Promise<SignedViewSetFile> {
  return parseSignedViewSetFile(JSON.parse(JSON.stringify(await signViewSet(account, d, views))));
}

function params(overrides: Partial<VerifyViewsParameters> = {}): VerifyViewsParameters {
  return {
    chainId,
    registry: REGISTRY,
    now: NOW,
    authority: new AllowlistSignerAuthority([alice.address]),
    nonces: new MemoryNonceStore(),
    ...overrides,
  };
}

/** Runs one file and returns the single rejection code (asserting nothing was accepted). */
async function onlyRejection(file: SignedViewSetFile, p: VerifyViewsParameters = params()): Promise<string> {
  const result = await verifyViews(file, p);
  expect(result.accepted).to.have.length(0);
  expect(result.rejections).to.have.length(1);
  return result.rejections[0]!.code;
}

describe("views/verifyViews", () => {
  it("accepts a well-formed view signed by an authorised EOA and commits to its digest", async () => {
    const file = await fileOf([baseView()]);
    const result = await verifyViews(file, params());
    expect(result.rejections).to.deep.equal([]);
    expect(result.accepted).to.have.length(1);
    const digest = investorViewDigest(domain, baseView());
    expect(result.accepted[0]!.digest).to.equal(digest);
    expect(result.commitment).to.equal(viewSetCommitment([digest]));
    expect(file.commitment).to.equal(result.commitment);
  });

  it("VIEW_MALFORMED: wrong types, length mismatch, zero portfolio, confidence > 1, missing omega", async () => {
    const good = (await fileOf([baseView()])).views[0] as { view: Record<string, unknown>; signature: Hex };
    const variants: [Record<string, unknown>, string][] = [
      [{ ...good.view, q: "0.03" }, "views[0].view.q"],
      [{ ...good.view, pick: ["1000000000000000000"] }, "views[0].view.pick"],
      [{ ...good.view, pick: ["0", "0"] }, "views[0].view.pick"],
      [{ ...good.view, assets: ["WETH", "WETH"] }, "views[0].view.assets[1]"],
      [{ ...good.view, confidence: (2n * 10n ** 18n).toString() }, "views[0].view.confidence"],
      [{ ...good.view, confidence: "0", omega: "0" }, "views[0].view.omega"],
      [{ ...good.view, viewSetVersion: (2n ** 64n).toString() }, "views[0].view.viewSetVersion"],
      [{ ...good.view, extra: 1 }, "views[0].view"],
    ];
    for (const [view, field] of variants) {
      const result = await verifyViews({ domain, views: [{ view, signature: good.signature }] }, params());
      expect(result.accepted, field).to.have.length(0);
      expect(result.rejections[0]?.code, field).to.equal("VIEW_MALFORMED");
      expect(result.rejections[0]?.field, field).to.equal(field);
    }
  });

  it("VIEW_WRONG_DOMAIN, VIEW_WRONG_CHAIN and VIEW_WRONG_CONTRACT", async () => {
    expect(await onlyRejection(await fileOf([baseView()], { ...domain, name: "Other" }))).to.equal("VIEW_WRONG_DOMAIN");
    expect(await onlyRejection(await fileOf([baseView()], { ...domain, version: "2" }))).to.equal("VIEW_WRONG_DOMAIN");
    expect(await onlyRejection(await fileOf([baseView()], { ...domain, chainId: 1 }))).to.equal("VIEW_WRONG_CHAIN");
    const otherRegistry = investorViewDomain({ chainId, registry: "0x0000000000000000000000000000000000000001" });
    expect(await onlyRejection(await fileOf([baseView()], otherRegistry))).to.equal("VIEW_WRONG_CONTRACT");
  });

  it("VIEW_EXPIRED after validUntil (valid up to and including it)", async () => {
    const file = await fileOf([baseView({ validUntil: NOW })]);
    expect((await verifyViews(file, params())).accepted).to.have.length(1);
    expect(await onlyRejection(file, params({ now: NOW + 1n }))).to.equal("VIEW_EXPIRED");
  });

  it("VIEW_BAD_SIGNATURE: another key, a tampered field, garbage bytes", async () => {
    // Mallory signs a view that claims Alice as signer.
    expect(await onlyRejection(await fileOf([baseView()], domain, mallory))).to.equal("VIEW_BAD_SIGNATURE");
    const file = await fileOf([baseView()]);
    const entry = file.views[0] as { view: Record<string, unknown>; signature: Hex };
    const tampered = { ...entry, view: { ...entry.view, q: (5n * 10n ** 16n).toString() } };
    expect(await onlyRejection({ domain, views: [tampered] })).to.equal("VIEW_BAD_SIGNATURE");
    expect(await onlyRejection({ domain, views: [{ ...entry, signature: "0x1234" }] })).to.equal("VIEW_BAD_SIGNATURE");
  });

  it("any change to any signed field after signing is VIEW_BAD_SIGNATURE (property)", async () => {
    const file = await fileOf([baseView()]);
    const entry = file.views[0] as { view: Record<string, unknown>; signature: Hex };
    const mutations: ((v: Record<string, unknown>, d: bigint) => Record<string, unknown>)[] = [
      (v, d) => ({ ...v, q: (BigInt(v.q as string) + d).toString() }),
      (v, d) => ({ ...v, nonce: (BigInt(v.nonce as string) + d).toString() }),
      (v, d) => ({ ...v, viewSetVersion: (BigInt(v.viewSetVersion as string) + d).toString() }),
      (v, d) => ({ ...v, validUntil: (BigInt(v.validUntil as string) + d).toString() }),
      (v, d) => ({ ...v, confidence: (BigInt(v.confidence as string) - d).toString() }),
      (v, d) => ({ ...v, pick: [(10n ** 18n + d).toString(), (-(10n ** 18n)).toString()] }),
      (v) => ({ ...v, assets: ["WBTC", "WETH"] }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: mutations.length - 1 }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        async (m, d) => {
          const mutated = { ...entry, view: mutations[m]!(entry.view, d) };
          expect(await onlyRejection({ domain, views: [mutated] })).to.equal("VIEW_BAD_SIGNATURE");
        },
      ),
      { numRuns: 30, seed: 712 },
    );
  });

  it("VIEW_SIGNER_UNAUTHORISED for a valid signature by a signer not on the allowlist", async () => {
    const file = await fileOf([baseView({ signer: mallory.address })], domain, mallory);
    expect(await onlyRejection(file)).to.equal("VIEW_SIGNER_UNAUTHORISED");
  });

  it("VIEW_NONCE_REPLAYED: the same file twice, and a duplicate nonce within one file", async () => {
    const nonces = new MemoryNonceStore();
    const file = await fileOf([baseView()]);
    expect((await verifyViews(file, params({ nonces }))).accepted).to.have.length(1);
    expect(await onlyRejection(file, params({ nonces }))).to.equal("VIEW_NONCE_REPLAYED");

    const twice = await fileOf([baseView({ q: 1n }), baseView({ q: 2n })]);
    const result = await verifyViews(twice, params());
    expect(result.accepted.map((a) => a.index)).to.deep.equal([0]);
    expect(result.rejections.map((r) => [r.index, r.code])).to.deep.equal([[1, "VIEW_NONCE_REPLAYED"]]);
  });

  it("a dry run (commit: false) records nothing", async () => {
    const nonces = new MemoryNonceStore();
    const file = await fileOf([baseView()]);
    await verifyViews(file, params({ nonces, commit: false }));
    expect((await verifyViews(file, params({ nonces }))).accepted).to.have.length(1);
  });

  it("VIEW_STALE_VERSION below the last accepted version; the same version is still accepted", async () => {
    const nonces = new MemoryNonceStore();
    await verifyViews(await fileOf([baseView({ viewSetVersion: 5n, nonce: 10n })]), params({ nonces }));
    expect(await nonces.lastAcceptedVersion()).to.equal(5n);
    expect(
      (await verifyViews(await fileOf([baseView({ viewSetVersion: 5n, nonce: 11n })]), params({ nonces }))).accepted,
    ).to.have.length(1);
    const stale = await fileOf([baseView({ viewSetVersion: 4n, nonce: 12n })]);
    expect(await onlyRejection(stale, params({ nonces }))).to.equal("VIEW_STALE_VERSION");
  });

  it("rejects views one by one: the good ones of a mixed set are accepted and committed in order", async () => {
    const views = [baseView({ nonce: 1n }), baseView({ nonce: 2n, validUntil: NOW - 1n }), baseView({ nonce: 3n })];
    const result = await verifyViews(await fileOf(views), params());
    expect(result.accepted.map((a) => a.index)).to.deep.equal([0, 2]);
    expect(result.rejections.map((r) => r.code)).to.deep.equal(["VIEW_EXPIRED"]);
    expect(result.commitment).to.equal(viewSetCommitment(result.accepted.map((a) => a.digest)));
  });

  it("logs each rejection at warn and each acceptance at info through a pino logger", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done): void {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger: ViewLogger = pino({ level: "info" }, sink);
    const file = await fileOf([baseView({ nonce: 1n }), baseView({ nonce: 2n, validUntil: 0n })]);
    await verifyViews(file, params({ logger }));
    await new Promise((r) => setImmediate(r));
    const records = lines.map((l) => JSON.parse(l) as { level: number; event: string; code?: string; index: number });
    expect(records.map((r) => [r.event, r.index, r.code])).to.deep.equal([
      ["view_accepted", 0, undefined],
      ["view_rejected", 1, "VIEW_EXPIRED"],
    ]);
    expect(records[1]!.level).to.equal(40); // pino warn
  });

  it("ERC-1271: accepts a contract wallet's signature through isValidSignature, rejects a stranger's", async () => {
    const wallet = await ethers.deployContract("ERC1271WalletMock", [alice.address]);
    const walletAddress = getAddress(await wallet.getAddress());
    const view = baseView({ signer: walletAddress });
    // The wallet's owner signs the digest; the wallet vouches for it on-chain.
    const signature = await signInvestorView(alice, domain, view);
    const file: SignedViewSetFile = { domain, views: [{ view: investorViewToJson(view), signature }] };
    const authority = new AllowlistSignerAuthority([walletAddress]);
    const ok = await verifyViews(file, params({ authority, erc1271: publicClient }));
    expect(ok.rejections).to.deep.equal([]);
    expect(ok.accepted).to.have.length(1);

    // Without a chain reader the contract signature cannot be checked: rejected, never assumed.
    expect(await onlyRejection(file, params({ authority }))).to.equal("VIEW_BAD_SIGNATURE");
    const strangers = await signInvestorView(mallory, domain, view);
    const bad: SignedViewSetFile = { domain, views: [{ view: investorViewToJson(view), signature: strangers }] };
    expect(await onlyRejection(bad, params({ authority, erc1271: publicClient }))).to.equal("VIEW_BAD_SIGNATURE");
  });

  it("RegistrySignerAuthority reads isViewSigner from the registry at every call", async () => {
    const registry = await ethers.deployContract("ViewSignerRegistryMock");
    const authority = new RegistrySignerAuthority(publicClient, getAddress(await registry.getAddress()));
    expect(await authority.isViewSigner(alice.address)).to.equal(false);
    await (await registry.setViewSigner(alice.address, true)).wait();
    expect(await authority.isViewSigner(alice.address)).to.equal(true);
    const file = await fileOf([baseView()]);
    expect((await verifyViews(file, params({ authority }))).accepted).to.have.length(1);
    await (await registry.setViewSigner(alice.address, false)).wait();
    expect(await onlyRejection(await fileOf([baseView({ nonce: 9n })]), params({ authority }))).to.equal(
      "VIEW_SIGNER_UNAUTHORISED",
    );
  });

  it("FileNonceStore persists nonces and version across instances; a corrupt file is an InputError", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nonces-"));
    const path = join(dir, "state", "nonces.json");
    const file = await fileOf([baseView({ viewSetVersion: 7n })]);
    expect((await verifyViews(file, params({ nonces: new FileNonceStore(path) }))).accepted).to.have.length(1);
    const reopened = new FileNonceStore(path);
    expect(await reopened.lastAcceptedVersion()).to.equal(7n);
    expect(await onlyRejection(file, params({ nonces: reopened }))).to.equal("VIEW_NONCE_REPLAYED");
    expect(JSON.parse(readFileSync(path, "utf8"))).to.deep.equal({
      lastAcceptedVersion: "7",
      used: { [alice.address.toLowerCase()]: ["1"] },
    });
    writeFileSync(path, "{not json");
    expect(() => new FileNonceStore(path))
      .to.throw("not valid JSON")
      .with.property("code", "NONCE_STORE_MALFORMED");
  });

  it("a malformed envelope is an InputError naming the field", () => {
    expect(() => parseSignedViewSetFile({ domain: { ...domain, chainId: "x" }, views: [] })).to.throw(
      "signedViews.domain.chainId",
    );
    expect(() => parseSignedViewSetFile({ domain })).to.throw("signedViews.views");
  });
});
