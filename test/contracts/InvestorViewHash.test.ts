import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";
import { getAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  investorViewDigest,
  investorViewDomain,
  signInvestorView,
  viewSetCommitment,
  type InvestorView,
} from "../../src/views/typedData.ts";
import type { InvestorViewHashHarness } from "../../types/ethers-contracts/index.ts";

const { ethers } = await network.create();

const uint = (bits: number): fc.Arbitrary<bigint> => fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n });
const int256 = fc.bigInt({ min: -(2n ** 255n), max: 2n ** 255n - 1n });
const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => getAddress(`0x${Buffer.from(b).toString("hex")}`));
const view: fc.Arbitrary<InvestorView> = fc
  .array(fc.tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), int256), { minLength: 0, maxLength: 5 })
  .chain((legs) =>
    fc.record({
      viewSetVersion: uint(64),
      assets: fc.constant(legs.map(([a]) => a)),
      pick: fc.constant(legs.map(([, p]) => p)),
      q: int256,
      confidence: uint(256),
      omega: uint(256),
      nonce: uint(256),
      validUntil: uint(64),
      signer: address,
    }),
  );

describe("InvestorViewHash (on-chain digest vs viem)", () => {
  let harness: InvestorViewHashHarness;

  before(async () => {
    harness = await ethers.deployContract("InvestorViewHashHarness");
  });

  it("computes the same digest as viem for random views, chains and registries (incl. Unicode asset ids)", async () => {
    await fc.assert(
      fc.asyncProperty(view, fc.integer({ min: 1, max: 2 ** 40 }), address, async (v, chainId, registry: Address) => {
        const offChain = investorViewDigest(investorViewDomain({ chainId, registry }), v);
        const onChain = await harness.digest(chainId, registry, { ...v, assets: [...v.assets], pick: [...v.pick] });
        expect(onChain).to.equal(offChain);
      }),
      { numRuns: 40, seed: 712 },
    );
  });

  it("recovers the signer of a viem signature on-chain, and commits to the same view-set hash", async () => {
    const account = privateKeyToAccount(`0x${"11".repeat(32)}`);
    const registry = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    const domain = investorViewDomain({ chainId: 31337, registry });
    const digests: Hex[] = [];
    for (const [i, v] of fc.sample(view, { numRuns: 5, seed: 1 }).entries()) {
      const mine = { ...v, signer: account.address, nonce: BigInt(i) };
      const signature = await signInvestorView(account, domain, mine);
      const args = { ...mine, assets: [...mine.assets], pick: [...mine.pick] };
      expect(await harness.recover(31337, registry, args, signature)).to.equal(account.address);
      digests.push(investorViewDigest(domain, mine));
    }
    expect(await harness.viewSetCommitment(digests)).to.equal(viewSetCommitment(digests));
    expect(await harness.viewSetCommitment([])).to.equal(viewSetCommitment([]));
  });
});
