import {
  createPublicClient,
  createWalletClient,
  http,
  parseAbi,
  toHex,
  type Abi,
  type Address,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createTxSender, type TxSender } from "../../src/keeper/tx/sender.ts";
import { HARDHAT_ACCOUNT_0_KEY, hardhatNode, readArtifact, type HardhatNode } from "./hardhatNode.ts";

export const account = privateKeyToAccount(HARDHAT_ACCOUNT_0_KEY);
const harness = readArtifact("contracts/mocks/AuditedHarness.sol/AuditedHarness.json");
// The harness has no fallback, so a selector it does not know reverts (with empty data).
export const abi: Abi = [...harness.abi, ...parseAbi(["function missing() returns (uint256)"])];
export const topic = (i: number): `0x${string}` => toHex(i, { size: 32 });

/** A hardhat node with the audited harness deployed, shared by the tests of one file. */
export interface TxSenderNode {
  readonly node: HardhatNode;
  readonly client: PublicClient;
  /** The harness: `record(topic, value)` succeeds, `missing()` reverts. */
  readonly target: Address;
  /** Stops the block producer a test started with {@link TxSenderNode.mineEvery}; run after each test. */
  mining: (() => Promise<void>) | undefined;
  /** Mines a block every `everyMs`, first setting the next base fee when one is given. */
  mineEvery(everyMs: number, baseFee?: bigint): () => Promise<void>;
  /** A sender for account 0 with fast polling and retries. */
  sender(overrides?: Partial<Parameters<typeof createTxSender>[0]>): TxSender;
  /** Account 0's pending nonce. */
  nonceNow(): Promise<number>;
}

/** Registers mocha hooks that start the node before the file's tests and stop it after them; automine is restored after each test. */
export function useTxSenderNode(): TxSenderNode {
  let node: HardhatNode | undefined;
  let client: PublicClient | undefined;
  let target: Address | undefined;
  const fixture: TxSenderNode = {
    get node(): HardhatNode {
      if (node === undefined) throw new Error("the node starts in before()");
      return node;
    },
    get client(): PublicClient {
      if (client === undefined) throw new Error("the node starts in before()");
      return client;
    },
    get target(): Address {
      if (target === undefined) throw new Error("the node starts in before()");
      return target;
    },
    mining: undefined,
    mineEvery(everyMs: number, baseFee?: bigint): () => Promise<void> {
      let running = true;
      const loop = (async (): Promise<void> => {
        while (running) {
          if (baseFee !== undefined) await fixture.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
          await fixture.node.rpc("evm_mine");
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
      return async () => {
        running = false;
        await loop;
      };
    },
    sender(overrides = {}): TxSender {
      return createTxSender({
        client: fixture.client,
        account,
        pollIntervalMs: 50,
        retry: { retries: 3, baseMs: 20 },
        ...overrides,
      });
    },
    nonceNow(): Promise<number> {
      return fixture.client.getTransactionCount({ address: account.address, blockTag: "pending" });
    },
  };

  before(async function () {
    node = await hardhatNode();
    client = createPublicClient({ chain: node.chain, transport: http(node.url, { retryCount: 0, timeout: 2_000 }) });
    const wallet = createWalletClient({ account, chain: node.chain, transport: http(node.url) });
    const hash = await wallet.deployContract({ abi: harness.abi, bytecode: harness.bytecode });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    target = receipt.contractAddress ?? undefined;
  });

  after(async function () {
    await fixture.mining?.();
    await node?.stop();
  });

  afterEach(async function () {
    await fixture.mining?.();
    fixture.mining = undefined;
    await node?.rpc("evm_setAutomine", [true]);
  });

  return fixture;
}
