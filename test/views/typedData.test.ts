import { expect } from "chai";
import { concat, encodeAbiParameters, keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  INVESTOR_VIEW_TYPE_STRING,
  investorViewDigest,
  investorViewDomain,
  investorViewStructHash,
  signInvestorView,
  viewSetCommitment,
  type InvestorView,
} from "../../src/views/typedData.ts";
import { fromWad, toWad } from "../../src/protocol/fixedPoint.ts";

// The worked example of docs/eip712.md; contracts/test/InvestorView/Digest.t.sol hard-codes the same
// hashes and checks that InvestorViewHash.sol computes them on-chain.
const KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // Hardhat account #0
const EXAMPLE_REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const EXAMPLE = {
  typeHash: "0x7fd385c307dd3ff8086bfbbee05a450173319fcfd24661cdba81f52d03c4e7e2",
  domainSeparator: "0x253bf15acfef1642187f8a466890cdc59357036cb10a84406f2d543d7dc56f80",
  structHash: "0x8b6a11906375ffadeaa6129252b32bec992d0e2d304114180449c5aae7800e05",
  digest: "0x84a10f5205de564e547c741d7477c272278c0ad39a2a386b2e7c73ee3122fbdd",
  commitment: "0xad2db265cc5b4b4d1c975d3a81a931944caa2882221134acb1b7f88da56f98b5",
  signature:
    "0xb8bde56524fb0bad1b6af0b1c2a3dafc24230051c870af4c8116c030c9b815b21e426bba3f177556555700a81c3349f97a31bc331336f5d843716e45d2ffcfc81c",
} as const;

const account = privateKeyToAccount(KEY);
const domain = investorViewDomain({ chainId: 31337, registry: EXAMPLE_REGISTRY });
const view: InvestorView = {
  viewSetVersion: 1n,
  assets: ["WETH", "WBTC"],
  pick: [10n ** 18n, -(10n ** 18n)],
  q: 3n * 10n ** 16n,
  confidence: 5n * 10n ** 17n,
  omega: 0n,
  nonce: 1n,
  validUntil: 1893456000n,
  signer: account.address,
};

describe("views/typedData", () => {
  it("hashes the worked example to the digest hard-coded in the Solidity test", async () => {
    expect(keccak256(toHex(INVESTOR_VIEW_TYPE_STRING))).to.equal(EXAMPLE.typeHash);
    expect(investorViewStructHash(view)).to.equal(EXAMPLE.structHash);
    expect(investorViewDigest(domain, view)).to.equal(EXAMPLE.digest);
    expect(viewSetCommitment([EXAMPLE.digest])).to.equal(EXAMPLE.commitment);
    expect(await signInvestorView(account, domain, view)).to.equal(EXAMPLE.signature);
  });

  it("matches a hand-written EIP-712 encoding (independent of viem's hashStruct)", () => {
    const word = (type: string, value: unknown): Hex => encodeAbiParameters([{ type }], [value]);
    const assetsHash = keccak256(concat(view.assets.map((a) => keccak256(toHex(a)))));
    const pickHash = keccak256(concat(view.pick.map((p) => word("int256", p))));
    const structHash = keccak256(
      concat([
        EXAMPLE.typeHash,
        word("uint64", view.viewSetVersion),
        assetsHash,
        pickHash,
        word("int256", view.q),
        word("uint256", view.confidence),
        word("uint256", view.omega),
        word("uint256", view.nonce),
        word("uint64", view.validUntil),
        word("address", view.signer),
      ]),
    );
    expect(structHash).to.equal(EXAMPLE.structHash);
    const domainTypeHash = keccak256(
      toHex("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
    );
    const separator = keccak256(
      concat([
        domainTypeHash,
        keccak256(toHex("DAO Portfolio Views")),
        keccak256(toHex("1")),
        word("uint256", 31337n),
        word("address", EXAMPLE_REGISTRY),
      ]),
    );
    expect(separator).to.equal(EXAMPLE.domainSeparator);
    expect(keccak256(concat(["0x1901", separator, structHash]))).to.equal(EXAMPLE.digest);
  });

  it("commits to order: swapping two views changes the commitment; the empty set is keccak256('')", () => {
    const other = investorViewDigest(domain, { ...view, nonce: 2n });
    expect(viewSetCommitment([EXAMPLE.digest, other])).to.not.equal(viewSetCommitment([other, EXAMPLE.digest]));
    expect(viewSetCommitment([])).to.equal(keccak256("0x"));
  });
});

describe("views/wad", () => {
  it("converts decimals exactly, without binary noise", () => {
    expect(toWad(0.1, "x")).to.equal(10n ** 17n);
    expect(toWad(0.03, "x")).to.equal(3n * 10n ** 16n);
    expect(toWad(-1, "x")).to.equal(-(10n ** 18n));
    expect(toWad(1e-7, "x")).to.equal(10n ** 11n);
    expect(toWad(1.5e21, "x")).to.equal(15n * 10n ** 38n);
    expect(toWad(1e-19, "x")).to.equal(0n);
    expect(toWad(6e-19, "x")).to.equal(1n);
    expect(fromWad(3n * 10n ** 16n)).to.equal(0.03);
    expect(fromWad(-(25n * 10n ** 16n))).to.equal(-0.25);
    expect(() => toWad(Number.NaN, "views[0].q")).to.throw("views[0].q");
  });
});
