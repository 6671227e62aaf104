import { expect } from "chai";
import { readFileSync } from "node:fs";
import { ZeroAddress, type Contract } from "ethers";
import { network } from "hardhat";
import { getAddress, keccak256, toHex, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import SystemModule from "../../ignition/modules/System.ts";
import { DEMO_MARKET, marketAssets } from "../../src/chain/demoMarket.ts";
import { systemParameters } from "../../src/chain/systemParameters.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const PARAMETERS_FILE = new URL("../../ignition/parameters/system.localhost.json", import.meta.url);
const account = (i: number): Address =>
  mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: i }).address;

/** The shipped parameter file, exactly as `npx hardhat ignition deploy --parameters` reads it. */
async function deployed(): Promise<Record<string, Contract>> {
  return connection.ignition.deploy(SystemModule, { parameters: PARAMETERS_FILE.pathname });
}

/** A result of the system module by name (`timelock`, `AAPLToken`, …). */
function c(results: Record<string, Contract>, name: string): Contract {
  const contract = results[name];
  if (contract === undefined) throw new Error(`the system module returned no ${name}`);
  return contract;
}

describe("Ignition: System module", function () {
  it("ships a parameter file equal to systemParameters() for Hardhat's default accounts", function () {
    const file = JSON.parse(readFileSync(PARAMETERS_FILE, "utf8")) as unknown;
    const expected = systemParameters({
      safeOwners: [account(3), account(4), account(5)],
      optimizerBuildHash: `0x${"ab".repeat(32)}`,
      optimizerVersion: "0.1.0",
      keepers: [account(1)],
      viewSigners: [account(2)],
    });
    // Ignition's JSON spells bigints "123n".
    const json = JSON.parse(JSON.stringify(expected, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)));
    expect(file).to.deep.equal(json);
  });

  it("wires governance: governor-only proposer/executor, guardian Safe canceller, 48 h delay, admin renounced", async function () {
    const s = await networkHelpers.loadFixture(deployed);
    const role = (name: string): string => keccak256(toHex(name));
    const has = (r: string, who: string): Promise<boolean> => c(s, "timelock").getFunction("hasRole")(r, who);
    const governor = await c(s, "governor").getAddress();
    const safe = await c(s, "guardianSafe").getAddress();
    const timelock = await c(s, "timelock").getAddress();
    expect(await c(s, "timelock").getFunction("getMinDelay")()).to.equal(48n * 3600n);
    expect(await has(role("PROPOSER_ROLE"), governor)).to.equal(true);
    expect(await has(role("EXECUTOR_ROLE"), governor)).to.equal(true);
    expect(await has(role("CANCELLER_ROLE"), safe)).to.equal(true);
    expect(await has(role("PROPOSER_ROLE"), safe)).to.equal(false);
    expect(await has(`0x${"00".repeat(32)}`, account(0))).to.equal(false);
    expect(await has(`0x${"00".repeat(32)}`, timelock)).to.equal(true);
    expect(await c(s, "governor").getFunction("token")()).to.equal(await c(s, "token").getAddress());
    expect(await c(s, "governor").getFunction("timelock")()).to.equal(timelock);

    // The guardian is the 2-of-3 Safe made by the factory from the singleton.
    expect(await c(s, "guardianSafe").getFunction("getThreshold")()).to.equal(2n);
    expect(await c(s, "guardianSafe").getFunction("getOwners")()).to.deep.equal([account(3), account(4), account(5)]);
    const singletonSlot = await ethers.provider.getStorage(safe, 0);
    expect(getAddress(`0x${singletonSlot.slice(-40)}`)).to.equal(await c(s, "safeSingleton").getAddress());
    expect(await c(s, "registry").getFunction("guardian")()).to.equal(safe);
    expect(await c(s, "settlement").getFunction("guardian")()).to.equal(safe);
  });

  it("points registry, settlement, vault and adapter at each other; the timelock owns them all, the deployer nothing", async function () {
    const s = await networkHelpers.loadFixture(deployed);
    const timelock = await c(s, "timelock").getAddress();
    const settlement = await c(s, "settlement").getAddress();
    expect(await c(s, "registry").getFunction("owner")()).to.equal(timelock);
    expect(await c(s, "registry").getFunction("optimizerBuildHash")()).to.equal(`0x${"ab".repeat(32)}`);
    expect(await c(s, "registry").getFunction("isKeeper")(account(1))).to.equal(true);
    expect(await c(s, "registry").getFunction("isViewSigner")(account(2))).to.equal(true);
    expect(await c(s, "settlement").getFunction("registry")()).to.equal(await c(s, "registry").getAddress());
    expect(await c(s, "settlement").getFunction("oracle")()).to.equal(await c(s, "oracle").getAddress());
    // Wiring is the DAO's first proposal (src/chain/genesisCalls.ts): nothing settles before it.
    expect(await c(s, "settlement").getFunction("isPortfolio")(await c(s, "vault").getAddress())).to.equal(false);
    expect(await c(s, "settlement").getFunction("isVenue")(await c(s, "adapter").getAddress())).to.equal(false);
    expect(await c(s, "vault").getFunction("settlement")()).to.equal(settlement);
    expect(await c(s, "adapter").getFunction("factory")()).to.equal(await c(s, "uniswapV2Factory").getAddress());
    expect(await c(s, "uniswapV2Router").getFunction("factory")()).to.equal(
      await c(s, "uniswapV2Factory").getAddress(),
    );
    expect(await c(s, "uniswapV2Router").getFunction("WETH")()).to.equal(await c(s, "weth").getAddress());
    for (const owned of [c(s, "registry"), c(s, "oracle"), c(s, "settlement"), c(s, "vault")]) {
      expect(await owned.getFunction("owner")()).to.equal(timelock);
      expect(await owned.getFunction("pendingOwner")()).to.equal(ZeroAddress);
    }
  });

  it("lists every asset with its feed, seeds each pool at the feed price and funds the vault", async function () {
    const s = await networkHelpers.loadFixture(deployed);
    const assets = marketAssets(DEMO_MARKET);
    const [base, ...risky] = assets;
    const baseToken = c(s, `${base!.symbol}Token`);
    const [tokens, balances] = (await c(s, "vault").getFunction("holdings")()) as [string[], bigint[]];
    expect(tokens).to.deep.equal(await Promise.all(assets.map((a) => c(s, `${a.symbol}Token`).getAddress())));
    expect(balances).to.deep.equal(assets.map((a) => a.holding));
    for (const asset of assets) {
      const [, answer] = (await c(s, `${asset.symbol}Feed`).getFunction("latestRoundData")()) as [bigint, bigint];
      expect(answer).to.equal(asset.feedAnswer);
    }
    for (const asset of risky) {
      const token = c(s, `${asset.symbol}Token`);
      const pair = await c(s, `${asset.symbol}Pair`).getAddress();
      expect(await c(s, "uniswapV2Factory").getFunction("getPair")(baseToken, token)).to.equal(pair);
      expect(await baseToken.getFunction("balanceOf")(pair)).to.equal(base!.poolDepth);
      expect(await token.getFunction("balanceOf")(pair)).to.equal(asset.poolDepth);
      // pair.mint ran: reserves synced and liquidity went to the deployer.
      expect(await c(s, `${asset.symbol}Pair`).getFunction("balanceOf")(account(0))).to.be.greaterThan(0n);
    }
  });
});
