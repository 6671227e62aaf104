import { expect } from "chai";
import { network } from "hardhat";
import type { System } from "../../helpers/settlement.ts";
import { standardSystem, USDC, usdc, WETH } from "./system.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = standardSystem(ethers);

describe("PortfolioVault", () => {
  let sys: System;

  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(fixture);
  });

  it("records holdings in asset order", async () => {
    const [tokens, balances] = await sys.vault.holdings();
    expect(tokens).to.deep.equal(sys.addresses);
    expect(balances).to.deep.equal([usdc(600_000), 200n * 10n ** 18n, 0n]);
    expect(await sys.vault.assets()).to.deep.equal(sys.addresses);
    expect(await sys.vault.isAsset(sys.addresses[WETH]!)).to.equal(true);
    expect(await sys.vault.settlement()).to.equal(sys.settlement.target);
  });

  it("reads the same balances without the list, fresh after every move", async () => {
    expect(await sys.vault.balances()).to.deep.equal([usdc(600_000), 200n * 10n ** 18n, 0n]);
    const gov = await sys.governance.getAddress();
    await (await sys.vault.withdraw(sys.addresses[USDC]!, gov, usdc(7))).wait();
    const [, balances] = await sys.vault.holdings();
    expect(await sys.vault.balances()).to.deep.equal(balances);
    expect(balances[USDC]).to.equal(usdc(600_000 - 7));
  });

  it("lets governance deposit and withdraw, and nobody else", async () => {
    const gov = await sys.governance.getAddress();
    const usdcToken = sys.tokens[USDC]!;
    await (await usdcToken.mint(gov, usdc(10))).wait();
    await (await usdcToken.approve(sys.vault.target, usdc(10))).wait();
    await expect(sys.vault.deposit(usdcToken.target, usdc(10)))
      .to.emit(sys.vault, "Deposited")
      .withArgs(usdcToken.target, gov, usdc(10));
    await expect(sys.vault.withdraw(usdcToken.target, gov, usdc(5)))
      .to.emit(sys.vault, "Withdrawn")
      .withArgs(usdcToken.target, gov, usdc(5));
    expect(await usdcToken.balanceOf(gov)).to.equal(usdc(5));
    const outsider = sys.vault.connect(sys.outsider);
    await expect(outsider.withdraw(usdcToken.target, gov, 1n)).to.be.revertedWithCustomError(
      sys.vault,
      "OwnableUnauthorizedAccount",
    );
    await expect(outsider.deposit(usdcToken.target, 1n)).to.be.revertedWithCustomError(
      sys.vault,
      "OwnableUnauthorizedAccount",
    );
    await expect(sys.vault.deposit(await sys.outsider.getAddress(), 1n)).to.be.revertedWithCustomError(
      sys.vault,
      "Vault__UnknownAsset",
    );
  });

  it("curates the asset list: no duplicates, no zero address", async () => {
    await expect(sys.vault.addAsset(sys.addresses[USDC]!))
      .to.be.revertedWithCustomError(sys.vault, "Vault__DuplicateAsset")
      .withArgs(sys.addresses[USDC]);
    await expect(sys.vault.addAsset(ethers.ZeroAddress)).to.be.revertedWithCustomError(sys.vault, "Vault__ZeroAddress");
    const token = await ethers.deployContract("MockERC20", ["X", "X", 18]);
    await expect(sys.vault.addAsset(token.target)).to.emit(sys.vault, "AssetAdded").withArgs(token.target, 3);
    expect(await sys.vault.assets()).to.deep.equal([...sys.addresses, token.target]);
    expect(await sys.vault.isAsset(token.target)).to.equal(true);
    const [tokens, balances] = await sys.vault.holdings();
    expect(tokens).to.deep.equal([...sys.addresses, token.target]);
    expect(balances[3]).to.equal(0n);
  });

  it("starts from an empty asset list and grows it in order", async () => {
    const [governance] = await ethers.getSigners();
    const empty = await ethers.deployContract("PortfolioVault", [
      governance!.address,
      await sys.settlement.getAddress(),
      [],
    ]);
    expect(await empty.assets()).to.deep.equal([]);
    expect(await empty.holdings()).to.deep.equal([[], []]);
    expect(await empty.balances()).to.deep.equal([]);
    for (const [i, address] of sys.addresses.entries()) {
      await expect(empty.addAsset(address)).to.emit(empty, "AssetAdded").withArgs(address, i);
    }
    expect(await empty.assets()).to.deep.equal(sys.addresses);
  });
});
