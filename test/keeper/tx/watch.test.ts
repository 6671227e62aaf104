import { expect } from "chai";
import { createWalletClient, http, parseGwei, toHex } from "viem";
import type { PortfolioError } from "../../../src/errors.ts";
import { createKeeperLogger } from "../../../src/keeper/logger.ts";
import { SimulationRevertedError, TransactionRevertedError } from "../../../src/keeper/tx/sender.ts";
import { abi, account, topic, useTxSenderNode } from "../../helpers/txSenderNode.ts";

// A stuck transaction: the receipt watch, fee bumps, cancellation and shutdown (src/keeper/txWatch.ts).
describe("keeper/txWatch (against a hardhat node)", function () {
  const f = useTxSenderNode();

  it("bumps the fees of a stuck transaction, and the bumped one is mined", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    // Every block's base fee is 20 gwei; the first attempt offers 2 gwei, so it cannot be mined.
    const baseFee = parseGwei("20");
    await f.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await f.node.rpc("evm_mine");
    let calls = 0;
    const s = f.sender({
      bumpAfterMs: 300,
      fees: async () => {
        calls += 1;
        return calls === 1
          ? { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }
          : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") };
      },
    });
    const start = await f.nonceNow();
    const pending = s.send({ address: f.target, abi, functionName: "record", args: [topic(4), 3n] });
    f.mining = f.mineEvery(100, baseFee);
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
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("does not bump above maxFeePerGasCap, and gives up with TX_TIMEOUT", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await f.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await f.node.rpc("evm_mine");
    const low = { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") };
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = f.sender({
      logger,
      bumpAfterMs: 100,
      timeoutMs: 800,
      maxFeePerGasCap: parseGwei("2.2"),
      fees: async () => low,
    });
    let caught: unknown;
    try {
      await s.send({ address: f.target, abi, functionName: "record", args: [topic(17), 17n] });
    } catch (error) {
      caught = error;
    }
    expect((caught as PortfolioError).code).to.equal("TX_TIMEOUT");
    expect(lines.filter((l) => l.msg === "fee bumped")).to.have.length(0);
    expect(lines.some((l) => l.msg === "fee cap reached, not bumping")).to.equal(true);
    // Clear the stuck nonce for the tests after this one.
    const restarted = f.sender();
    f.mining = f.mineEvery(100, baseFee);
    await restarted.send({ address: f.target, abi, functionName: "record", args: [topic(18), 18n] });
  });

  it("cancels a stuck transaction that starts to revert, with a zero-value self-transfer", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await f.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await f.node.rpc("evm_mine");
    const code = await f.client.getCode({ address: f.target });
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    let calls = 0;
    const s = f.sender({
      logger,
      bumpAfterMs: 300,
      fees: async () =>
        ++calls === 1
          ? { maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }
          : { maxFeePerGas: 2n * baseFee + parseGwei("1"), maxPriorityFeePerGas: parseGwei("1") },
    });
    const start = await f.nonceNow();
    const pending = s.send({ address: f.target, abi, functionName: "record", args: [topic(14), 14n] });
    pending.catch(() => undefined);
    while (!lines.some((l) => l.msg === "transaction sent")) await new Promise((r) => setTimeout(r, 20));
    // While it waits, the f.target changes so that the call now reverts (PUSH0 PUSH0 REVERT).
    await f.node.rpc("hardhat_setCode", [f.target, "0x5f5ffd"]);
    f.mining = f.mineEvery(100, baseFee);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    } finally {
      await f.mining?.();
      f.mining = undefined;
      await f.node.rpc("hardhat_setCode", [f.target, code]);
    }
    expect(caught).to.be.instanceOf(SimulationRevertedError);
    expect((caught as SimulationRevertedError).code).to.equal("TX_CANCELLED");
    expect(lines.some((l) => l.msg === "pending transaction now reverts, cancelling")).to.equal(true);
    // The nonce is used by the cancellation, so the next send is not blocked behind it.
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("reports a transaction that passed simulation but reverted on chain, with its receipt", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const code = await f.client.getCode({ address: f.target });
    const start = await f.nonceNow();
    const pending = f.sender().send({ address: f.target, abi, functionName: "record", args: [topic(16), 16n] });
    pending.catch(() => undefined);
    while ((await f.nonceNow()) === start) await new Promise((r) => setTimeout(r, 20));
    await f.node.rpc("hardhat_setCode", [f.target, "0x5f5ffd"]);
    await f.node.rpc("evm_mine");
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    } finally {
      await f.node.rpc("hardhat_setCode", [f.target, code]);
    }
    expect(caught).to.be.instanceOf(TransactionRevertedError);
    expect((caught as TransactionRevertedError).code).to.equal("TX_REVERTED");
    expect((caught as TransactionRevertedError).receipt.status).to.equal("reverted");
  });

  it("stops waiting on shutdown and leaves the broadcast transaction to be mined", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const controller = new AbortController();
    const start = await f.nonceNow();
    const s = f.sender({ signal: controller.signal });
    const pending = s.send({ address: f.target, abi, functionName: "record", args: [topic(15), 15n] });
    setTimeout(() => controller.abort(new Error("SIGTERM")), 300);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal("SIGTERM");
    await f.node.rpc("evm_mine");
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
  });

  it("stops with NONCE_CONSUMED when a transaction it did not send takes the nonce of a stuck one", async function () {
    await f.node.rpc("evm_setAutomine", [false]);
    const baseFee = parseGwei("20");
    await f.node.rpc("hardhat_setNextBlockBaseFeePerGas", [toHex(baseFee)]);
    await f.node.rpc("evm_mine");
    const lines: { msg: string }[] = [];
    const logger = createKeeperLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    const s = f.sender({
      logger,
      bumpAfterMs: 200,
      maxBumps: 100,
      // A fee oracle that lags the market: every bump stays below the competing transaction.
      fees: async () => ({ maxFeePerGas: parseGwei("2"), maxPriorityFeePerGas: parseGwei("1") }),
    });
    const start = await f.nonceNow();
    const pending = s.send({ address: f.target, abi, functionName: "record", args: [topic(10), 10n] });
    pending.catch(() => undefined);
    // (Hardhat's pending nonce leaves out a transaction the next block cannot include.)
    while (!lines.some((l) => l.msg === "transaction sent")) await new Promise((r) => setTimeout(r, 20));
    // The same account replaces it elsewhere with a far higher fee.
    const wallet = createWalletClient({ account, chain: f.node.chain, transport: http(f.node.url) });
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
    f.mining = f.mineEvery(100, baseFee);
    let caught: unknown;
    try {
      await pending;
    } catch (error) {
      caught = error;
    }
    expect((caught as PortfolioError).code).to.equal("NONCE_CONSUMED");
    expect(await f.client.getTransactionCount({ address: account.address })).to.equal(start + 1);
    // The sender recovers: the next send reads the pending nonce again.
    await f.mining?.();
    f.mining = undefined;
    await f.node.rpc("evm_setAutomine", [true]);
    const next = await f.sender().send({ address: f.target, abi, functionName: "record", args: [topic(11), 11n] });
    expect(next.nonce).to.equal(start + 1);
  });
});
