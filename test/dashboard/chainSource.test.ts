import { expect } from "chai";
import { network } from "hardhat";
import {
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeFunctionResult,
  getAddress,
  parseEther,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { ChainSnapshotSource, readRegistryParameters } from "../../src/dashboard/chainSource.ts";
import { modelRegistryAbi } from "../../src/protocol/abi.ts";
import { findAuditedContracts } from "../../src/dashboard/deployment.ts";
import { parseSnapshot } from "../../src/dashboard/parseSnapshot.ts";
import { DRIFT_ALERT, loadFixture } from "./helpers.ts";

const { ethers, provider } = await network.create();

/** A viem client over the in-process Hardhat chain. */
function hardhatClient(): PublicClient {
  return createPublicClient({ transport: custom(provider) }) as PublicClient;
}

const REGISTRY: Address = getAddress("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0");
const BUILD_HASH: Hex = `0x${"a3".repeat(32)}`;
const CONTENT_HASH: Hex = `0x${"6e".repeat(32)}`;

/**
 * A JSON-RPC endpoint that answers the registry's view calls with ABI-encoded values, as a node
 * serving a deployed ModelRegistry would: it exercises the real ABI decoding and WAD conversion.
 */
function registryClient(): PublicClient {
  const results = {
    strategyParameters: {
      optimizerType: 1,
      riskAversion: parseEther("2.5"),
      tau: parseEther("0.05"),
      riskBudgetsHash: `0x${"00".repeat(32)}` as Hex,
      driftThreshold: parseEther("0.05"),
      volatilityBudget: parseEther("0.55"),
      rebalanceCalendar: "0 0 * * 1",
      maxSlippageBps: 50,
    },
    parametersVersion: 3n,
    constraintSet: {
      contentHash: CONTENT_HASH,
      uri: "ipfs://constraints-v2",
      maxPositionWeight: parseEther("0.4"),
      maxTurnover: parseEther("0.25"),
    },
    constraintSetVersion: 2n,
    optimizerVersion: "0.1.0",
    optimizerBuildHash: BUILD_HASH,
  } as const;
  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    if (method === "eth_chainId") return "0x7a69";
    if (method !== "eth_call") throw new Error(`unexpected ${method}`);
    const [{ to, data }] = params as [{ to: Address; data: Hex }];
    expect(getAddress(to)).to.equal(REGISTRY);
    const { functionName } = decodeFunctionData({ abi: modelRegistryAbi, data });
    return encodeFunctionResult({
      abi: modelRegistryAbi,
      functionName,
      result: results[functionName as keyof typeof results],
    } as Parameters<typeof encodeFunctionResult>[0]);
  };
  return createPublicClient({ transport: custom({ request }) }) as PublicClient;
}

describe("dashboard/chainSource", () => {
  it("reads the registry's parameters, constraint set and versions, converted from WAD", async () => {
    const params = await readRegistryParameters(registryClient(), REGISTRY);
    expect(params).to.deep.equal({
      optimizerType: "BLACK_LITTERMAN",
      riskAversion: 2.5,
      tau: 0.05,
      driftThreshold: 0.05,
      volatilityBudget: 0.55,
      rebalanceCalendar: "0 0 * * 1",
      maxSlippageBps: 50,
      riskBudgetsHash: `0x${"00".repeat(32)}`,
      parametersVersion: 3,
      constraintSetVersion: 2,
      optimizerVersion: "0.1.0",
      optimizerBuildHash: BUILD_HASH,
      constraints: {
        maxPositionWeight: 0.4,
        maxTurnover: 0.25,
        uri: "ipfs://constraints-v2",
        contentHash: CONTENT_HASH,
      },
    });
  });

  it("recomputes audit chains from the chain's logs, finds the audited contracts, and leaves hook-less sections empty", async () => {
    const a = await ethers.deployContract("TamperableAudited");
    const b = await ethers.deployContract("TamperableAudited");
    for (let i = 0; i < 3; i++)
      await (await a.honest(ethers.ZeroAddress, ethers.zeroPadValue(ethers.toBeHex(i), 20))).wait();
    await (await b.honest(ethers.ZeroAddress, ethers.zeroPadValue(ethers.toBeHex(7), 20))).wait();
    const start = await ethers.provider.getBlockNumber();
    await (await b.honest(ethers.ZeroAddress, ethers.zeroPadValue(ethers.toBeHex(8), 20))).wait();
    const client = hardhatClient();
    const [deployer] = await ethers.getSigners();
    const contracts = {
      ModelRegistryLike: getAddress(await a.getAddress()),
      Settlement: getAddress(await b.getAddress()),
      Deployer: getAddress(deployer!.address),
    };
    const audited = await findAuditedContracts(client, contracts);
    expect(audited.map((c) => c.name)).to.deep.equal(["ModelRegistryLike", "Settlement"]);

    const source = new ChainSnapshotSource({
      client,
      portfolio: { id: "p", address: null, chainId: 31337 },
      audited,
      now: () => new Date("2026-11-24T00:00:00Z"),
    });
    const snapshot = parseSnapshot(JSON.parse(JSON.stringify(await source.snapshot())), "chain");
    expect(snapshot.generatedAt).to.equal("2026-11-24T00:00:00.000Z");
    expect(snapshot.audit).to.have.length(2);
    expect(snapshot.audit![0]).to.deep.include({
      name: "ModelRegistryLike",
      count: 3,
      ok: true,
      head: await a.auditHead(),
    });
    expect(snapshot.audit![1]).to.deep.include({ count: 2, ok: true });
    for (const key of [
      "weights",
      "risk",
      "frontier",
      "drift",
      "settlements",
      "proposals",
      "metrics",
      "alerts",
      "parameters",
    ]) {
      expect(snapshot[key as keyof typeof snapshot], key).to.equal(null);
    }

    // Scanning from after the first entry misses it: the chain is reported broken at position 0.
    const late = new ChainSnapshotSource({
      client,
      portfolio: { id: "p", address: null, chainId: 31337 },
      audited: [audited[1]!],
      fromBlock: BigInt(start + 1),
    });
    const [view] = (await late.snapshot()).audit!;
    expect(view).to.deep.include({ ok: false, count: 0 });
    expect(view!.firstBreak).to.deep.include({ position: 0, reason: "gap", expected: "index 0", actual: "index 1" });
  });

  it("fills the other sections from the hooks and forwards change notifications", async () => {
    const fixture = loadFixture();
    const listeners: (() => void)[] = [];
    const source = new ChainSnapshotSource({
      client: registryClient(),
      portfolio: fixture.portfolio,
      registry: REGISTRY,
      hooks: {
        weights: async () => fixture.weights,
        settlements: async () => fixture.settlements,
        alerts: async () => [DRIFT_ALERT],
        metrics: async () => null,
      },
      subscribe: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    });
    const snapshot = await source.snapshot();
    expect(snapshot.weights).to.deep.equal(fixture.weights);
    expect(snapshot.settlements).to.deep.equal(fixture.settlements);
    expect(snapshot.alerts).to.deep.equal([DRIFT_ALERT]);
    expect(snapshot.metrics).to.equal(null);
    expect(snapshot.parameters?.driftThreshold).to.equal(0.05);
    expect(snapshot.audit).to.equal(null);
    let notified = 0;
    const unsubscribe = source.subscribe(() => (notified += 1));
    listeners.forEach((l) => l());
    unsubscribe();
    expect(notified).to.equal(1);
    expect(listeners).to.have.length(0);
  });
});
