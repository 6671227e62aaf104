// docs/audit-replay.md followed step by step with ethers alone, as an outside auditor would write it
// from the guide: from a settled instruction's log and its stored inputs to its view-set commitment,
// inputsHash and id. Nothing here imports the project's code; the tests that call it only set the
// chain up (a keeper cycle, or the demo).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AbiCoder,
  Contract,
  JsonRpcProvider,
  TypedDataEncoder,
  concat,
  dataLength,
  dataSlice,
  getAddress,
  id,
  keccak256,
  sha256,
  solidityPacked,
  verifyTypedData,
  type TypedDataField,
} from "ethers";

const GUIDE = readFileSync(join(import.meta.dirname, "../../docs/audit-replay.md"), "utf8");

// Step 4's calls, as an auditor writes them from the guide's table.
const REGISTRY_ABI = [
  "function parametersVersion() view returns (uint256)",
  "function constraintSetVersion() view returns (uint256)",
  "function constraintSetAt(uint256 version) view returns ((bytes32 contentHash, string uri, uint256 maxPositionWeight, uint256 maxTurnover))",
  "function isViewSigner(address signer) view returns (bool)",
];
const SETTLEMENT_ABI = ["function registry() view returns (address)"];
// Step 5's type, field by field from docs/eip712.md.
const INVESTOR_VIEW: Record<string, TypedDataField[]> = {
  InvestorView: [
    { name: "viewSetVersion", type: "uint64" },
    { name: "assets", type: "string[]" },
    { name: "pick", type: "int256[]" },
    { name: "q", type: "int256" },
    { name: "confidence", type: "uint256" },
    { name: "omega", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "validUntil", type: "uint64" },
    { name: "signer", type: "address" },
  ],
};

interface ViewEntry {
  readonly view: Record<string, unknown> & { signer: string; validUntil: string };
  readonly signature: string;
}

/** Where the guide starts from: a node, the settlement, the instruction and the keeper's files. */
export interface ReplayGuideInput {
  readonly rpcUrl: string;
  readonly settlement: string;
  readonly instructionId: string;
  /** The keeper's `--inputs-dir`. */
  readonly inputsDir: string;
  /** The pinned optimiser bundle. */
  readonly bundlePath: string;
}

/** What the guide re-derives, each value already checked against the chain and the files. */
export interface ReplayGuideResult {
  readonly viewSetCommitment: string;
  readonly inputsHash: string;
  readonly instructionId: string;
  readonly acceptedViews: number;
}

/**
 * Follows docs/audit-replay.md's steps 1–8 for one settled instruction, asserting each.
 *
 * @example
 * ```ts
 * const r = await followReplayGuide({ rpcUrl, settlement, instructionId, inputsDir, bundlePath });
 * ```
 */
export async function followReplayGuide(p: ReplayGuideInput): Promise<ReplayGuideResult> {
  const { settlement, instructionId } = p;
  const provider = new JsonRpcProvider(p.rpcUrl, undefined, { cacheTimeout: -1 });
  const coder = AbiCoder.defaultAbiCoder();
  const { chainId } = await provider.getNetwork();

  // 1. The PortfolioOptimized log.
  const topic0 = id("PortfolioOptimized(bytes32,address,uint256[],bytes32,bytes32)");
  assert.ok(GUIDE.includes(topic0), "the guide states topic0");
  const logs = await provider.getLogs({ address: settlement, topics: [topic0, instructionId], fromBlock: 0 });
  assert.equal(logs.length, 1);
  const log = logs[0]!;
  const [targetWeights, inputsHash, buildHash] = coder.decode(
    ["uint256[]", "bytes32", "bytes32"],
    log.data,
  ) as unknown as [bigint[], string, string];
  const portfolio = getAddress(dataSlice(log.topics[2]!, 12));
  // The data's word layout as the guide's table gives it.
  const word = (i: number): string => dataSlice(log.data, 32 * i, 32 * (i + 1));
  assert.equal(BigInt(word(0)), 0x60n);
  assert.equal(word(1), inputsHash);
  assert.equal(word(2), buildHash);
  assert.equal(BigInt(word(3)), BigInt(targetWeights.length));
  assert.equal(dataLength(log.data), 32 * (4 + targetWeights.length));

  // 2. The directory and its files.
  const dir = join(p.inputsDir, inputsHash.slice(2).toLowerCase());
  const read = (name: string): Buffer => readFileSync(join(dir, name));
  const manifest = JSON.parse(read("manifest.json").toString("utf8")) as {
    inputsHash: string;
    viewSetCommitment: string;
    parametersVersion: string;
    constraintSetVersion: string;
    registryReadBlock: string;
    marketDataHash: string;
    acceptedViewDigests: string[];
    files: Record<string, string>;
  };
  assert.equal(manifest.inputsHash, inputsHash);
  for (const name of ["problem.json", "market-data.csv", "view-set.json", "constraint-set.json"]) {
    assert.equal(sha256(read(name)), manifest.files[name], name);
  }

  // 3. The market data.
  const marketDataHash = sha256(read("market-data.csv"));
  assert.equal(marketDataHash, manifest.marketDataHash);

  // 4. The registry at registryReadBlock.
  const blockTag = Number(manifest.registryReadBlock);
  assert.ok(blockTag <= log.blockNumber, "read before the settlement");
  const registryAddress = (await new Contract(settlement, SETTLEMENT_ABI, provider).getFunction(
    "registry",
  )()) as string;
  const registry = new Contract(registryAddress, REGISTRY_ABI, provider);
  const parametersVersion = (await registry.getFunction("parametersVersion")({ blockTag })) as bigint;
  const constraintSetVersion = (await registry.getFunction("constraintSetVersion")({ blockTag })) as bigint;
  assert.equal(parametersVersion.toString(), manifest.parametersVersion);
  assert.equal(constraintSetVersion.toString(), manifest.constraintSetVersion);
  const constraintSet = (await registry.getFunction("constraintSetAt")(constraintSetVersion)) as {
    contentHash: string;
  };
  assert.equal(constraintSet.contentHash, sha256(read("constraint-set.json")));
  for (const fn of [
    "parametersVersion()",
    "constraintSetVersion()",
    "constraintSetAt(uint256)",
    "isViewSigner(address)",
  ]) {
    assert.ok(GUIDE.includes(id(fn).slice(0, 10)), `the guide states ${fn}'s selector`);
  }

  // 5. The accepted views and their commitment.
  const file = JSON.parse(read("view-set.json").toString("utf8")) as {
    domain: { name: string; version: string; chainId: number; verifyingContract: string };
    views: ViewEntry[];
  };
  assert.deepEqual(
    { name: file.domain.name, version: file.domain.version, chainId: BigInt(file.domain.chainId) },
    { name: "DAO Portfolio Views", version: "1", chainId },
  );
  assert.equal(getAddress(file.domain.verifyingContract), getAddress(registryAddress));
  const block = await provider.getBlock(blockTag);
  for (const digest of manifest.acceptedViewDigests) {
    const entry = file.views.find((v) => TypedDataEncoder.hash(file.domain, INVESTOR_VIEW, v.view) === digest);
    assert.ok(entry !== undefined, `${digest} is a view's digest`);
    assert.equal(
      verifyTypedData(file.domain, INVESTOR_VIEW, entry.view, entry.signature),
      getAddress(entry.view.signer),
    );
    assert.equal(await registry.getFunction("isViewSigner")(entry.view.signer, { blockTag }), true);
    assert.ok(BigInt(entry.view.validUntil) >= BigInt(block!.timestamp));
  }
  const viewSetCommitment = keccak256(concat(manifest.acceptedViewDigests));
  assert.equal(viewSetCommitment, manifest.viewSetCommitment);
  assert.equal(keccak256("0x"), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

  // 6. inputsHash: sha256 over the 128-byte encoding.
  const preimage = coder.encode(
    ["bytes32", "uint256", "uint256", "bytes32"],
    [viewSetCommitment, parametersVersion, constraintSetVersion, marketDataHash],
  );
  assert.equal(dataLength(preimage), 128);
  assert.equal(sha256(preimage), inputsHash);

  // 7. The instruction id: 8 words.
  const idPreimage = coder.encode(
    ["string", "uint256", "address", "address", "bytes32", "bytes32"],
    ["portfolio-keeper/v1", chainId, settlement, portfolio, inputsHash, buildHash],
  );
  assert.equal(dataLength(idPreimage), 256);
  assert.equal(BigInt(dataSlice(idPreimage, 0, 32)), 0xc0n);
  assert.equal(BigInt(dataSlice(idPreimage, 192, 224)), 19n);
  assert.equal(keccak256(idPreimage), log.topics[1]);
  assert.equal(keccak256(idPreimage), instructionId);

  // 8. The weights: the build hash is the bundle's sha256; the weights hash is over the raw words.
  assert.equal(sha256(readFileSync(p.bundlePath)), buildHash);
  assert.equal(
    keccak256(solidityPacked(["uint256[]"], [targetWeights])),
    keccak256(dataSlice(log.data, 128)),
    "encodePacked(uint256[]) is the n words without a length",
  );
  assert.equal(
    targetWeights.reduce((a, b) => a + b, 0n),
    10n ** 18n,
  );
  return {
    viewSetCommitment,
    inputsHash,
    instructionId: keccak256(idPreimage),
    acceptedViews: manifest.acceptedViewDigests.length,
  };
}
