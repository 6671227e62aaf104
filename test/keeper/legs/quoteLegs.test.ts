import { expect } from "chai";
import { createRequire } from "node:module";
import { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  maxUint256,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { planLegs, type PlanLegsParameters } from "../../../src/keeper/legs/planLegs.ts";
import { quoteCheck } from "../../../src/keeper/legs/quoteCheck.ts";
import { WAD } from "../../../src/protocol/fixedPoint.ts";
import { quoteLegsUniswapV2 } from "../../../src/keeper/legs/quoteLegs.ts";
import { HARDHAT_ACCOUNT_0_KEY } from "../../helpers/hardhatNode.ts";

// The real Uniswap V2 bytecode shipped in the npm packages (no hand-written AMM).
const require = createRequire(import.meta.url);
const build = (path: string): { abi: Abi; bytecode: Hex } => {
  const json = require(path) as { abi: Abi; bytecode: string };
  return { abi: json.abi, bytecode: `0x${json.bytecode.replace(/^0x/, "")}` };
};
const Factory = build("@uniswap/v2-core/build/UniswapV2Factory.json");
const Router = build("@uniswap/v2-periphery/build/UniswapV2Router02.json");
const Weth = build("@uniswap/v2-periphery/build/WETH9.json");
const Token = build("@uniswap/v2-periphery/build/ERC20.json");

const account = privateKeyToAccount(HARDHAT_ACCOUNT_0_KEY);
const { provider } = await network.create();

/** Uniswap V2's getAmountOut (0.3 % fee), in integers. */
const amountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint =>
  (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);

describe("keeper/quoteLegs (Uniswap V2 from its npm bytecode)", function () {
  let client: PublicClient;
  let wallet: WalletClient;
  let router: Address;
  let usd: Address;
  let tokA: Address;
  let tokB: Address;

  async function deploy(artifact: { abi: Abi; bytecode: Hex }, args: readonly unknown[] = []): Promise<Address> {
    const hash = await wallet.deployContract({
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      args,
      account,
      chain: undefined,
    });
    return (await client.waitForTransactionReceipt({ hash, pollingInterval: 10 })).contractAddress!;
  }

  async function write(address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<void> {
    const hash = await wallet.writeContract({ address, abi, functionName, args, account, chain: undefined });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    expect(receipt.status).to.equal("success");
  }

  before(async function () {
    client = createPublicClient({ transport: custom(provider) });
    wallet = createWalletClient({ transport: custom(provider) });
    const factory = await deploy(Factory, [account.address]);
    const weth = await deploy(Weth);
    router = await deploy(Router, [factory, weth]);
    usd = await deploy(Token, [10n ** 30n]);
    tokA = await deploy(Token, [10n ** 30n]);
    tokB = await deploy(Token, [10n ** 30n]);
    for (const token of [usd, tokA, tokB]) await write(token, Token.abi, "approve", [router, maxUint256]);
    const deadline = 2n ** 40n;
    // A: 1 000 A against 2 000 USD (2 USD, shallow); B: 100 000 B against 200 000 USD (2 USD, deep).
    await write(router, Router.abi, "addLiquidity", [
      tokA,
      usd,
      1_000n * WAD,
      2_000n * WAD,
      0n,
      0n,
      account.address,
      deadline,
    ]);
    await write(router, Router.abi, "addLiquidity", [
      tokB,
      usd,
      100_000n * WAD,
      200_000n * WAD,
      0n,
      0n,
      account.address,
      deadline,
    ]);
  });

  function plan(overrides: Partial<PlanLegsParameters> = {}): ReturnType<typeof planLegs> {
    // 100 A and 100 B at 2 USD, no USD; target: half in USD, the rest split evenly. Each sells 50.
    return planLegs({
      holdings: [
        { token: usd, symbol: "USD", decimals: 18, balance: 0n },
        { token: tokA, symbol: "A", decimals: 18, balance: 100n * WAD },
        { token: tokB, symbol: "B", decimals: 18, balance: 100n * WAD },
      ],
      prices: [WAD, 2n * WAD, 2n * WAD],
      targetWeights: [0.5, 0.25, 0.25],
      baseToken: usd,
      venue: () => router,
      minTradeValueUsd: 10n * WAD,
      maxSlippageBps: 100,
      ...overrides,
    });
  }

  it("quotes each leg with getAmountsOut, exactly the constant-product output", async function () {
    const { legs } = plan();
    expect(legs.map((l) => [l.sellToken, l.amountIn, l.minAmountOut])).to.deep.equal([
      [tokA, 50n * WAD, 99n * WAD],
      [tokB, 50n * WAD, 99n * WAD],
    ]);
    const quotes = await quoteLegsUniswapV2(client, { legs, router });
    expect(quotes).to.deep.equal([
      amountOut(50n * WAD, 1_000n * WAD, 2_000n * WAD),
      amountOut(50n * WAD, 100_000n * WAD, 200_000n * WAD),
    ]);
  });

  it("flags the leg whose price impact exceeds the slippage budget; planning without it passes", async function () {
    const first = plan();
    const quotes = await quoteLegsUniswapV2(client, { legs: first.legs, router });
    const check = quoteCheck(first.legs, quotes);
    // 50 A into a 1 000 A pool costs ~5 %; 50 B into a 100 000 B pool ~0.35 %.
    expect(check.ok).to.equal(false);
    expect(check.flagged.map((f) => f.leg.sellToken)).to.deep.equal([tokA]);
    expect(check.flagged[0]!.shortfallBps > 400n).to.equal(true);
    const second = plan({ exclude: [tokA] });
    expect(second.legs.map((l) => l.sellToken)).to.deep.equal([tokB]);
    expect(quoteCheck(second.legs, await quoteLegsUniswapV2(client, { legs: second.legs, router })).ok).to.equal(true);
  });

  it("quotes 0 for a pair without a pool, so the check flags it", async function () {
    const leg = { sellToken: tokA, buyToken: tokB, amountIn: WAD, minAmountOut: 1n, venue: router };
    const quotes = await quoteLegsUniswapV2(client, { legs: [leg], router });
    expect(quotes).to.deep.equal([0n]);
    expect(quoteCheck([leg], quotes).ok).to.equal(false);
  });
});
