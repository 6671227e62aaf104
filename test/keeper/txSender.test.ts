import { expect } from "chai";
import {
  createPublicClient,
  createWalletClient,
  custom,
  http,
  HttpRequestError,
  parseAbi,
  parseGwei,
  toHex,
  type Abi,
  type Address,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { PortfolioError } from "../../src/errors.ts";
import { createKeeperLogger } from "../../src/keeper/logger.ts";
import { isContractRevert, withRetry } from "../../src/keeper/retry.ts";
import {
  SimulationRevertedError,
  TransactionRevertedError,
  createTxSender,
  type TxSender,
} from "../../src/keeper/txSender.ts";
import { HARDHAT_ACCOUNT_0_KEY, hardhatNode, readArtifact, type HardhatNode } from "../helpers/hardhatNode.ts";

const account = privateKeyToAccount(HARDHAT_ACCOUNT_0_KEY);
const harness = readArtifact("contracts/mocks/AuditedHarness.sol/AuditedHarness.json");
// The harness has no fallback, so a selector it does not know reverts (with empty data).
const abi: Abi = [...harness.abi, ...parseAbi(["function missing() returns (uint256)"])];
const topic = (i: number): `0x${string}` => toHex(i, { size: 32 });

describe("keeper/txSender (against a hardhat node)", function () {
  let node: HardhatNode;
  let client: PublicClient;
  let target: Address;
  let mining: (() => Promise<void>) | undefined;

  before(async function () {
    node = await hardhatNode();
    client = createPublicClient({ chain: node.chain, transport: http(node.url, { retryCount: 0, timeout: 2_000 }) });
    const wallet = createWalletClient({ account, chain: node.chain, transport: http(node.url) });
    const hash = await wallet.deployContract({ abi: harness.abi, bytecode: harness.bytecode });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    target = receipt.contractAddress!;
  });

  after(async function () {
    await mining?.();
    await node?.stop();
  });

  afterEach(async function () {
    await mining?.();
    mining = undefined;
    await node.rpc("evm_setAutomine", [true]);
  });

  /** Mines a block every `everyMs`, first setting the next base fee when one is given. */
  function mineEvery(everyMs: number, baseFee?: bigint): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      while (running) {
        if (baseFee !== undefined) await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
        await node.rpc("evm_mine");
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  function sender(overrides: Partial<Parameters<typeof createTxSender>[0]> = {}): TxSender {
    return createTxSender({ client, account, pollIntervalMs: 50, retry: { retries: 3, baseMs: 20 }, ...overrides });
  }

  const nonceNow = (): Promise<number> => client.getTransactionCount({ address: account.address, blockTag: "pending" });

  it("sends, waits for confirmations, and returns the simulated result", async function () {
    const s = sender({ confirmations: 2 });
    mining = mineEvery(100);
    const sent = await s.send({ address: target, abi, functionName: "record", args: [topic(1), 7n] });
    expect(sent.receipt.status).to.equal("success");
    expect(sent.attempts).to.have.length(1);
    expect(await client.getBlockNumber()).to.be.greaterThanOrEqual(sent.receipt.blockNumber + 1n);
    expect(typeof sent.simulatedResult).to.equal("bigint");
  });

  it("gives two concurrent sends from one account consecutive nonces, and both mine", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const start = await nonceNow();
    const s = sender();
    const both = Promise.all([
      s.send({ address: target, abi, functionName: "record", args: [topic(2), 1n] }),
      s.send({ address: target, abi, functionName: "record", args: [topic(3), 2n] }),
    ]);
    mining = mineEvery(150);
    const [a, b] = await both;
    expect([a.nonce, b.nonce].sort()).to.deep.equal([start, start + 1]);
    expect(a.receipt.status).to.equal("success");
    expect(b.receipt.status).to.equal("success");
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 2);
  });

  it("bumps the fees of a stuck transaction, and the bumped one is mined", async function () {
    await node.rpc("evm_setAutomine", [false]);
    // Every block's base fee is 20 gwei; the first attempt offers 2 gwei, so it cannot be mined.
    const baseFee = parseGwei("20");
    await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await node.rpc("evm_mine");
    let calls = 0;
    const s = sender({
      bumpAfterMs: 300,
      fees: async () => {
        calls += 1;
        return calls === 1
          ? { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }
          : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") };
      },
    });
    const start = await nonceNow();
    const pending = s.send({ address: target, abi, functionName: "record", args: [topic(4), 3n] });
    mining = mineEvery(100, baseFee);
    const sent = await pending;
    expect(sent.nonce).to.equal(start);
    expect(sent.attempts.length).to.be.greaterThanOrEqual(2);
    expect(sent.attempts[0]!.kind).to.equal("original");
    expect(sent.hash).to.not.equal(sent.attempts[0]!.hash);
    expect(sent.hash).to.equal(sent.attempts.at(-1)!.hash);
    // Each bump raises both caps by at least 12.5 %.
    for (let i = 1; i < sent.attempts.length; i++) {
      const [prev, next] = [sent.attempts[i - 1]!.fees, sent.attempts[i]!.fees];
      expect(next.maxFeePerGas * 8n >= prev.maxFeePerGas * 9n).to.equal(true);
      expect(next.maxPriorityFeePerGas * 8n >= prev.maxPriorityFeePerGas * 9n).to.equal(true);
    }
    expect(sent.receipt.effectiveGasPrice >= baseFee).to.equal(true);
    // The original never made it in.
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("does not bump above maxFeePerGasCap, and gives up with TX_TIMEOUT", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await node.rpc("evm_mine");
    const low = { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") };
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = sender({
      logger,
      bumpAfterMs: 100,
      timeoutMs: 800,
      maxFeePerGasCap: parseGwei("2.2"),
      fees: async () => low,
    });
    let caught: unknown;
    try {
      await s.send({ address: target, abi, functionName: "record", args: [topic(17), 17n] });
    } catch (error) {
      caught = error;
    }
    expect((caught as PortfolioError).code).to.equal("TX_TIMEOUT");
    expect(lines.filter((l) => l.msg === "fee bumped")).to.have.length(0);
    expect(lines.some((l) => l.msg === "fee cap reached, not bumping")).to.equal(true);
    // Clear the stuck nonce for the tests after this one.
    const restarted = sender();
    mining = mineEvery(100, baseFee);
    await restarted.send({ address: target, abi, functionName: "record", args: [topic(18), 18n] });
  });

  it("never broadcasts a write whose simulation reverts (the nonce does not move)", async function () {
    const before = await nonceNow();
    const blockBefore = await client.getBlockNumber();
    let retries = 0;
    const s = sender({ retry: { retries: 3, baseMs: 10, onRetry: () => (retries += 1) } });
    let caught: unknown;
    try {
      await s.send({ address: target, abi, functionName: "missing" });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SimulationRevertedError);
    expect((caught as SimulationRevertedError).code).to.equal("SIMULATION_REVERTED");
    expect(isContractRevert((caught as SimulationRevertedError).revert)).to.equal(true);
    expect(retries).to.equal(0);
    expect(await nonceNow()).to.equal(before);
    expect(await client.getBlockNumber()).to.equal(blockBefore);
    // The sender still works afterwards, with the same nonce.
    const sent = await s.send({ address: target, abi, functionName: "record", args: [topic(5), 5n] });
    expect(sent.nonce).to.equal(before);
  });

  it("does not retry a contract revert", async function () {
    let attempts = 0;
    let caught: unknown;
    try {
      await withRetry(
        async () => {
          attempts += 1;
          return client.simulateContract({ account, address: target, abi, functionName: "missing" });
        },
        { retries: 5, baseMs: 10 },
      );
    } catch (error) {
      caught = error;
    }
    expect(attempts).to.equal(1);
    expect(isContractRevert(caught)).to.equal(true);
  });

  it("rides out a hung RPC: times out, retries, and sends once the node answers again", async function () {
    const start = await nonceNow();
    let retries = 0;
    const s = sender({ retry: { retries: 20, baseMs: 100, maxMs: 300, onRetry: () => (retries += 1) } });
    node.pause();
    const thaw = setTimeout(() => node.resume(), 3_000);
    try {
      const sent = await s.send({ address: target, abi, functionName: "record", args: [topic(6), 6n] });
      expect(sent.nonce).to.equal(start);
      expect(sent.receipt.status).to.equal("success");
    } finally {
      clearTimeout(thaw);
      node.resume();
    }
    expect(retries).to.be.greaterThan(0);
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  for (const lost of ["request", "response"] as const) {
    it(`re-simulates before re-broadcasting when the ${lost} of eth_sendRawTransaction is lost, and sends once`, async function () {
      const inner = createPublicClient({ chain: node.chain, transport: http(node.url, { retryCount: 0 }) });
      const calls: string[] = [];
      let dropped = false;
      // A network that loses one eth_sendRawTransaction: before the node sees it, or after it
      // accepted (and, with automine, mined) it.
      const flaky = createPublicClient({
        chain: node.chain,
        transport: custom(
          {
            async request({ method, params }: { method: string; params?: unknown }) {
              calls.push(method);
              if (method === "eth_sendRawTransaction" && !dropped) {
                dropped = true;
                if (lost === "response") await inner.request({ method, params } as never);
                throw new HttpRequestError({
                  url: node.url,
                  cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
                });
              }
              return inner.request({ method, params } as never);
            },
          },
          { retryCount: 0 },
        ),
      });
      const start = await nonceNow();
      const s = createTxSender({ client: flaky, account, pollIntervalMs: 50, retry: { retries: 3, baseMs: 10 } });
      const sent = await s.send({ address: target, abi, functionName: "record", args: [topic(20), 20n] });
      expect(sent.nonce).to.equal(start);
      expect(sent.receipt.status).to.equal("success");
      expect(calls.filter((m) => m === "eth_sendRawTransaction")).to.have.length(2);
      // One eth_call before the first broadcast, one more before the second.
      const firstSend = calls.indexOf("eth_sendRawTransaction");
      expect(calls.slice(firstSend + 1, calls.lastIndexOf("eth_sendRawTransaction"))).to.include("eth_call");
      expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
    });
  }

  it("reads the pending nonce again after another sender used the account's nonce", async function () {
    const lines: { msg: string; outcome?: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = sender({ logger });
    await s.send({ address: target, abi, functionName: "record", args: [topic(7), 7n] });
    // Another process (or this keeper before a crash) sends from the same account.
    const wallet = createWalletClient({ account, chain: node.chain, transport: http(node.url) });
    await wallet.writeContract({ address: target, abi, functionName: "record", args: [topic(8), 8n] });
    const expected = await nonceNow();
    const sent = await s.send({ address: target, abi, functionName: "record", args: [topic(9), 9n] });
    expect(sent.nonce).to.equal(expected);
    expect(sent.receipt.status).to.equal("success");
    expect(lines.filter((l) => l.msg === "nonce taken, reading the pending nonce again")).to.have.length(1);
  });

  it("after a restart, outbids its own stuck pre-crash transaction at the same nonce", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await node.rpc("evm_mine");
    const low = { maxFeePerGas: parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") };
    const start = await nonceNow();
    // The keeper before the crash: its transaction is stuck and it never bumps it.
    const crashed = sender({ maxBumps: 0, timeoutMs: 200, fees: async () => low });
    let stuckError: unknown;
    try {
      await crashed.send({ address: target, abi, functionName: "record", args: [topic(12), 12n] });
    } catch (error) {
      stuckError = error;
    }
    expect((stuckError as PortfolioError).code).to.equal("TX_TIMEOUT");
    // The restarted keeper: a fresh sender whose fee oracle first lags the pool.
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    let calls = 0;
    const restarted = sender({
      logger,
      fees: async () =>
        ++calls === 1 ? low : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") },
    });
    const pending = restarted.send({ address: target, abi, functionName: "record", args: [topic(13), 13n] });
    mining = mineEvery(100, baseFee);
    const sent = await pending;
    expect(sent.nonce).to.equal(start);
    expect(sent.receipt.status).to.equal("success");
    expect(lines.some((l) => l.msg === "a pending transaction holds the nonce, outbidding it")).to.equal(true);
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("cancels a stuck transaction that starts to revert, with a zero-value self-transfer", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await node.rpc("evm_mine");
    const code = await client.getCode({ address: target });
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    let calls = 0;
    const s = sender({
      logger,
      bumpAfterMs: 300,
      fees: async () =>
        ++calls === 1
          ? { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }
          : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") },
    });
    const start = await nonceNow();
    const pending = s.send({ address: target, abi, functionName: "record", args: [topic(14), 14n] });
    pending.catch(() => undefined);
    while (!lines.some((l) => l.msg === "transaction sent")) await new Promise((r) => setTimeout(r, 20));
    // While it waits, the target changes so that the call now reverts (PUSH0 PUSH0 REVERT).
    await node.rpc("hardhat_setCode", [target, "0x5f5ffd"]);
    mining = mineEvery(100, baseFee);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    } finally {
      await mining();
      mining = undefined;
      await node.rpc("hardhat_setCode", [target, code]);
    }
    expect(caught).to.be.instanceOf(SimulationRevertedError);
    expect((caught as SimulationRevertedError).code).to.equal("TX_CANCELLED");
    expect(lines.some((l) => l.msg === "pending transaction now reverts, cancelling")).to.equal(true);
    // The nonce is used by the cancellation, so the next send is not blocked behind it.
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("reports a transaction that passed simulation but reverted on chain, with its receipt", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const code = await client.getCode({ address: target });
    const start = await nonceNow();
    const pending = sender().send({ address: target, abi, functionName: "record", args: [topic(16), 16n] });
    pending.catch(() => undefined);
    while ((await nonceNow()) === start) await new Promise((r) => setTimeout(r, 20));
    await node.rpc("hardhat_setCode", [target, "0x5f5ffd"]);
    await node.rpc("evm_mine");
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    } finally {
      await node.rpc("hardhat_setCode", [target, code]);
    }
    expect(caught).to.be.instanceOf(TransactionRevertedError);
    expect((caught as TransactionRevertedError).code).to.equal("TX_REVERTED");
    expect((caught as TransactionRevertedError).receipt.status).to.equal("reverted");
  });

  it("stops waiting on shutdown and leaves the broadcast transaction to be mined", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const controller = new AbortController();
    const start = await nonceNow();
    const s = sender({ signal: controller.signal });
    const pending = s.send({ address: target, abi, functionName: "record", args: [topic(15), 15n] });
    setTimeout(() => controller.abort(new Error("SIGTERM")), 300);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal("SIGTERM");
    await node.rpc("evm_mine");
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("stops with NONCE_CONSUMED when a transaction it did not send takes the nonce of a stuck one", async function () {
    await node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await node.rpc("evm_mine");
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = sender({
      logger,
      bumpAfterMs: 200,
      maxBumps: 100,
      // A fee oracle that lags the market: every bump stays below the competing transaction.
      fees: async () => ({ maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }),
    });
    const start = await nonceNow();
    const pending = s.send({ address: target, abi, functionName: "record", args: [topic(10), 10n] });
    pending.catch(() => undefined);
    // (Hardhat's pending nonce leaves out a transaction the next block cannot include.)
    while (!lines.some((l) => l.msg === "transaction sent")) await new Promise((r) => setTimeout(r, 20));
    // The same account replaces it elsewhere with a far higher fee.
    const wallet = createWalletClient({ account, chain: node.chain, transport: http(node.url) });
    await wallet.sendTransaction({
      to: account.address,
      value: 0n,
      nonce: start,
      gas: 21_000n,
      maxFeePerGas: parseGwei("200"),
      maxPriorityFeePerGas: parseGwei("100"),
    });
    // Let a bump meet the competitor in the pool before mining it.
    while (!lines.some((l) => l.msg === "replacement underpriced, bumping further next time")) {
      await new Promise((r) => setTimeout(r, 20));
    }
    mining = mineEvery(100, baseFee);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    }
    expect((caught as PortfolioError).code).to.equal("NONCE_CONSUMED");
    expect(await client.getTransactionCount({ address: account.address })).to.equal(start + 1);
    // The sender recovers: the next send reads the pending nonce again.
    await mining();
    mining = undefined;
    await node.rpc("evm_setAutomine", [true]);
    const next = await sender().send({ address: target, abi, functionName: "record", args: [topic(11), 11n] });
    expect(next.nonce).to.equal(start + 1);
  });
});
