import { expect } from "chai";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  createPublicClient,
  HttpRequestError,
  http,
  TimeoutError,
  type PublicClient,
} from "viem";
import { InputError } from "../../src/errors.ts";
import {
  backoffDelay,
  isContractRevert,
  isRetryableRpcError,
  seededRandom,
  withRetry,
  type RetryEvent,
} from "../../src/keeper/retry.ts";
import { HARDHAT_CHAIN_ID, hardhatNode, type HardhatNode } from "../helpers/hardhatNode.ts";

const connectionRefused = (): HttpRequestError =>
  new HttpRequestError({
    url: "http://127.0.0.1:1",
    cause: Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
    }),
  });

const revert = (): ContractFunctionExecutionError =>
  new ContractFunctionExecutionError(
    new ContractFunctionRevertedError({
      abi: [],
      functionName: "settle",
      message: "Settlement__LegBelowLimit(0, 1, 2)",
    }) as unknown as BaseError,
    { abi: [], functionName: "settle" },
  );

describe("keeper/retry", () => {
  describe("backoff", () => {
    it("doubles the cap from baseMs up to maxMs", () => {
      const none = { baseMs: 100, maxMs: 1_000, jitter: "none" } as const;
      expect([1, 2, 3, 4, 5, 6].map((k) => backoffDelay(k, none, Math.random))).to.deep.equal([
        100, 200, 400, 800, 1_000, 1_000,
      ]);
    });

    it("full jitter draws uniformly below the cap, reproducibly with a seed", () => {
      const full = { baseMs: 100, maxMs: 1_000, jitter: "full" } as const;
      const a = seededRandom(7);
      const b = seededRandom(7);
      const draws = Array.from({ length: 200 }, (_, i) => backoffDelay((i % 6) + 1, full, a));
      expect(draws).to.deep.equal(Array.from({ length: 200 }, (_, i) => backoffDelay((i % 6) + 1, full, b)));
      draws.forEach((d, i) => expect(d >= 0 && d < Math.min(1_000, 100 * 2 ** (i % 6))).to.equal(true));
      // Uniform on [0, 1): the mean of many draws is near 1/2.
      const r = seededRandom(1);
      const mean = Array.from({ length: 10_000 }, () => r()).reduce((s, x) => s + x, 0) / 10_000;
      expect(Math.abs(mean - 0.5) < 0.02).to.equal(true);
    });
  });

  describe("withRetry", () => {
    it("retries retryable failures with the announced delays, then returns the result", async () => {
      const events: RetryEvent[] = [];
      let calls = 0;
      const result = await withRetry(
        async ({ attempt }) => {
          calls += 1;
          if (attempt < 4) throw connectionRefused();
          return "ok";
        },
        { retries: 5, baseMs: 4, maxMs: 16, random: seededRandom(3), onRetry: (e) => events.push(e) },
      );
      expect(result).to.equal("ok");
      expect(calls).to.equal(4);
      expect(events.map((e) => e.attempt)).to.deep.equal([1, 2, 3]);
      const replay = seededRandom(3);
      expect(events.map((e) => e.delayMs)).to.deep.equal(
        [1, 2, 3].map((k) => backoffDelay(k, { baseMs: 4, maxMs: 16, jitter: "full" }, replay)),
      );
    });

    it("rethrows the last error unchanged once the retries are used up", async () => {
      let calls = 0;
      const last = connectionRefused();
      try {
        await withRetry(
          async () => {
            calls += 1;
            throw last;
          },
          { retries: 2, baseMs: 1 },
        );
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.equal(last);
      }
      expect(calls).to.equal(3);
    });

    it("does not retry a contract revert or a typed input error", async () => {
      for (const thrown of [revert(), new InputError("X", "bad", "field")]) {
        let calls = 0;
        try {
          await withRetry(
            async () => {
              calls += 1;
              throw thrown;
            },
            { retries: 5, baseMs: 1 },
          );
        } catch (error) {
          expect(error).to.equal(thrown);
        }
        expect(calls).to.equal(1);
      }
    });

    it("stops waiting when aborted, with the signal's reason", async () => {
      const controller = new AbortController();
      const reason = new Error("shutting down");
      setTimeout(() => controller.abort(reason), 30);
      const started = Date.now();
      try {
        await withRetry(
          async () => {
            throw connectionRefused();
          },
          { retries: Infinity, baseMs: 10_000, jitter: "none", signal: controller.signal },
        );
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.equal(reason);
      }
      expect(Date.now() - started).to.be.lessThan(5_000);
    });

    it("does not start when already aborted", async () => {
      let calls = 0;
      const controller = new AbortController();
      controller.abort(new Error("stop"));
      try {
        await withRetry(async () => ++calls, { signal: controller.signal });
      } catch (error) {
        expect((error as Error).message).to.equal("stop");
      }
      expect(calls).to.equal(0);
    });
  });

  describe("classification", () => {
    it("transport failures are retryable", () => {
      expect(isRetryableRpcError(connectionRefused())).to.equal(true);
      expect(isRetryableRpcError(new TimeoutError({ body: {}, url: "http://x" }))).to.equal(true);
      expect(isRetryableRpcError(new HttpRequestError({ url: "http://x", status: 503 }))).to.equal(true);
      expect(isRetryableRpcError(new HttpRequestError({ url: "http://x", status: 429 }))).to.equal(true);
      expect(isRetryableRpcError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).to.equal(true);
      expect(isRetryableRpcError(new TypeError("fetch failed"))).to.equal(true);
    });

    it("answers are not: reverts, client errors, our typed errors, unknown errors", () => {
      expect(isRetryableRpcError(revert())).to.equal(false);
      expect(isContractRevert(revert())).to.equal(true);
      expect(isRetryableRpcError(new HttpRequestError({ url: "http://x", status: 401 }))).to.equal(false);
      expect(isRetryableRpcError(new InputError("X", "bad"))).to.equal(false);
      expect(isRetryableRpcError(new Error("something else"))).to.equal(false);
    });
  });

  describe("against a hardhat node", function () {
    let node: HardhatNode | undefined;
    let client: PublicClient;

    after(async function () {
      await node?.stop();
    });

    it("RPC down: retries until the node comes up, then succeeds", async function () {
      node = await hardhatNode({ start: false });
      client = createPublicClient({ chain: node.chain, transport: http(node.url, { retryCount: 0, timeout: 2_000 }) });
      const errors: unknown[] = [];
      let starting: Promise<void> | undefined;
      const chainId = await withRetry(() => client.getChainId(), {
        retries: 60,
        baseMs: 100,
        maxMs: 500,
        onRetry: ({ error }) => {
          errors.push(error);
          // The node comes up only after the first failure.
          starting ??= node!.start();
        },
      });
      await starting;
      expect(chainId).to.equal(HARDHAT_CHAIN_ID);
      expect(errors.length).to.be.greaterThan(0);
      expect(errors[0]).to.be.instanceOf(HttpRequestError);
      expect(isRetryableRpcError(errors[0])).to.equal(true);
    });

    it("RPC stopped and restarted: a call in flight during the outage still succeeds", async function () {
      await node!.stop();
      let restarting: Promise<void> | undefined;
      let failures = 0;
      const block = await withRetry(() => client.getBlockNumber({ cacheTime: 0 }), {
        retries: 60,
        baseMs: 100,
        maxMs: 500,
        onRetry: () => {
          failures += 1;
          restarting ??= node!.start();
        },
      });
      await restarting;
      expect(failures).to.be.greaterThan(0);
      expect(block).to.equal(0n);
    });
  });
});
