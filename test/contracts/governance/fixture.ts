import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { network } from "hardhat";
import type { Address, Hex } from "viem";
import { deployGovernance, type DeployGovernanceReturnType } from "../../../src/chain/deployGovernance.ts";
import type { RegistryGenesis, StrategyParameters } from "../../../src/chain/governance/types.ts";
import { WAD } from "../../../src/chain/governance/types.ts";

export const connection = await network.create();
export const { ethers, networkHelpers } = connection;

export const PARAMETERS: StrategyParameters = {
  optimizerType: 0,
  riskAversion: (5n * WAD) / 2n,
  tau: WAD / 20n,
  riskBudgetsHash: `0x${"00".repeat(32)}`,
  driftThreshold: WAD / 20n,
  volatilityBudget: WAD / 5n,
  rebalanceCalendar: "0 0 * * 1",
  maxSlippageBps: 50,
};

export function genesisFor(signers: readonly Address[], keepers: readonly Address[]): RegistryGenesis {
  return {
    optimizerBuildHash: `0x${"ab".repeat(32)}` as Hex,
    optimizerVersion: "0.1.0",
    parameters: PARAMETERS,
    constraints: {
      contentHash: `0x${"cd".repeat(32)}` as Hex,
      uri: "ipfs://constraints-v1",
      maxPositionWeight: (WAD * 3n) / 10n,
      maxTurnover: WAD / 2n,
    },
    viewSigners: signers,
    keepers,
  };
}

export interface GovernanceFixture extends DeployGovernanceReturnType {
  readonly deployer: HardhatEthersSigner;
  /** Holds the whole supply and delegates to itself: enough votes for quorum and threshold. */
  readonly voter: HardhatEthersSigner;
  readonly outsider: HardhatEthersSigner;
  readonly safeOwners: readonly HardhatEthersSigner[];
}

/** Deploys a 2-of-3 guardian Safe and the whole governance, the voter holding and delegating all votes. */
export async function deployFixture(): Promise<GovernanceFixture> {
  const [deployer, voter, outsider, o1, o2, o3, signer, keeper] = await ethers.getSigners();
  const safeOwners = [o1!, o2!, o3!];
  const deployed = await deployGovernance(connection, {
    safeOwners: safeOwners.map((o) => o.address as Address),
    tokenHolder: voter!.address as Address,
    genesis: genesisFor([signer!.address as Address], [keeper!.address as Address]),
  });
  await deployed.token.connect(voter!).delegate(voter!.address);
  return { ...deployed, deployer: deployer!, voter: voter!, outsider: outsider!, safeOwners };
}
