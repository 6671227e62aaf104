import { expect } from "chai";
import { createPublicClient, createWalletClient, custom, http, HttpRequestError, parseGwei, toHex } from "viem";
import type { PortfolioError } from "../../../src/errors.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { isContractRevert, withRetry } from "../../../src/keeper/retry.ts";
import { SimulationRevertedError, createTxSender } from "../../../src/keeper/tx/sender.ts";
import { abi, account, topic, useTxSenderNode } from "../../helpers/txSenderNode.ts";

describe("keeper/txSender (against a hardhat node)", function () {
  const f = useTxSenderNode();

  it("sends, waits for confirmations, and returns the simulated result", async function () {
    const s = f.sender({ confirmations: 2 });
    f.mining = f.mineEvery(100);
    const sent = await s.send({ address: f.target, abi, functionName: "record", args: [topic(1), 7n] });
    expect(sent.receipt.status).to.equal("success");
    expect(sent.attempts).to.have.length(1);
    expect(await f.client.getBlockNumber()).to.be.greaterThanOrEqual(sent.receipt.blockNumber + 1n);
    expect(typeof sent.simulatedResult).to.equal("bigint");
  });

  it("gives two concurrent sends from one account consecutive nonces, and both mine", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const start = await f.nonceNow();
    const s = f.sender();
    const both = Promise.all([
      s.send({ address: f.target, abi, functionName: "record", args: [topic(2), 1n] }),
      s.send({ address: f.target, abi, functionName: "record", args: [topic(3), 2n] }),
    ]);
    f.mining = f.mineEvery(150);
    const [a, b] = await both;
    expect([a.nonce, b.nonce].sort()).to.deep.equal([start, start + 1]);
    expect(a.receipt.status).to.equal("success");
    expect(b.receipt.status).to.equal("success");
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 2);
  });

  it("never broadcasts a write whose simulation reverts (the nonce does not move)", async function () {
    const before = await f.nonceNow();
    const blockBefore = await f.client.getBlockNumber();
    let retries = 0;
    const s = f.sender({ retry: { retries: 3, baseMs: 10, onRetry: () => (retries += 1) } });
    let caught: unknown;
    try {
      await s.send({ address: f.target, abi, functionName: "missing" });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SimulationRevertedError);
    expect((caught as SimulationRevertedError).code).to.equal("SIMULATION_REVERTED");
    expect(isContractRevert((caught as SimulationRevertedError).revert)).to.equal(true);
    expect(retries).to.equal(0);
    expect(await f.nonceNow()).to.equal(before);
    expect(await f.client.getBlockNumber()).to.equal(blockBefore);
    // The sender still works afterwards, with the same nonce.
    const sent = await s.send({ address: f.target, abi, functionName: "record", args: [topic(5), 5n] });
    expect(sent.nonce).to.equal(before);
  });

  it("does not retry a contract revert", async function () {
    let attempts = 0;
    let caught: unknown;
    try {
      await withRetry(
        async () => {
          attempts += 1;
          return f.client.simulateContract({ account, address: f.target, abi, functionName: "missing" });
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
    const start = await f.nonceNow();
    let retries = 0;
    const s = f.sender({ retry: { retries: 20, baseMs: 100, maxMs: 300, onRetry: () => (retries += 1) } });
    f.node.pause();
    const thaw = setTimeout(() => f.node.resume(), 3_000);
    try {
      const sent = await s.send({ address: f.target, abi, functionName: "record", args: [topic(6), 6n] });
      expect(sent.nonce).to.equal(start);
      expect(sent.receipt.status).to.equal("success");
    } finally {
      clearTimeout(thaw);
      f.node.resume();
    }
    expect(retries).to.be.greaterThan(0);
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  for (const lost of ["request", "response"] as const) {
    it(`re-simulates before re-broadcasting when the ${lost} of eth_sendRawTransaction is lost, and sends once`, async function () {
      const inner = createPublicClient({ chain: f.node.chain, transport: http(f.node.url, { retryCount: 0 }) });
      const calls: string[] = [];
      let dropped = false;
      // A network that loses one eth_sendRawTransaction: before the node sees it, or after it
      // accepted (and, with automine, mined) it.
      const flaky = createPublicClient({
        chain: f.node.chain,
        transport: custom(
          {
            async request({ method, params }: { method: string; params?: unknown }) {
              calls.push(method);
              if (method === "eth_sendRawTransaction" && !dropped) {
                dropped = true;
                if (lost === "response") await inner.request({ method, params } as never);
                throw new HttpRequestError({
                  url: f.node.url,
                  cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
                });
              }
              return inner.request({ method, params } as never);
            },
          },
          { retryCount: 0 },
        ),
      });
      const start = await f.nonceNow();
      const s = createTxSender({ client: flaky, account, pollIntervalMs: 50, retry: { retries: 3, baseMs: 10 } });
      const sent = await s.send({ address: f.target, abi, functionName: "record", args: [topic(20), 20n] });
      expect(sent.nonce).to.equal(start);
      expect(sent.receipt.status).to.equal("success");
      expect(calls.filter((m) => m === "eth_sendRawTransaction")).to.have.length(2);
      // One eth_call before the first broadcast, one more before the second.
      const firstSend = calls.indexOf("eth_sendRawTransaction");
      expect(calls.slice(firstSend + 1, calls.lastIndexOf("eth_sendRawTransaction"))).to.include("eth_call");
      expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
    });
  }

  it("reads the pending nonce again after another sender used the account's nonce", async function () {
    const lines: { msg: string; outcome?: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = f.sender({ logger });
    await s.send({ address: f.target, abi, functionName: "record", args: [topic(7), 7n] });
    // Another process (or this keeper before a crash) sends from the same account.
    const wallet = createWalletClient({ account, chain: f.node.chain, transport: http(f.node.url) });
    await wallet.writeContract({ address: f.target, abi, functionName: "record", args: [topic(8), 8n] });
    const expected = await f.nonceNow();
    const sent = await s.send({ address: f.target, abi, functionName: "record", args: [topic(9), 9n] });
    expect(sent.nonce).to.equal(expected);
    expect(sent.receipt.status).to.equal("success");
    expect(lines.filter((l) => l.msg === "nonce taken, reading the pending nonce again")).to.have.length(1);
  });

  it("recovers when the chain's state moves back under its cached nonce (nonce too high)", async function () {
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = f.sender({ logger });
    const snapshot = (await f.node.rpc("evm_snapshot", [])) as string;
    const first = await s.send({ address: f.target, abi, functionName: "record", args: [topic(20), 1n] });
    // The node is restored from a snapshot: the first transaction never happened, its nonce is free.
    await f.node.rpc("evm_revert", [snapshot]);
    expect(await f.nonceNow()).to.equal(first.nonce);
    const again = await s.send({ address: f.target, abi, functionName: "record", args: [topic(21), 2n] });
    expect(again.nonce).to.equal(first.nonce);
    expect(again.receipt.status).to.equal("success");
    expect(lines.some((l) => l.msg.startsWith("nonce ahead of the chain"))).to.equal(true);
  });

  it("after a restart, outbids its own stuck pre-crash transaction at the same nonce", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await f.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await f.node.rpc("evm_mine");
    const low = { maxFeePerGas: parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") };
    const start = await f.nonceNow();
    // The keeper before the crash: its transaction is stuck and it never bumps it.
    const crashed = f.sender({ maxBumps: 0, timeoutMs: 200, fees: async () => low });
    let stuckError: unknown;
    try {
      await crashed.send({ address: f.target, abi, functionName: "record", args: [topic(12), 12n] });
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
    const restarted = f.sender({
      logger,
      fees: async () =>
        ++calls === 1 ? low : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") },
    });
    const pending = restarted.send({ address: f.target, abi, functionName: "record", args: [topic(13), 13n] });
    f.mining = f.mineEvery(100, baseFee);
    const sent = await pending;
    expect(sent.nonce).to.equal(start);
    expect(sent.receipt.status).to.equal("success");
    expect(lines.some((l) => l.msg === "a pending transaction holds the nonce, outbidding it")).to.equal(true);
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });
});
